// The runtime's own concurrency, explored: every check runs under dfs:2
// (every interleaving with at most two preemptions, which must be exhausted)
// and pct:3.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "props/explore.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/state.hpp"
#include "runtime/task/thread_waker.hpp"
#include "sim/core/executor.hpp"
#include "tests/props/runtime_checks.hpp"

namespace weft::props {
namespace {

static_assert(sys::is_simulated, "this suite runs against the sim flavour");

using rt::detail::task_header;

// ---- running a check ----

strategy_spec strategy(const std::string& text) {
  std::string error;
  const auto s = parse_strategy(text, error);
  EXPECT_TRUE(s.has_value()) << error;
  return s.value_or(strategy_spec{});
}

explore_options options_for(const std::string& name, const std::string& strat, std::uint64_t iterations) {
  explore_options o;
  o.name = name;
  o.strategy = strategy(strat);
  o.iterations = iterations;
#if defined(__SANITIZE_ADDRESS__)
  o.stack_size = 1024 * 1024;  // ASan's frames are large
#endif
  return o;
}

explore_result run(const std::string& name, const std::string& strat, std::uint64_t iterations,
                   const std::function<void()>& body) {
  const explore_result r = explore(options_for(name, strat, iterations), body);
  std::cout << "[" << name << "] " << r.summary();
  return r;
}

// dfs:2 must check every schedule within the bound in fewer than `budget`.
void expect_exhausted(const std::string& name, const std::function<void()>& body, std::uint64_t budget) {
  const explore_result r = run(name, "dfs:2", budget, body);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_TRUE(r.exhausted) << r.summary();
}

void expect_pct_clean(const std::string& name, const std::function<void()>& body, std::uint64_t iterations = 2'000) {
  const explore_result r = run(name, "pct:3", iterations, body);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_EQ(r.schedules, iterations);
}

// ---- 1. the local queue ----

TEST(LocalQueue, PushPopStealAndOverflowLoseNothing_Dfs2) {
  expect_exhausted("local-queue", runtime_checks::local_queue_push_pop_steal, 200'000);
}
TEST(LocalQueue, PushPopStealAndOverflowLoseNothing_Pct3) {
  expect_pct_clean("local-queue", runtime_checks::local_queue_push_pop_steal);
}

}  // namespace
}  // namespace weft::props
namespace weft::props { TEST(Cov, X) { for (int i = 0; i < 8; ++i) std::cout << i << ":" << runtime_checks::coverage[i] << " "; std::cout << "\n"; } }
