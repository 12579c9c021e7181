// props::explore: search the interleavings of a concurrent program for a
// failure, and hand back the smallest schedule that reproduces it.
//
//   props::explore_options o;
//   o.name = "lost-notify";                       // names schedules and repro lines
//   o.strategy = *props::parse_strategy("pct:3", err);
//   const props::explore_result r = props::explore(o, [] {
//     sys::atomic<bool> ready{false};             // the program: sys:: primitives,
//     sys::thread t("waiter", [&] { ... });       // the runtime, or both
//     ...
//     t.join();
//   });
//   if (r.failure) std::cerr << r.summary();
//
// Each iteration runs the body as the thread "main" of a fresh simulated
// world in which every sys operation is a scheduling point, with the
// strategy as the decision source. A run fails on a WEFT_ASSERT or escaped
// exception, a deadlock, a lost wakeup, a data race on a sys::cell, or the
// step bound (livelock). The first failure is shrunk and reported.
//
// Shrinking. The failing run's choice sequence is re-run with candidate
// edits — a preemption replaced by letting the running thread continue,
// chunks deleted (delta debugging, halving chunk sizes), data values set
// to 0 — under a lenient replay that makes the non-preemptive choice
// wherever an edited sequence no longer fits. An edit is kept when the run
// still fails the same way (same outcome; for assertions the same message,
// for exceptions the same message up to its numbers) with fewer preemptions, or as many and fewer faults (world
// scenarios), or as many of both and fewer steps. The
// result is the lenient run's own choice sequence, checked once more by a
// strict replay.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "props/program.hpp"
#include "props/strategy.hpp"
#include "sim/core/executor.hpp"

