// GoogleTest glue: a test body that sets up a world, run over many seeds.
//
//   WEFT_SIM_TEST(Kv, AcknowledgedWritesSurvive) {
//     world.host("n1", ...);        // `world` is this seed's sim::world
//     world.client("client", ...);
//   }
//
// Each seed builds a fresh world, runs the body to set it up, then runs the
// world; the test fails at the first seed whose run fails, with a GoogleTest
// failure that says what failed, where the trace was written, and exactly
// one line that reproduces it:
//
//   weft: FAILED seed=0x2a (exception): main of 'client' threw: ...
//     trace: weft-out/Kv.AcknowledgedWritesSurvive-0x2a.jsonl
//     reproduce: WEFT_SEED=0x2a /path/to/kv_test --gtest_filter=Kv.AcknowledgedWritesSurvive
//
// Environment:
//   WEFT_SEED=0x2a            run only that seed
//   WEFT_SEEDS=500            how many seeds (default 20), from 1
//   WEFT_TIME_LIMIT=30s       stop starting new seeds after this much wall time
//                             (the first seed always runs)
//   WEFT_CHECK_DETERMINISM=1  run every seed twice and fail on any difference
//   WEFT_TRACE_DIR=dir        where failing seeds' traces go (default weft-out)
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/world/world.hpp"

namespace weft::props {

struct sim_test_options {
  std::uint64_t seeds = 20;
  std::uint64_t first_seed = 1;
  std::optional<std::uint64_t> only_seed;
  std::optional<std::chrono::nanoseconds> time_limit;
  bool check_determinism = false;
  sim::world_config config;
  // How to run this test alone (the reproduce line puts WEFT_SEED=... before it).
  std::string rerun_command;
  // Where a failing seed's trace goes ("" for nowhere).
  std::string trace_dir = "weft-out";
};

struct sim_test_failure {
  std::uint64_t seed = 0;
  std::string message;     // what went wrong (may span lines: blocked threads)
  std::string repro_line;  // "reproduce: WEFT_SEED=0x2a <rerun_command>"
  std::string trace_file;  // where the trace was written ("" if not)
};

struct sim_test_result {
  std::uint64_t seeds_run = 0;
  std::optional<sim_test_failure> failure;
};

// Applies WEFT_SEED, WEFT_SEEDS, WEFT_TIME_LIMIT and WEFT_CHECK_DETERMINISM
// to `o`. A malformed value is an error naming the variable (returned).
std::optional<std::string> apply_environment(sim_test_options& o);

// Runs `setup` over the seeds; stops at the first failure.
sim_test_result run_sim_seeds(const std::string& test_name, const std::function<void(sim::world&)>& setup,
                              const sim_test_options& o);

// The failure as one GoogleTest message: what failed, the trace, the
// reproduce line.
std::string describe(const sim_test_failure& f);

// What WEFT_SIM_TEST calls: the above, reported through GoogleTest.
// A failure is reported at the test's own file and line.
void run_sim_test(const char* suite, const char* name, void (*setup)(sim::world&),
                  const sim::world_config& config = {}, const char* file = __builtin_FILE(),
                  int line = __builtin_LINE());

}  // namespace weft::props

#define WEFT_SIM_TEST(Suite, Name) WEFT_SIM_TEST_WITH(Suite, Name, ::weft::sim::world_config{})

// The same with a world_config for every seed's world, e.g.
//   sim::world_config one_worker() { sim::world_config c; c.workers = 1; return c; }
//   WEFT_SIM_TEST_WITH(Kv, OnOneWorker, one_worker()) { ... }
#define WEFT_SIM_TEST_WITH(Suite, Name, config)                                             \
  static void weft_sim_setup_##Suite##_##Name(::weft::sim::world& world);                   \
  TEST(Suite, Name) {                                                                       \
    ::weft::props::run_sim_test(#Suite, #Name, &weft_sim_setup_##Suite##_##Name, (config)); \
  }                                                                                         \
  static void weft_sim_setup_##Suite##_##Name([[maybe_unused]] ::weft::sim::world& world)
