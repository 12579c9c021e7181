// The deterministic world's speed: how many simulated events it runs per
// wall-clock second, how much faster than real time a timer-heavy program
// runs in virtual time, and how many seeds per second the scenarios fuzz at.
//
//   build/release/bench/weft_bench_sim --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"
#include "sim/world/scenario.hpp"
#include "sim/world/world.hpp"

namespace {

using namespace weft;
using namespace std::chrono_literals;

// Simulated events per second: one host on a multi_thread runtime with 2
// simulated workers; 64 tasks pass a token around a ring of mpsc channels.
// Every runtime operation is a scheduling point of the executor (a "step":
// a decision, and a fiber switch when another thread is chosen); with
// tracing on, every scheduling decision of the runtime is also recorded to
// memory. Args: tracing (1 on, 0 off); preemption (0: only where a thread
// blocks, the world's default; 1: at every operation, for exploring races
// in the runtime itself).
void BM_SimEvents(benchmark::State& state) {
  const bool tracing = state.range(0) != 0;
  const bool every_operation = state.range(1) != 0;
  std::uint64_t steps = 0;
  std::uint64_t switches = 0;
  std::uint64_t events = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    sim::world_config cfg;
    cfg.workers = 2;
    cfg.trace = tracing;
    cfg.preemption = every_operation ? sim::granularity::every_operation : sim::granularity::blocking_only;
    sim::world w(seed++, cfg);
    w.client("ring", []() -> rt::task<> {
      constexpr int n = 64;
      constexpr int laps = 50;
      std::vector<rt::mpsc::sender<int>> to;
      std::vector<rt::mpsc::receiver<int>> from;
      for (int i = 0; i < n; ++i) {
        auto [tx, rx] = rt::mpsc::bounded<int>(4);
        to.push_back(std::move(tx));
        from.push_back(std::move(rx));
      }
      std::vector<rt::join_handle<void>> hs;
      for (int i = 0; i < n; ++i) {
        hs.push_back(rt::spawn([](rt::mpsc::receiver<int> in, rt::mpsc::sender<int> out) -> rt::task<> {
          for (;;) {
            auto v = co_await in.recv();
            if (!v) co_return;
            if (*v == 0) co_return;
            if (!co_await out.send(*v - 1)) co_return;
          }
        }(std::move(from[i]), to[(i + 1) % n])));
      }
      co_await to[0].send(n * laps);
      to.clear();
      for (auto& h : hs) co_await h;
    });
    const sim::run_report r = w.run();
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    steps += r.steps;
    switches += r.switches;
    events += tracing ? w.trace().size() : 0;
  }
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(steps), benchmark::Counter::kIsRate);
  state.counters["switches/s"] = benchmark::Counter(static_cast<double>(switches), benchmark::Counter::kIsRate);
  if (tracing) {
    state.counters["trace_events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  }
}
BENCHMARK(BM_SimEvents)
    ->ArgNames({"trace", "every_op"})
    ->Args({1, 0})
    ->Args({0, 0})
    ->Args({1, 1})
    ->Unit(benchmark::kMillisecond);

// Virtual time against wall time: 1,000 tasks on a 2-worker multi_thread
// host, each sleeping random intervals until a span of simulated time has
// passed. Args: the shortest and longest sleep in milliseconds, the span in
// seconds.
void BM_Timers(benchmark::State& state) {
  const auto lo = state.range(0);
  const auto hi = state.range(1);
  const auto span = std::chrono::seconds(state.range(2));
  std::uint64_t wakeups = 0;
  double simulated = 0;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    sim::world_config cfg;
    cfg.workers = 2;
    cfg.time_limit = 2 * span + 1min;
    cfg.max_steps = UINT64_MAX;
    cfg.trace = false;
    sim::world w(seed++, cfg);
    auto count = std::make_shared<std::uint64_t>(0);
    w.client("timers", [lo, hi, span, count]() -> rt::task<> {
      std::vector<rt::join_handle<void>> hs;
      for (int i = 0; i < 1000; ++i) {
        hs.push_back(rt::spawn([](std::int64_t a, std::int64_t b, std::chrono::seconds for_,
                                  std::shared_ptr<std::uint64_t> c) -> rt::task<> {
          const auto end = rt::clock::now() + for_;
          while (rt::clock::now() < end) {
            co_await rt::sleep(std::chrono::milliseconds(a + static_cast<std::int64_t>(
                                                                 sim::random(static_cast<std::uint64_t>(b - a + 1)))));
            ++*c;
          }
        }(lo, hi, span, count)));
      }
      for (auto& h : hs) co_await h;
    });
    const sim::run_report r = w.run();
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    wakeups += *count;
    simulated += static_cast<double>(r.end_time_ns) / 1e9;
  }
  state.counters["wakeups/s"] = benchmark::Counter(static_cast<double>(wakeups), benchmark::Counter::kIsRate);
  // Simulated seconds per wall second: the sim-to-wall ratio.
  state.counters["sim/wall"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Timers)
    ->ArgNames({"min_ms", "max_ms", "span_s"})
    ->Args({1'000, 60'000, 3'600})  // one simulated hour of 1-60 s sleeps
    ->Args({1, 100, 60})            // one simulated minute of 1-100 ms sleeps
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Seeds per second: one whole run of a scenario (fresh world, hosts,
// faults, run to the end, trace hashed) per seed.
void BM_ScenarioSeeds(benchmark::State& state, const char* name) {
  const sim::scenario* s = examples::find_scenario(name);
  std::uint64_t seed = 1;
  std::uint64_t failures = 0;
  for (auto _ : state) {
    const sim::seed_result r = sim::run_seed(*s, seed++);
    failures += r.report.ok() ? 0 : 1;
    benchmark::DoNotOptimize(r.trace_hash);
  }
  state.counters["seeds/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["failing"] = static_cast<double>(failures) / static_cast<double>(state.iterations());
}
BENCHMARK_CAPTURE(BM_ScenarioSeeds, kv, "kv")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ScenarioSeeds, kv_fixed, "kv-fixed")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ScenarioSeeds, echo, "echo")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ScenarioSeeds, lease_fixed, "lease-fixed")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ScenarioSeeds, election_fixed, "election-fixed")->Unit(benchmark::kMicrosecond);

}  // namespace
