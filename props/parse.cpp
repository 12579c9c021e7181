#include "props/parse.hpp"

#include <charconv>
#include <cstdlib>

#include "sim/world/scenario.hpp"

namespace weft::props {

std::optional<std::uint64_t> parse_number(const std::string& text) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto number = parse_number(text.substr(0, digits));
  if (!number) return std::nullopt;
  const std::string unit = text.substr(digits);
  std::uint64_t unit_ns = 0;
  if (unit == "ms") unit_ns = 1'000'000;
  else if (unit == "s" || unit.empty()) unit_ns = 1'000'000'000;
  else if (unit == "m" || unit == "min") unit_ns = 60'000'000'000;
  else if (unit == "h") unit_ns = 3'600'000'000'000;
  else return std::nullopt;
  // At most about 292 years: what fits in 64-bit nanoseconds.
  if (*number > static_cast<std::uint64_t>(INT64_MAX) / unit_ns) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(*number * unit_ns));
}

std::optional<std::uint64_t> parse_count(const std::string& text) {
  const auto n = sim::parse_seed(text);
  if (!n || *n == 0) return std::nullopt;
  return n;
}

std::optional<shard> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto k = parse_number(text.substr(0, slash));
  const auto n = parse_number(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k == 0 || *k > *n) return std::nullopt;
  return shard{*k, *n};
}

std::optional<std::string> env_value(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace weft::props
