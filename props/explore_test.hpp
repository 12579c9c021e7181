// GoogleTest glue for exploring interleavings: a test body that runs as the
// main thread of props::explore.
//
//   WEFT_EXPLORE_TEST(Pool, TwoAcquiresNeverOpenMoreThanTheLimit) {
//     pool p(1, connect);                       // your code, on weft::sys / weft::rt
//     sys::thread a("a", [&] { ... });
//     ...
//     WEFT_ASSERT(p.open() <= 1, "opened more than the limit");
//   }
//
// The body runs once per schedule, in a fresh simulated world where every
// sys operation is a scheduling point (the same explorer as `weft explore`:
// the default portfolio of random and PCT, 10,000 schedules, shrinking on).
// A run fails on a WEFT_ASSERT, an exception escaping a thread, a
// deadlock, a lost wakeup, a data race on a sys::cell, a leak of the
// runtime's tasks or a livelock; the test then fails with a GoogleTest
// failure that names what failed, the schedule as found and shrunk, where
// its steps were written, and exactly one line that replays it:
//
//   reproduce: WEFT_SCHEDULE=w1:Pool.TwoAcquires...:AAIQ /path/to/pool_test --gtest_filter=Pool.TwoAcquires...
//
// Environment (each overrides the options):
//   WEFT_SCHEDULE=w1:...   replay that one schedule (tests it was not
//                          recorded for are skipped)
//   WEFT_STRATEGY=pct:3    random, pct:D, dfs:P, portfolio
//   WEFT_ITERATIONS=500    schedules to try
//   WEFT_TIME_LIMIT=30s    wall-clock budget (the first schedule always runs)
//   WEFT_MEMORY=weak       atomics follow the C++ memory model (sc: sequentially
//                          consistent, the default; sim/core/memory.hpp)
//   WEFT_TRACE_DIR=dir     where the failing schedule's steps go (default weft-out)
//
// WEFT_EXPLORE_TEST_WITH(Suite, Name, options) takes props::explore_options
// (strategy, iterations, max_steps, detect_races, ...); the name and the
// reproduce line are filled in.
#pragma once

#include <gtest/gtest.h>

#include "props/explore.hpp"

namespace weft::props {

// What WEFT_EXPLORE_TEST calls: explore `body`, report through GoogleTest
// (a failure is reported at the test's own file and line).
void run_explore_test(const char* suite, const char* name, void (*body)(), explore_options options,
                      const char* file = __builtin_FILE(), int line = __builtin_LINE());

}  // namespace weft::props

#define WEFT_EXPLORE_TEST(Suite, Name) WEFT_EXPLORE_TEST_WITH(Suite, Name, ::weft::props::explore_options{})

#define WEFT_EXPLORE_TEST_WITH(Suite, Name, options)                                                   \
  static void weft_explore_body_##Suite##_##Name();                                                    \
  TEST(Suite, Name) {                                                                                  \
    ::weft::props::run_explore_test(#Suite, #Name, &weft_explore_body_##Suite##_##Name, (options));    \
  }                                                                                                    \
  static void weft_explore_body_##Suite##_##Name()
