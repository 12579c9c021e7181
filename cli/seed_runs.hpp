// One seed of a scenario, as `run` and `fuzz` both run it: the world, its
// trace kept when asked and written whole, the failure printed with its
// repro line, and its report page.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/seed_shrink.hpp"
#include "runtime/trace/event.hpp"
#include "sim/world/scenario.hpp"

namespace weft::cli {

struct one_run {
  sim::run_report report;
  std::uint64_t hash = 0;
  std::vector<trace::event> events;  // the trace, when kept
  std::vector<sim::choice> choices;  // every choice made (failing runs only): the schedule
  std::string trace_file;            // where it was written ("" if not)
  std::string trace_error;           // why it was not, when it was due
  std::string swarm;                 // the run's swarm draw, described ("" without swarm)
  std::optional<shrunk_run> shrunk;  // with --shrink
  std::string shrink_error;          // why --shrink gave nothing
};

// `--swarm` on run and fuzz: the scenario NAME+swarm (cli/known.hpp).
std::string with_swarm(const std::string& scenario, bool swarm);
inline constexpr const char* swarm_help =
    "swarm testing: each seed first draws which fault kinds are on and how often (runs NAME+swarm)";

// Which runs keep their trace (copying it out of the world costs time).
enum class keep_trace { never, on_failure, always };

// Runs one seed in a fresh world.
one_run run_one(const sim::scenario& s, std::uint64_t seed, std::optional<std::chrono::nanoseconds> time_limit,
                keep_trace keep);

// Writes r's kept trace to `path` whole or not at all; on failure prints
// one line and records it in r.trace_error.
void save_trace(one_run& r, const std::string& path);

// A new file in `dir` for a failing seed's trace: SCENARIO-SEED.jsonl, then
// -1, -2, ...; with `tag`, SCENARIO-SEED-TAG.jsonl (the shrunk run's: "shrunk").
std::string failure_trace_path(const std::string& dir, const sim::scenario& s, std::uint64_t seed,
                               const std::string& tag = "");

// --shrink: shrinks r's failing run into r.shrunk and writes its trace into
// `dir` (when `dir` is not ""), or says why not in r.shrink_error.
void shrink_into(one_run& r, const sim::scenario& s, std::uint64_t seed, const std::string& dir);
inline constexpr const char* shrink_help =
    "shrink each failing seed's run to the fewest faults, drops, preemptions and steps that still fail; print "
    "before -> after and the schedule that replays it (the report then draws the shrunk run)";

// "PROGRAM run SCENARIO --seed 0x2a".
std::string run_repro(const std::string& program, const std::string& scenario, std::uint64_t seed);

void print_failure(const std::string& program, const sim::scenario& s, std::uint64_t seed, const one_run& r);

// The report of one failing seed in `dir` (created), from its kept trace.
// "" or one line (also printed) saying what could not be written.
std::string write_seed_report(const std::string& program, const std::string& dir, const sim::scenario& s,
                              std::uint64_t seed, const one_run& r);

// "12.345 ms".
std::string millis(std::int64_t ns);

}  // namespace weft::cli
