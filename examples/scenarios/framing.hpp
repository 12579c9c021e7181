// Length-prefixed messages over a TCP stream (4-byte big-endian length,
// then the bytes): what the example services speak.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/net/tcp.hpp"
#include "runtime/runtime.hpp"
#include "runtime/task/task.hpp"
#include "runtime/time/timeout.hpp"

namespace weft::examples {

// One write for the whole frame, so a short message is one segment.
inline rt::task<net::io_result<void>> send_msg(net::tcp_stream& s, const std::string& msg) {
  const auto n = static_cast<std::uint32_t>(msg.size());
  std::string frame;
  frame.reserve(4 + msg.size());
  frame.push_back(static_cast<char>(n >> 24));
  frame.push_back(static_cast<char>(n >> 16));
  frame.push_back(static_cast<char>(n >> 8));
  frame.push_back(static_cast<char>(n));
  frame += msg;
  co_return co_await s.write_all(std::as_bytes(std::span(frame.data(), frame.size())));
}

inline rt::task<net::io_result<std::string>> recv_msg(net::tcp_stream& s) {
  std::array<std::byte, 4> len{};
  if (auto r = co_await s.read_exact(len); !r) co_return rt::unexpected(std::move(r).error());
  const std::uint32_t n = (std::to_integer<std::uint32_t>(len[0]) << 24) | (std::to_integer<std::uint32_t>(len[1]) << 16) |
                          (std::to_integer<std::uint32_t>(len[2]) << 8) | std::to_integer<std::uint32_t>(len[3]);
  if (n > (1u << 20)) co_return rt::unexpected(net::io_error(std::make_error_code(std::errc::message_size), "frame from", s.peer_addr().to_string()));
  std::string msg(n, '\0');
  if (auto r = co_await s.read_exact(std::as_writable_bytes(std::span(msg.data(), msg.size()))); !r) {
    co_return rt::unexpected(std::move(r).error());
  }
  co_return msg;
}

// Resolves `host` and connects to it on `port`.
inline rt::task<net::io_result<net::tcp_stream>> dial(std::string host, std::uint16_t port) {
  auto addrs = co_await net::lookup(host, port);
  if (!addrs) co_return rt::unexpected(std::move(addrs).error());
  co_return co_await net::tcp_stream::connect(addrs->front());
}

// One request on a fresh connection to `host`:`port`: its one reply, or
// nullopt if the host could not be reached, the connection broke, or no
// reply came within `limit` (the connection is then dropped).
inline rt::task<std::optional<std::string>> exchange_once(std::string host, std::uint16_t port, std::string msg) {
  auto conn = co_await dial(host, port);
  if (!conn) co_return std::nullopt;
  if (!co_await send_msg(*conn, msg)) co_return std::nullopt;
  auto reply = co_await recv_msg(*conn);
  if (!reply) co_return std::nullopt;
  co_return std::move(*reply);
}

inline rt::task<std::optional<std::string>> call(std::string host, std::uint16_t port, std::string msg,
                                                 std::chrono::milliseconds limit) {
  auto r = co_await rt::timeout(limit, exchange_once(std::move(host), port, std::move(msg)));
  if (r.elapsed()) co_return std::nullopt;
  co_return std::move(r.value());
}

// "PUT k v" -> {"PUT", "k", "v"}: how the services split a request.
inline std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// An echo service on `port`: every framed message comes back unchanged,
// one task per connection, until the peer leaves.
inline rt::task<> echo_connection(net::tcp_stream conn) {
  for (;;) {
    auto msg = co_await recv_msg(conn);
    if (!msg) co_return;  // the client left
    if (!co_await send_msg(conn, *msg)) co_return;
  }
}

inline rt::task<> echo_service(std::uint16_t port) {
  auto listener = net::tcp_listener::bind(net::socket_addr(net::ip_addr::unspecified_v4(), port)).value();
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    rt::spawn(echo_connection(std::move(accepted->first))).detach();
  }
}

}  // namespace weft::examples
