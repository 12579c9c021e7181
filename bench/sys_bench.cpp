// The real flavour of runtime/sys costs nothing: a CAS loop through
// sys::atomic against the same loop through std::atomic.
//
//   build/release/bench/weft_bench_sys --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

#include "runtime/sys/atomic.hpp"

namespace {

template <class Atomic>
void cas_increment_loop(benchmark::State& state) {
  Atomic value(0);
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) {
      std::uint64_t cur = value.load(std::memory_order_relaxed);
      while (!value.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel,
                                          std::memory_order_relaxed)) {
      }
    }
    benchmark::DoNotOptimize(value.load(std::memory_order_relaxed));
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

void BM_CasLoop_StdAtomic(benchmark::State& state) {
  cas_increment_loop<std::atomic<std::uint64_t>>(state);
}
void BM_CasLoop_SysAtomic(benchmark::State& state) {
  cas_increment_loop<weft::sys::atomic<std::uint64_t>>(state);
}

BENCHMARK(BM_CasLoop_StdAtomic);
BENCHMARK(BM_CasLoop_SysAtomic);

}  // namespace
