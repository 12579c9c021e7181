// Simulated sockets and the per-host reactor: the sim backend behind
// net::tcp_stream, net::tcp_listener, net::udp_socket and net::lookup.
//
// Socket operations run on simulated threads (a host's workers) and follow
// the readiness contract of runtime/io/net_backend.hpp: complete now, or
// register the waker and report pending. Their state (stream_end, ...) is
// shared with the network's timed events, which fill inboxes and mark
// resets; those events hand the wakers they must fire to the host's
// sim_reactor, which fires them when a worker of that host polls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "runtime/io/net_backend.hpp"
#include "runtime/io/reactor.hpp"
#include "sim/core/sync.hpp"
#include "sim/net/network.hpp"

namespace weft::sim {

// One end of a simulated TCP connection.
struct stream_end {
  host_id host = 0;
  std::uint64_t incarnation = 0;  // of `host` when the end was made
  std::uint64_t connection = 0;
  net::socket_addr local;
  net::socket_addr remote;
  std::weak_ptr<stream_end> peer;
  std::deque<std::byte> inbox;      // arrived, not read yet
  std::size_t unacked = 0;          // bytes we sent that the peer has not read
  std::int64_t last_arrival_ns = 0; // ordering of our segments to the peer
  bool fin = false;                 // the peer's FIN arrived (after its data)
  bool reset = false;               // RST arrived, or our host crashed
  bool write_shut = false;          // we sent FIN
  bool closed = false;              // our socket object is gone
  rt::waker reader;
  rt::waker writer;
};

struct listener_state {
  host_id host = 0;
  net::socket_addr local;
  std::deque<std::shared_ptr<stream_end>> backlog;  // connected, not yet accepted
  bool closed = false;
  rt::waker acceptor;
};

struct datagram_state {
  host_id host = 0;
  net::socket_addr local;
  std::optional<net::socket_addr> connected;
  struct packet {
    std::vector<std::byte> bytes;
    net::socket_addr from;
  };
  std::deque<packet> queue;
  bool closed = false;
  rt::waker reader;
};

class sim_reactor final : public rt::io::reactor {
 public:
  sim_reactor(network& net, host_id host);
  ~sim_reactor() override;

  void poll(std::optional<std::chrono::nanoseconds> timeout) override;
  void unpark() noexcept override { parker_.unpark(); }
  rt::io::net_backend* net() noexcept override { return backend_.get(); }
  void shutdown() override { fire_ready(); }

  // From a timed event: wake `w` on this host.
  void wake_from_event(rt::waker w);

 private:
  bool fire_ready();

  network& net_;
  host_id host_;
  sim_parker parker_;
  std::vector<rt::waker> ready_;
  std::unique_ptr<rt::io::net_backend> backend_;
};

// The net_backend of one host.
std::unique_ptr<rt::io::net_backend> make_sim_backend(network& net, host_id host);

}  // namespace weft::sim
