// Parsing the `weft` command's argument values: durations, shards, seeds.
// Each returns nullopt for malformed input; the caller reports it in one
// line and exits 2.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace weft::cli {

// "500ms", "30s", "5m", "2h" (a bare number is seconds).
std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text);

struct shard {
  std::uint64_t index = 1;  // K, 1-based
  std::uint64_t count = 1;  // N
  bool owns(std::uint64_t position) const noexcept { return position % count == index - 1; }
};
// "K/N" with 1 <= K <= N.
std::optional<shard> parse_shard(const std::string& text);

}  // namespace weft::cli
