// The OS door: the non-blocking socket calls and the readiness-event source
// the reactor core (io/core_reactor.hpp) is built on — the only way the
// runtime's networking reaches an operating system.
//
// Two implementations, one contract:
//   * io/real_door.cpp   Linux: socket system calls, epoll (edge-triggered)
//                        and an eventfd; Boost.Asio for addresses and names;
//   * sim/net/door.cpp   the simulated kernel of the deterministic world,
//                        on the simulated network (never a real socket).
//
// Contract
// --------
// * Descriptors are small non-negative ints; every socket is non-blocking.
// * Errors are std::error_code in std::system_category() holding errno
//   values. A call that would block fails with EAGAIN (would_block()).
// * Readiness is edge-triggered: register_fd() delivers, through wait(), an
//   event carrying `token` whenever the descriptor may have become readable
//   or writable (or closed, or failed) since the last event — never a level.
//   An event is a hint: it may be spurious, and the call it promises may
//   still fail with EAGAIN. A change that happens after a call returned
//   EAGAIN always produces a new event. This is all the core relies on.
// * wait() returns the events ready now, or sleeps until one arrives, wake()
//   is called (from any thread), or the timeout passes.
// * lookup() is the one completion-style call: name resolution may take
//   long and has no descriptor, so the door completes it and wakes the
//   caller itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "runtime/io/net_backend.hpp"
#include "runtime/net/addr.hpp"

namespace weft::rt::io {

using fd_t = int;

// Readiness bits, as events report them and the core keeps them.
namespace ready {
inline constexpr std::uint8_t readable = 1;
inline constexpr std::uint8_t writable = 2;
inline constexpr std::uint8_t read_closed = 4;   // the peer will send nothing more
inline constexpr std::uint8_t write_closed = 8;  // nothing more can be sent
inline constexpr std::uint8_t error = 16;        // a pending socket error (take_error)
inline constexpr std::uint8_t all = 31;
}  // namespace ready

struct door_event {
  std::uint64_t token = 0;
  std::uint8_t ready = 0;
};

// A byte count or an error.
struct io_size {
  std::size_t n = 0;
  std::error_code ec;
};

enum class socket_kind : std::uint8_t { stream, datagram };
enum class socket_option : std::uint8_t { reuse_address, no_delay };

inline bool would_block(const std::error_code& ec) noexcept {
  return ec == std::errc::resource_unavailable_try_again || ec == std::errc::operation_would_block;
}
inline std::error_code sys_error(int errno_value) noexcept {
  return {errno_value, std::system_category()};
}

class door {
 public:
  virtual ~door() = default;

  // ---- sockets ----
  virtual fd_t open(socket_kind kind, bool v6, std::error_code& ec) = 0;
  virtual std::error_code set_option(fd_t fd, socket_option opt, bool on) = 0;
  virtual std::error_code bind(fd_t fd, const net::socket_addr& addr) = 0;
  virtual std::error_code listen(fd_t fd, int backlog) = 0;
  // A connected stream, or EAGAIN when none is waiting.
  virtual fd_t accept(fd_t fd, net::socket_addr& peer, std::error_code& ec) = 0;
  // Starts a connection: EINPROGRESS while it is under way (the descriptor
  // turns writable when it is done; take_error() then says how it went).
  // For datagram sockets: fixes the peer at once.
  virtual std::error_code connect(fd_t fd, const net::socket_addr& addr) = 0;
  // The pending socket error (SO_ERROR), cleared by reading it.
  virtual std::error_code take_error(fd_t fd) = 0;
  // n == 0 without an error: the peer closed its side.
  virtual io_size read(fd_t fd, std::span<std::byte> buf) = 0;
  virtual io_size write(fd_t fd, std::span<const std::byte> buf) = 0;
  virtual io_size send_to(fd_t fd, std::span<const std::byte> buf, const net::socket_addr& to) = 0;
  virtual io_size recv_from(fd_t fd, std::span<std::byte> buf, net::socket_addr& from) = 0;
  virtual std::error_code shutdown_write(fd_t fd) = 0;
  // Also forgets any registration of `fd`.
  virtual void close(fd_t fd) noexcept = 0;
  virtual net::socket_addr local_addr(fd_t fd, std::error_code& ec) = 0;
  // ENOTCONN while a connection is not (yet) established.
  virtual net::socket_addr peer_addr(fd_t fd, std::error_code& ec) = 0;

  // ---- readiness ----
  virtual std::error_code register_fd(fd_t fd, std::uint64_t token) = 0;
  // Fills `out` with events (at least one, unless woken or timed out) and
  // returns how many. nullopt: no timeout; zero: do not sleep.
  virtual std::size_t wait(std::span<door_event> out, std::optional<std::chrono::nanoseconds> timeout) = 0;
  // Any thread: makes a wait() in progress, or the next one, return.
  virtual void wake() noexcept = 0;

  // ---- names ----
  virtual std::unique_ptr<pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                           std::uint16_t port) = 0;
};

}  // namespace weft::rt::io
