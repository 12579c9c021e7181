// Unmodified C++ against weft::sys: the same check — 2 threads × 10
// fetch_add on one counter, then join — written on std::thread and
// std::atomic (instrument_bench_std.cpp, compiled with weft_instrument) and
// on weft::sys, run by the same explorer loop (random and pct:3, races
// detected). schedules/s side by side: what going through GCC's
// instrumentation and the interposed thread API costs per schedule.
#include <benchmark/benchmark.h>

#include <functional>

#include "props/explore.hpp"
#include "props/strategy.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/decision.hpp"
#include "sim/core/run_pool.hpp"

void std_fetch_add_check();  // instrument_bench_std.cpp

namespace {

using namespace weft;

void sys_fetch_add_check() {
  sys::atomic<int> counter{0};
  sys::thread a("a", [&] {
    for (int i = 0; i < 10; ++i) counter.fetch_add(1, std::memory_order_seq_cst);
  });
  sys::thread b("b", [&] {
    for (int i = 0; i < 10; ++i) counter.fetch_add(1, std::memory_order_seq_cst);
  });
  a.join();
  b.join();
}

// range(0): 0 weft::sys, 1 plain std (instrumented); range(1): 0 random, 1 pct:3.
void BM_FetchAdd(benchmark::State& state) {
  const std::function<void()> body = state.range(0) == 0 ? std::function<void()>(sys_fetch_add_check)
                                                         : std::function<void()>(std_fetch_add_check);
  props::explore_options o;
  o.name = "bench";
  o.stack_size = 64 * 1024;
  sim::run_pool pool(o.stack_size);
  std::uint64_t schedules = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    props::execution e;
    if (state.range(1) == 0) {
      sim::random_source src(seed++);
      e = props::execute(src, body, o, &pool);
    } else {
      props::pct_source src(seed++, 3, 64);
      e = props::execute(src, body, o, &pool);
    }
    if (!e.report.ok()) state.SkipWithError(e.report.message.c_str());
    benchmark::DoNotOptimize(e.report.steps);
    pool.give_back(std::move(e.choices));
    ++schedules;
  }
  state.counters["schedules/s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
  state.SetLabel(state.range(0) == 0 ? "weft::sys" : "plain std, instrumented");
}
BENCHMARK(BM_FetchAdd)->ArgsProduct({{0, 1}, {0, 1}});

}  // namespace
