// Reading flag values, written once for every subcommand: each reads the
// text the user typed, or prints one line naming the flag and the value
// ("weft: --seed 12abc: not a seed (...)") and returns false, after which
// the subcommand exits 2.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "props/parse.hpp"

namespace weft::cli {

// Decimal or 0x-hex, 64 bits.
bool read_seed(const char* flag, const std::string& text, std::uint64_t& out);
// Positive, decimal or 0x-hex, 64 bits ("-1" and "0" are refused).
bool read_count(const char* flag, const std::string& text, std::uint64_t& out);
// Positive: 500ms, 30s, 5m, 1h.
bool read_duration(const char* flag, const std::string& text, std::chrono::nanoseconds& out);
// K/N with 1 <= K <= N.
bool read_shard(const char* flag, const std::string& text, props::shard& out);

}  // namespace weft::cli
