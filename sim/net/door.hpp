// The OS door of the deterministic world (runtime/io/door.hpp's contract):
// a host's descriptor table over the simulated kernel (sim/net/kernel.hpp),
// and its queue of edge-triggered readiness events.
//
// * Descriptors are the lowest free numbers from 3, per door; a door
//   belongs to one incarnation of its host, and once that incarnation has
//   crashed every call through it fails with ENETDOWN.
// * Every call is a scheduling point on entry (executor::operation()), as
//   a system call is a point where another thread may run.
// * Events for one token are merged until wait() hands them out. wait()
//   parks the calling simulated thread (virtual time) until an event, a
//   wake() or the timeout.
// * Arrived packets (network.hpp says why they queue) are taken in one at a
//   time by the host's own threads: by the thread in wait(), and on the way
//   out of every data call (accept, read, write, send_to, recv_from).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "runtime/io/door.hpp"
#include "sim/core/sync.hpp"
#include "sim/net/kernel.hpp"

namespace weft::sim {

class sim_door final : public rt::io::door, public nic_consumer {
 public:
  sim_door(network& net, host_id h);
  ~sim_door() override;

  rt::io::fd_t open(rt::io::socket_kind kind, bool v6, std::error_code& ec) override;
  std::error_code set_option(rt::io::fd_t fd, rt::io::socket_option opt, bool on) override;
  std::error_code bind(rt::io::fd_t fd, const net::socket_addr& addr) override;
  std::error_code listen(rt::io::fd_t fd, int backlog) override;
  rt::io::fd_t accept(rt::io::fd_t fd, net::socket_addr& peer, std::error_code& ec) override;
  std::error_code connect(rt::io::fd_t fd, const net::socket_addr& addr) override;
  std::error_code take_error(rt::io::fd_t fd) override;
  rt::io::io_size read(rt::io::fd_t fd, std::span<std::byte> buf) override;
  rt::io::io_size write(rt::io::fd_t fd, std::span<const std::byte> buf) override;
  rt::io::io_size send_to(rt::io::fd_t fd, std::span<const std::byte> buf, const net::socket_addr& to) override;
  rt::io::io_size recv_from(rt::io::fd_t fd, std::span<std::byte> buf, net::socket_addr& from) override;
  std::error_code shutdown_write(rt::io::fd_t fd) override;
  void close(rt::io::fd_t fd) noexcept override;
  net::socket_addr local_addr(rt::io::fd_t fd, std::error_code& ec) override;
  net::socket_addr peer_addr(rt::io::fd_t fd, std::error_code& ec) override;

  std::error_code register_fd(rt::io::fd_t fd, std::uint64_t token) override;
  std::size_t wait(std::span<rt::io::door_event> out, std::optional<std::chrono::nanoseconds> timeout) override;
  void wake() noexcept override;

  std::unique_ptr<rt::io::pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                           std::uint16_t port) override;

  // From the kernel: readiness for `token` changed (or may have).
  void post(std::uint64_t token, std::uint8_t bits);
  // From the network: a packet waits in the host's receive queue.
  void packet_arrived() override { unpark(); }

 private:
  // The socket behind `fd` for a call: EBADF if there is none, ENETDOWN
  // if this door's incarnation is gone. Also the call's scheduling point.
  ksocket_ptr enter(rt::io::fd_t fd, std::error_code& ec);
  bool live() const;
  bool draw(std::uint32_t per_million);
  bool fake_would_block(ksocket& s, std::uint8_t bits);
  rt::io::fd_t install(ksocket_ptr s);
  void queue(std::uint64_t token, std::uint8_t bits);
  void maybe_spurious();
  bool take_packet();
  // The end of a data call: the kernel may take a packet in on the way out
  // (as Linux runs its receive work when a system call returns), so data
  // can land, and its event be dispatched by the driver, right after the
  // call answered EAGAIN.
  template <class R>
  R leave(R result) {
    if (live()) take_packet();
    return result;
  }
  void unpark();

  network& net_;
  host_id host_;
  std::uint64_t incarnation_;
  std::map<rt::io::fd_t, ksocket_ptr> fds_;
  std::vector<rt::io::door_event> events_;
  std::unordered_map<std::uint64_t, std::size_t> queued_;  // token -> index in events_
  sim_parker parker_;
  std::shared_ptr<sim_door*> self_;  // late events hold a weak_ptr to it
};

}  // namespace weft::sim
