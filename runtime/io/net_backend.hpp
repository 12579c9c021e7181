// The socket half of the reactor interface: what net::tcp_stream,
// net::tcp_listener, net::udp_socket and net::lookup are built on.
//
// Every operation is readiness-based and polled like a leaf future: it
// either completes now (a value, or an error code) or, if it would block,
// registers the waker to be woken when it may succeed and reports pending.
// No backend ever holds a caller's buffer between polls, so a future that
// is dropped mid-operation (cancelled, timed out) leaves nothing behind.
//
// One implementation: io/core_net.cpp, on the reactor core, whatever door
// (real or simulated) the core stands on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "runtime/net/addr.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::io {

// The outcome of one poll of a socket operation.
template <class T>
struct io_poll {
  bool ready = false;    // false: pending, the waker is registered
  std::error_code ec;    // when ready: the error, if it failed
  T value{};             // when ready and !ec: the result
};

class stream_impl {
 public:
  virtual ~stream_impl() = default;
  // Bytes read (0: the peer closed its side).
  virtual io_poll<std::size_t> poll_read(std::span<std::byte> buf, const waker& w) = 0;
  virtual io_poll<std::size_t> poll_write(std::span<const std::byte> buf, const waker& w) = 0;
  // Half-close: no more writes; the peer reads end of stream.
  virtual std::error_code shutdown_write() = 0;
  virtual std::error_code set_nodelay(bool on) = 0;
  virtual net::socket_addr local_addr() const = 0;
  virtual net::socket_addr peer_addr() const = 0;
};

struct accepted {
  std::unique_ptr<stream_impl> stream;
  net::socket_addr peer;
};

class listener_impl {
 public:
  virtual ~listener_impl() = default;
  virtual io_poll<accepted> poll_accept(const waker& w) = 0;
  virtual net::socket_addr local_addr() const = 0;
};

struct datagram {
  std::size_t size = 0;
  net::socket_addr from;
};

class datagram_impl {
 public:
  virtual ~datagram_impl() = default;
  virtual io_poll<std::size_t> poll_send_to(std::span<const std::byte> buf, const net::socket_addr& to,
                                            const waker& w) = 0;
  virtual io_poll<datagram> poll_recv_from(std::span<std::byte> buf, const waker& w) = 0;
  // Fixes the peer: send/recv then go to and come from it only.
  virtual std::error_code connect(const net::socket_addr& peer) = 0;
  virtual io_poll<std::size_t> poll_send(std::span<const std::byte> buf, const waker& w) = 0;
  virtual io_poll<std::size_t> poll_recv(std::span<std::byte> buf, const waker& w) = 0;
  virtual net::socket_addr local_addr() const = 0;
};

// An operation in flight (connect, name lookup), polled until ready.
template <class T>
class pending_op {
 public:
  virtual ~pending_op() = default;
  virtual io_poll<T> poll(const waker& w) = 0;
};

class net_backend {
 public:
  virtual ~net_backend() = default;
  virtual std::unique_ptr<listener_impl> tcp_bind(const net::socket_addr& addr, std::error_code& ec) = 0;
  virtual std::unique_ptr<pending_op<std::unique_ptr<stream_impl>>> tcp_connect(const net::socket_addr& addr) = 0;
  virtual std::unique_ptr<datagram_impl> udp_bind(const net::socket_addr& addr, std::error_code& ec) = 0;
  virtual std::unique_ptr<pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                           std::uint16_t port) = 0;
};

}  // namespace weft::rt::io
