// net::ip_addr and net::socket_addr: IPv4/IPv6 addresses and ports, as plain
// values (no system types), shared by the real sockets and the simulated
// network.
//
//   auto a = net::socket_addr::parse("127.0.0.1:8080");   // std::optional
//   auto b = net::socket_addr::parse("[::1]:443");
//   a->to_string();                                        // "127.0.0.1:8080"
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weft::net {

class ip_addr {
 public:
  ip_addr() noexcept = default;  // 0.0.0.0
  static ip_addr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept;
  static ip_addr v4(std::uint32_t host_order) noexcept;
  static ip_addr v6(const std::array<std::uint8_t, 16>& bytes) noexcept;
  static ip_addr loopback_v4() noexcept { return v4(127, 0, 0, 1); }
  static ip_addr unspecified_v4() noexcept { return v4(0, 0, 0, 0); }
  // Dotted quad or IPv6 text (no brackets); nullopt if malformed.
  static std::optional<ip_addr> parse(std::string_view text);

  bool is_v4() const noexcept { return !v6_; }
  bool is_v6() const noexcept { return v6_; }
  bool is_loopback() const noexcept;
  bool is_unspecified() const noexcept;
  std::uint32_t to_v4_uint() const noexcept;  // host order; v4 only
  const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }  // v4 in the first 4
  std::string to_string() const;

  friend bool operator==(const ip_addr&, const ip_addr&) = default;
  friend auto operator<=>(const ip_addr&, const ip_addr&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  bool v6_ = false;
};

class socket_addr {
 public:
  socket_addr() noexcept = default;
  socket_addr(ip_addr ip, std::uint16_t port) noexcept : ip_(ip), port_(port) {}
  // "a.b.c.d:port" or "[v6]:port"; nullopt if malformed.
  static std::optional<socket_addr> parse(std::string_view text);

  const ip_addr& ip() const noexcept { return ip_; }
  std::uint16_t port() const noexcept { return port_; }
  std::string to_string() const;

  friend bool operator==(const socket_addr&, const socket_addr&) = default;
  friend auto operator<=>(const socket_addr&, const socket_addr&) = default;

 private:
  ip_addr ip_;
  std::uint16_t port_ = 0;
};

}  // namespace weft::net
