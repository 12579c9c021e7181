#include "cli/flags.hpp"

#include <fmt/format.h>

#include "sim/world/scenario.hpp"

namespace weft::cli {

bool read_seed(const char* flag, const std::string& text, std::uint64_t& out) {
  const auto v = sim::parse_seed(text);
  if (!v) {
    fmt::print(stderr, "weft: {} {}: not a seed (a decimal or 0x-hex 64-bit number)\n", flag, text);
    return false;
  }
  out = *v;
  return true;
}

bool read_count(const char* flag, const std::string& text, std::uint64_t& out) {
  const auto v = props::parse_count(text);
  if (!v) {
    fmt::print(stderr, "weft: {} {}: give a positive number (decimal or 0x-hex, at most 2^64-1)\n", flag, text);
    return false;
  }
  out = *v;
  return true;
}

bool read_duration(const char* flag, const std::string& text, std::chrono::nanoseconds& out) {
  const auto v = props::parse_duration(text);
  if (!v || v->count() <= 0) {
    fmt::print(stderr, "weft: {} {}: not a duration (use 500ms, 30s, 5m or 1h)\n", flag, text);
    return false;
  }
  out = *v;
  return true;
}

bool read_shard(const char* flag, const std::string& text, props::shard& out) {
  const auto v = props::parse_shard(text);
  if (!v) {
    fmt::print(stderr, "weft: {} {}: expected K/N with 1 <= K <= N (e.g. 2/4)\n", flag, text);
    return false;
  }
  out = *v;
  return true;
}

}  // namespace weft::cli