namespace weft::props {

struct explore_options {
  std::string name;                      // the check's name: goes into schedules
  strategy_spec strategy;                // default: portfolio
  std::uint64_t iterations = 10'000;     // schedules to try (dfs stops earlier when exhausted)
  std::optional<std::chrono::nanoseconds> time;  // wall-clock budget (the first schedule always runs)
  std::uint64_t seed = 1;                // iteration i uses seed + i
  bool shrink = true;
  std::uint64_t shrink_runs = 2'000;     // at most this many re-executions while shrinking
  std::uint64_t max_steps = 200'000;     // scheduling points per run before "livelock"
  std::size_t stack_size = 128 * 1024;
  bool detect_races = true;
  bool detect_leaks = true;              // coroutine frames still allocated at a clean end
  // Atomics follow the C++ memory model (true: loads may read older
  // stores, as sim/core/memory.hpp describes) or sequential consistency
  // (false); unset: as the program asks (props::program::weak_memory).
  std::optional<bool> weak_memory;
  std::size_t store_history = 8;         // weak memory: stores kept per atomic
  // Weak memory: each load, store, RMW and fence of every run, as it happens.
  std::function<void(const sim::memory_event&)> memory_observer;
  // World scenarios: keep each run's trace (replay and the report need it;
  // the search runs without, for speed). Thread-level bodies have none.
  bool world_trace = false;
  // World scenarios: the step bound of each run (0: the scenario's own).
  // Shrinking sets it from the failing run, so that an edit which makes a
  // world spin (a retry loop with every message dropped) costs a bounded run.
  std::uint64_t world_max_steps = 0;
  // How to reproduce: "{}" is replaced by the schedule.
  std::string repro = "weft replay --schedule {}";
  // Where the failing schedule's step list is written (JSON Lines); "" for nowhere.
  std::string trace_dir;
  // Called after each schedule checked (for a progress line); may be empty.
  std::function<void(std::uint64_t schedules, std::chrono::nanoseconds elapsed)> progress;
  // Set (from a signal handler, say) to stop after the current run.
  const std::atomic<bool>* interrupt = nullptr;
};

// Applies WEFT_SCHEDULE (replay one schedule), WEFT_STRATEGY,
// WEFT_ITERATIONS, WEFT_TIME_LIMIT (a wall-clock budget) and WEFT_MEMORY
// (weak: the C++ memory model; sc: sequential consistency). Returns a
// one-line error naming the variable for a malformed value.
std::optional<std::string> apply_explore_environment(explore_options& o);

struct explore_failure {
  sim::outcome kind = sim::outcome::ok;
  std::string message;
  std::vector<std::string> blocked;  // deadlocks: each thread and what it waits for
  std::uint64_t iteration = 0;       // 1-based: schedules tried until this one
  std::string found_by;              // "pct:3 seed=0x12", "dfs:2", ...
  std::string schedule;              // as found
  unsigned preemptions = 0;
  std::uint64_t steps = 0;
  std::string shrunk;                // the smallest found (== schedule without shrinking)
  unsigned shrunk_preemptions = 0;
  std::uint64_t shrunk_steps = 0;
  std::size_t faults = 0;            // world scenarios: faults in the run as found
  std::size_t shrunk_faults = 0;     // and in the shrunk run
  std::size_t drops = 0;             // world scenarios: datagrams lost or duplicated, as found
  std::size_t shrunk_drops = 0;      // and in the shrunk run
  std::string swarm;                 // under swarm: the shrunk run's fault mix, described
  std::uint64_t shrink_runs = 0;
  std::chrono::nanoseconds shrink_time{0};
  // World scenarios, the shrink as one line: "3 faults, 0 drops, 0 preemptions,
  // 21312 steps -> 2 faults, 0 drops, 0 preemptions, 19996 steps".
  std::string story() const;
  std::string repro_line;            // one line that replays the shrunk schedule
  std::string trace_file;            // "" if none written
  std::string trace_error;           // why the schedule file could not be written ("" if it was, or none was asked)
  // World scenarios: the shrunk run's trace (trace_file is then that trace
  // as JSON Lines, not a schedule file) and its hash, which `weft replay`
  // of the shrunk schedule prints again.
  std::vector<trace::event> world_trace;
  std::uint64_t trace_hash = 0;
};

// Why an exploration stopped.
enum class stop_reason : std::uint8_t {
  failure,      // a failing schedule was found
  exhausted,    // dfs: every schedule within the bound was checked
  replayed,     // replay: the one schedule ran
  iterations,   // the iteration limit
  time,         // the wall-clock budget
  interrupted,  // options.interrupt was set
  bad_input,    // nothing ran (see explore_result::error)
};

struct explore_result {
  std::string error;                 // bad input (a malformed or foreign schedule): nothing ran
  std::uint64_t schedules = 0;       // distinct schedules checked
  std::uint64_t executions = 0;      // runs, including dfs re-executions under smaller bounds
  bool exhausted = false;            // dfs, dpor: every schedule (class) was checked
  std::uint64_t redundant = 0;       // dpor: runs cut short by sleep sets (not schedules)
  stop_reason stopped = stop_reason::bad_input;
  std::string strategy;              // what ran
  std::uint64_t iteration_limit = 0;  // options.iterations (for the summary)
  std::optional<std::chrono::nanoseconds> time_limit;
  std::chrono::nanoseconds elapsed{0};
  std::optional<explore_failure> failure;
  bool world = false;                 // the program was a world scenario
  std::uint64_t trace_hash = 0;       // replay of a world scenario: the run's trace hash
  // A multi-line report: "weft: FOUND ..." with everything to replay it,
  // or "weft: ok ..." with what was covered and why it stopped.
  std::string summary() const;
};

explore_result explore(const explore_options& options, const program& body);
// A thread-level body (lambdas convert here).
inline explore_result explore(const explore_options& options, const std::function<void()>& body) {
  return explore(options, program(body));
}

// One run of `body` under `source`; what it chose and how it ended.
struct execution {
  sim::run_report report;
  std::vector<sim::choice> choices;
  unsigned preemptions = 0;
  std::uint64_t thread_choices = 0;
  std::size_t threads = 0;  // simulated threads the run spawned, main included
  std::size_t faults = 0;   // world scenarios: faults that struck (sim::world::faults)
  std::size_t drops = 0;    // world scenarios: datagrams lost or duplicated by the network
  std::string swarm;        // world scenarios under swarm: the run's fault mix, described
  std::vector<bool> preempted;  // per choice; filled by the shrinker's lenient runs
  // What the run did, when its source wants_segments() (dpor).
  std::vector<sim::segment> segments;
  std::vector<sim::object_access> accesses;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> join_edges;
  // World scenarios with options.world_trace: what the world recorded.
  std::vector<trace::event> trace;
  std::uint64_t trace_hash = 0;
};
// `pool`: stacks, thread records and the choice buffer shared by many runs
// (sim::run_pool); null for a single run. `op_log`: see
// sim::executor_options::op_log.
execution execute(sim::decision_source& source, const program& body, const explore_options& options,
                  sim::run_pool* pool = nullptr,
                  std::function<void(std::uint32_t thread, std::string)> op_log = {});

}  // namespace weft::props
