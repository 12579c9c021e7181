#include "runtime/net/udp.hpp"

namespace weft::net {

udp_socket::udp_socket(std::unique_ptr<rt::io::datagram_impl> impl)
    : impl_(std::move(impl)), local_(impl_->local_addr()) {}

udp_socket::~udp_socket() = default;

io_result<udp_socket> udp_socket::bind(const socket_addr& addr) {
  rt::io::net_backend* net = current_backend();
  if (net == nullptr) return rt::unexpected(io_error(make_error_code(errc::no_network), "bind", addr.to_string()));
  std::error_code ec;
  auto impl = net->udp_bind(addr, ec);
  if (ec) return rt::unexpected(io_error(ec, "bind", addr.to_string()));
  return udp_socket(std::move(impl));
}

io_result<udp_socket> udp_socket::bind(std::string_view addr) {
  const auto parsed = socket_addr::parse(addr);
  if (!parsed) return rt::unexpected(io_error(make_error_code(errc::invalid_address), "bind", std::string(addr)));
  return bind(*parsed);
}

detail::io_future<std::size_t, udp_socket::send_to_poll> udp_socket::send_to(std::span<const std::byte> buf,
                                                                            const socket_addr& to) {
  return {send_to_poll{impl_.get(), buf, to}, "send to", to};
}

detail::io_future<rt::io::datagram, udp_socket::recv_from_poll> udp_socket::recv_from(std::span<std::byte> buf) {
  return {recv_from_poll{impl_.get(), buf}, "receive on", local_};
}

io_result<void> udp_socket::connect(const socket_addr& peer) {
  if (const std::error_code ec = impl_->connect(peer)) {
    return rt::unexpected(io_error(ec, "connect", peer.to_string()));
  }
  peer_ = peer;
  return {};
}

detail::io_future<std::size_t, udp_socket::send_poll> udp_socket::send(std::span<const std::byte> buf) {
  return {send_poll{impl_.get(), buf}, "send to", peer_};
}

detail::io_future<std::size_t, udp_socket::recv_poll> udp_socket::recv(std::span<std::byte> buf) {
  return {recv_poll{impl_.get(), buf}, "receive from", peer_};
}

}  // namespace weft::net
