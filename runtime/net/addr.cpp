#include "runtime/net/addr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace weft::net {

ip_addr ip_addr::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
  ip_addr ip;
  ip.bytes_[0] = a;
  ip.bytes_[1] = b;
  ip.bytes_[2] = c;
  ip.bytes_[3] = d;
  return ip;
}

ip_addr ip_addr::v4(std::uint32_t host_order) noexcept {
  return v4(static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
            static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order));
}

ip_addr ip_addr::v6(const std::array<std::uint8_t, 16>& bytes) noexcept {
  ip_addr ip;
  ip.bytes_ = bytes;
  ip.v6_ = true;
  return ip;
}

std::optional<ip_addr> ip_addr::parse(std::string_view text) {
  const std::string s(text);
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    ip_addr ip;
    std::memcpy(ip.bytes_.data(), &a4, 4);
    return ip;
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), &a6, 16);
    return v6(b);
  }
  return std::nullopt;
}

bool ip_addr::is_loopback() const noexcept {
  if (!v6_) return bytes_[0] == 127;
  for (std::size_t i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return bytes_[15] == 1;
}

bool ip_addr::is_unspecified() const noexcept {
  const std::size_t n = v6_ ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (bytes_[i] != 0) return false;
  }
  return true;
}

std::uint32_t ip_addr::to_v4_uint() const noexcept {
  return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
         (std::uint32_t{bytes_[2]} << 8) | std::uint32_t{bytes_[3]};
}

std::string ip_addr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::optional<socket_addr> socket_addr::parse(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || value > 65535) {
    return std::nullopt;
  }
  const auto ip = ip_addr::parse(host);
  if (!ip) return std::nullopt;
  return socket_addr(*ip, static_cast<std::uint16_t>(value));
}

std::string socket_addr::to_string() const {
  if (ip_.is_v6()) return "[" + ip_.to_string() + "]:" + std::to_string(port_);
  return ip_.to_string() + ":" + std::to_string(port_);
}

}  // namespace weft::net
