// Reading the values users type: durations, counts, shards, and WEFT_*
// environment variables. Shared by the `weft` command and the GoogleTest
// glue, so a value means the same everywhere. Each parser returns nullopt
// for malformed input; the caller reports it in one line naming the flag
// or variable (and exits 2, or fails the test).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace weft::props {

// "500ms", "30s", "5m", "2h" (a bare number is seconds), up to what fits in
// 64-bit nanoseconds.
std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text);

// A whole number in decimal, no sign, that fits in 64 bits.
std::optional<std::uint64_t> parse_number(const std::string& text);

// A positive count, decimal or 0x-hex, that fits in 64 bits: "-1", "0",
// "1e3" and 18446744073709551616 are refused.
std::optional<std::uint64_t> parse_count(const std::string& text);

struct shard {
  std::uint64_t index = 1;  // K, 1-based
  std::uint64_t count = 1;  // N
  bool owns(std::uint64_t position) const noexcept { return position % count == index - 1; }
};
// "K/N" with 1 <= K <= N.
std::optional<shard> parse_shard(const std::string& text);

// The value of an environment variable; nullopt when unset or empty.
std::optional<std::string> env_value(const char* name);

}  // namespace weft::props
