// UDP: net::udp_socket.
//
//   auto sock = net::udp_socket::bind("127.0.0.1:0").value();
//   co_await sock.send_to(std::as_bytes(std::span(msg)), peer);
//   auto r = co_await sock.recv_from(buf);      // {bytes, sender}
//
// connect(peer) fixes the peer for send()/recv(). Results are io_results,
// as for TCP (runtime/net/tcp.hpp).
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "runtime/net/tcp.hpp"

namespace weft::net {

class udp_socket {
 public:
  udp_socket(udp_socket&&) noexcept = default;
  udp_socket& operator=(udp_socket&&) noexcept = default;
  ~udp_socket();

  static io_result<udp_socket> bind(const socket_addr& addr);
  static io_result<udp_socket> bind(std::string_view addr);

  struct send_to_poll {
    rt::io::datagram_impl* impl = nullptr;
    std::span<const std::byte> buf;
    socket_addr to;
    rt::io::io_poll<std::size_t> operator()(const rt::waker& w) { return impl->poll_send_to(buf, to, w); }
  };
  struct recv_from_poll {
    rt::io::datagram_impl* impl = nullptr;
    std::span<std::byte> buf;
    rt::io::io_poll<rt::io::datagram> operator()(const rt::waker& w) { return impl->poll_recv_from(buf, w); }
  };
  struct send_poll {
    rt::io::datagram_impl* impl = nullptr;
    std::span<const std::byte> buf;
    rt::io::io_poll<std::size_t> operator()(const rt::waker& w) { return impl->poll_send(buf, w); }
  };
  struct recv_poll {
    rt::io::datagram_impl* impl = nullptr;
    std::span<std::byte> buf;
    rt::io::io_poll<std::size_t> operator()(const rt::waker& w) { return impl->poll_recv(buf, w); }
  };

  detail::io_future<std::size_t, send_to_poll> send_to(std::span<const std::byte> buf, const socket_addr& to);
  // Bytes received and who sent them.
  detail::io_future<rt::io::datagram, recv_from_poll> recv_from(std::span<std::byte> buf);
  io_result<void> connect(const socket_addr& peer);
  detail::io_future<std::size_t, send_poll> send(std::span<const std::byte> buf);
  detail::io_future<std::size_t, recv_poll> recv(std::span<std::byte> buf);
  socket_addr local_addr() const { return local_; }

 private:
  explicit udp_socket(std::unique_ptr<rt::io::datagram_impl> impl);
  std::unique_ptr<rt::io::datagram_impl> impl_;
  socket_addr local_;
  socket_addr peer_;
};

}  // namespace weft::net
