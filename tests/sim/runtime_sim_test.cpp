// The real runtime, compiled against the simulated machine: the same
// scheduler code runs on simulated threads, every interleaving chosen by the
// seed, and a seed always gives the same trace.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/trace/memory_sink.hpp"
#include "sim/core/executor.hpp"

namespace weft {
namespace {

static_assert(sys::is_simulated, "this suite runs against the sim flavour");

rt::task<long> leaf(long x) {
  co_await rt::yield_now();
  co_return x * x;
}

rt::task<long> fan_out(int n) {
  std::vector<rt::join_handle<long>> hs;
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(leaf(i)));
  long sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

struct sim_result {
  sim::run_report report;
  long value = -1;
  std::vector<trace::event> events;
  rt::runtime_metrics metrics;
};

sim_result run_fan_out(std::uint64_t seed, rt::flavour kind, std::size_t workers,
                       sim::granularity g = sim::granularity::every_operation) {
  sim::random_source source(seed);
  sim::executor_options opts;
  opts.preemption = g;
  sim::executor ex(source, opts);
  sim_result out;
  trace::memory_sink sink;
  ex.spawn("main", [&] {
    rt::builder b = kind == rt::flavour::current_thread ? rt::builder::current_thread()
                                                        : rt::builder::multi_thread();
    if (kind == rt::flavour::multi_thread) b.worker_threads(workers);
    b.trace(&sink);
    rt::runtime runtime = b.build();
    out.value = runtime.block_on(fan_out(20));
    out.metrics = runtime.metrics();
  });
  out.report = ex.run();
  out.events = sink.events();
  return out;
}

constexpr long expected_sum = 2470;  // sum of i*i for i < 20

TEST(RuntimeInSim, MultiThreadFanOutCompletesUnderManySeeds) {
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const sim_result r = run_fan_out(seed, rt::flavour::multi_thread, 2);
    ASSERT_TRUE(r.report.ok()) << "seed " << seed << ": " << r.report.message;
    EXPECT_EQ(r.value, expected_sum) << "seed " << seed;
    EXPECT_EQ(r.metrics.alive_tasks, 0u);
  }
}

TEST(RuntimeInSim, CurrentThreadFanOut) {
  const sim_result r = run_fan_out(1, rt::flavour::current_thread, 1);
  ASSERT_TRUE(r.report.ok()) << r.report.message;
  EXPECT_EQ(r.value, expected_sum);
}

TEST(RuntimeInSim, SameSeedGivesAnIdenticalTrace) {
  for (std::uint64_t seed : {3ull, 17ull, 99ull}) {
    const sim_result a = run_fan_out(seed, rt::flavour::multi_thread, 2);
    const sim_result b = run_fan_out(seed, rt::flavour::multi_thread, 2);
    ASSERT_TRUE(a.report.ok()) << a.report.message;
    ASSERT_FALSE(a.events.empty());
    EXPECT_EQ(a.events, b.events) << "seed " << seed;
    EXPECT_EQ(a.report.steps, b.report.steps);
  }
}

TEST(RuntimeInSim, DifferentSeedsScheduleDifferently) {
  const sim_result a = run_fan_out(1, rt::flavour::multi_thread, 2);
  bool differs = false;
  for (std::uint64_t seed = 2; seed < 12 && !differs; ++seed) {
    differs = run_fan_out(seed, rt::flavour::multi_thread, 2).events != a.events;
  }
  EXPECT_TRUE(differs);
}

TEST(RuntimeInSim, BlockingOnlyGranularityRunsTheSameProgram) {
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const sim_result r =
        run_fan_out(seed, rt::flavour::multi_thread, 3, sim::granularity::blocking_only);
    ASSERT_TRUE(r.report.ok()) << r.report.message;
    EXPECT_EQ(r.value, expected_sum);
  }
}

}  // namespace
}  // namespace weft
