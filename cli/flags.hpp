// The values flags take, checked once, by CLI11, when the command line is
// parsed: a bad value never reaches a subcommand. Each check's message
// names the value; CLI11 puts the flag in front, and cli_main prints it as
// the one line of a usage error (exit 2):
//
//   weft: --seed: 12abc: not a seed (a decimal or 0x-hex 64-bit number)
//
// Options are declared as text and checked with these; after parsing, the
// *_of() readers turn the checked text into its value.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "props/parse.hpp"

namespace weft::cli {

CLI::Validator seed_value();      // decimal or 0x-hex, 64 bits
CLI::Validator count_value();     // positive, decimal or 0x-hex, 64 bits ("-1" and "0" refused)
CLI::Validator duration_value();  // positive: 500ms, 30s, 5m, 1h
CLI::Validator shard_value();     // K/N with 1 <= K <= N
// A whole number in [lo, hi] (no sign, no hex): sizes, ids, limits.
CLI::Validator number_value(std::uint64_t lo, std::uint64_t hi);

std::uint64_t seed_of(const std::string& checked);
std::uint64_t count_of(const std::string& checked);
std::chrono::nanoseconds duration_of(const std::string& checked);
props::shard shard_of(const std::string& checked);
std::uint64_t number_of(const std::string& checked);

}  // namespace weft::cli
