#include "cli/parse.hpp"

#include <charconv>

namespace weft::cli {
namespace {

std::optional<std::uint64_t> parse_uint(const std::string& s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto number = parse_uint(text.substr(0, digits));
  if (!number) return std::nullopt;
  const std::string unit = text.substr(digits);
  using namespace std::chrono;
  const std::uint64_t n = *number;
  if (n > 1'000'000'000ull) return std::nullopt;
  if (unit == "ms") return nanoseconds(milliseconds(n));
  if (unit == "s" || unit.empty()) return nanoseconds(seconds(n));
  if (unit == "m" || unit == "min") return nanoseconds(minutes(n));
  if (unit == "h") return nanoseconds(hours(n));
  return std::nullopt;
}

std::optional<shard> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  const auto k = parse_uint(text.substr(0, slash));
  const auto n = parse_uint(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k == 0 || *k > *n) return std::nullopt;
  return shard{*k, *n};
}

}  // namespace weft::cli
