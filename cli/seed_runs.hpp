// One seed of a scenario, as `run` and `fuzz` both run it: the world, its
// trace written where asked (or, for a failure, to a fresh file), the
// failure printed with its repro line, and its report page.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/world/scenario.hpp"

namespace weft::cli {

struct one_run {
  sim::run_report report;
  std::uint64_t hash = 0;
  std::string trace_file;  // empty if none was written
  bool trace_failed = false;  // a trace was due and could not be written
};

// Runs one seed; writes the trace to `trace_path` if given, else to a fresh
// file in `trace_dir` when the run fails.
one_run run_one(const sim::scenario& s, std::uint64_t seed, const std::optional<std::string>& trace_path,
                const std::string& trace_dir, std::optional<std::chrono::nanoseconds> time_limit);

// "PROGRAM run SCENARIO --seed 0x2a".
std::string run_repro(const std::string& program, const std::string& scenario, std::uint64_t seed);

void print_failure(const std::string& program, const sim::scenario& s, std::uint64_t seed, const one_run& r);

// The report of one failing seed in `dir` (created); prints where it is.
void write_seed_report(const std::string& program, const std::string& dir, const sim::scenario& s,
                       std::uint64_t seed, const one_run& r);

// A file name in `dir` that does not exist yet: STEM.EXT, then STEM-1.EXT, ...
std::string fresh_path(const std::string& dir, const std::string& stem, const std::string& ext);

// "12.345 ms".
std::string millis(std::int64_t ns);

}  // namespace weft::cli
