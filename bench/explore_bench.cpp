// The explorer's speed: schedules per second on two reference checks, next
// to the floor measured in the same run — what the same number of fiber
// creations and switches costs with Boost.Context alone, no scheduler.
//
//   build/release/bench/weft_bench_explore --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
//
// Reference checks: T threads, each doing N atomic fetch_adds (2x10, 3x5),
// joined by main. Every operation is a scheduling point, so a schedule of
// 2x10 has about 25 decisions. BM_Floor runs, per "schedule", the fiber
// work a schedule needs at least: create T+1 fibers on pooled stacks and
// make the switches the explorer's runs made on average (a counter of
// BM_Explore) — the explorer cannot be faster than that.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <vector>

#include <boost/context/fiber.hpp>

#include "props/explore.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/run_pool.hpp"
#include "sim/core/stack_pool.hpp"
#include "tests/props/runtime_checks.hpp"

namespace {

using namespace weft;
namespace ctx = boost::context;

std::function<void()> atomic_check(int threads, int ops) {
  return [threads, ops] {
    sys::atomic<int> counter{0};
    std::vector<sys::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back("t" + std::to_string(t), [&] {
        for (int i = 0; i < ops; ++i) counter.fetch_add(1, std::memory_order_acq_rel);
      });
    }
    for (sys::thread& t : ts) t.join();
  };
}

// Args: threads, ops per thread, strategy (0 random, 1 pct:3), race detection (1 on, the default).
void BM_Explore(benchmark::State& state) {
  const auto body = atomic_check(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  props::explore_options o;
  o.name = "bench";
  o.strategy.which = state.range(2) == 0 ? props::strategy_spec::kind::random : props::strategy_spec::kind::pct;
  o.strategy.depth = 3;
  o.stack_size = 64 * 1024;
  o.detect_races = state.range(3) != 0;
  sim::run_pool pool(o.stack_size);
  std::uint64_t schedules = 0;
  std::uint64_t switches = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    props::execution e;
    if (state.range(2) == 0) {
      sim::random_source src(seed++);
      e = props::execute(src, body, o, &pool);
    } else {
      props::pct_source src(seed++, 3, 32);
      e = props::execute(src, body, o, &pool);
    }
    benchmark::DoNotOptimize(e.report.steps);
    switches += e.report.switches;
    pool.give_back(std::move(e.choices));
    ++schedules;
  }
  state.counters["schedules/s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
  state.counters["switches/schedule"] = static_cast<double>(switches) / static_cast<double>(schedules);
}
BENCHMARK(BM_Explore)
    ->Args({2, 10, 0, 1})
    ->Args({3, 5, 0, 1})
    ->Args({2, 10, 1, 1})
    ->Args({3, 5, 1, 1})
    ->Args({2, 10, 0, 0})
    ->Args({3, 5, 0, 0});

// The floor. Args: fibers per schedule, switches per schedule.
void BM_Floor(benchmark::State& state) {
  const auto fibers = static_cast<int>(state.range(0));
  const auto switches = static_cast<int>(state.range(1));
  sim::stack_pool pool(64 * 1024);
  std::uint64_t schedules = 0;
  for (auto _ : state) {
    // Create the fibers, then bounce between the driver and them round-robin.
    std::vector<ctx::fiber> fs;
    fs.reserve(static_cast<std::size_t>(fibers));
    int remaining = switches;
    for (int i = 0; i < fibers; ++i) {
      fs.emplace_back(std::allocator_arg, sim::pooled_stack{&pool}, [&remaining](ctx::fiber&& driver) {
        while (remaining > 0) driver = std::move(driver).resume();
        return std::move(driver);
      });
    }
    for (int i = 0; remaining > 0; i = (i + 1) % fibers) {
      --remaining;
      fs[static_cast<std::size_t>(i)] = std::move(fs[static_cast<std::size_t>(i)]).resume();
    }
    for (ctx::fiber& f : fs) {
      if (f) f = std::move(f).resume();  // let each return
    }
    ++schedules;
  }
  state.counters["schedules/s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
}
// Fibers = threads + main; switches as BM_Explore reports for random.
BENCHMARK(BM_Floor)->Args({3, 15})->Args({4, 17});

// The exhaustive strategies: range 0 picks dfs:2 (0) or dpor (1).
props::explore_options exhaustive(const std::string& name, std::int64_t which) {
  props::explore_options o;
  o.name = name;
  o.strategy.which = which == 0 ? props::strategy_spec::kind::dfs : props::strategy_spec::kind::dpor;
  o.strategy.depth = 2;
  o.iterations = 10'000'000;
  return o;
}

// Explores `body` to exhaustion once per iteration: the time to exhaust,
// the schedules (classes, for dpor) it took, and runs per second (dpor's
// runs include those its sleep sets cut short).
void exhaust(benchmark::State& state, const props::explore_options& o, const std::function<void()>& body) {
  std::uint64_t schedules = 0;
  std::uint64_t executions = 0;
  for (auto _ : state) {
    const props::explore_result r = props::explore(o, body);
    if (!r.exhausted || r.failure) state.SkipWithError("did not exhaust cleanly");
    schedules = r.schedules;
    executions += r.executions;
  }
  state.counters["schedules"] = static_cast<double>(schedules);
  state.counters["runs/s"] = benchmark::Counter(static_cast<double>(executions), benchmark::Counter::kIsRate);
}

// dfs:2 or dpor over a 2xN check (N = range 1) until exhausted.
void BM_Exhaust(benchmark::State& state) {
  exhaust(state, exhaustive("bench", state.range(0)), atomic_check(2, static_cast<int>(state.range(1))));
}
BENCHMARK(BM_Exhaust)->Args({0, 3})->Args({0, 5})->Args({1, 3})->Args({1, 5})->Unit(benchmark::kMillisecond);

// dfs:2 or dpor over the runtime's local-queue check (owner push/pop with
// overflow vs a thief stealing half; tests/props/runtime_checks.hpp,
// shared with tests/props/runtime_explore_test.cpp) until exhausted.
void BM_ExhaustLocalQueue(benchmark::State& state) {
  exhaust(state, exhaustive("local-queue", state.range(0)),
          [] { props::runtime_checks::local_queue_push_pop_steal(); });
}
BENCHMARK(BM_ExhaustLocalQueue)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// ---- what weak memory costs (sim/core/memory.hpp) ----

// Two threads, each `ops` times storing its own location (release) and
// loading the other's (acquire): every load may read older stores.
std::function<void()> store_load_check(int ops) {
  return [ops] {
    sys::atomic<int> a{0}, b{0};
    auto work = [ops](sys::atomic<int>& mine, sys::atomic<int>& other) {
      for (int i = 1; i <= ops; ++i) {
        mine.store(i, std::memory_order_release);
        benchmark::DoNotOptimize(other.load(std::memory_order_acquire));
      }
    };
    sys::thread t("t", [&] { work(a, b); });
    work(b, a);
    t.join();
  };
}

// Random schedules of the store/load check (5 rounds), sequentially
// consistent (range 0 = 0) or weak (1).
void BM_Memory(benchmark::State& state) {
  const auto body = store_load_check(5);
  props::explore_options o;
  o.name = "bench";
  o.stack_size = 64 * 1024;
  o.weak_memory = state.range(0) != 0;
  sim::run_pool pool(o.stack_size);
  std::uint64_t schedules = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    sim::random_source src(seed++);
    props::execution e = props::execute(src, body, o, &pool);
    benchmark::DoNotOptimize(e.report.steps);
    pool.give_back(std::move(e.choices));
    ++schedules;
  }
  state.counters["schedules/s"] = benchmark::Counter(static_cast<double>(schedules), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Memory)->Arg(0)->Arg(1);

// dpor to exhaustion on the store/load check (2 rounds): the classes each
// memory model has, and runs per second. Args: weak (0/1).
void BM_ExhaustMemory(benchmark::State& state) {
  props::explore_options o = exhaustive("bench", 1);
  o.weak_memory = state.range(0) != 0;
  exhaust(state, o, store_load_check(2));
}
BENCHMARK(BM_ExhaustMemory)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
