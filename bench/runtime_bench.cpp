// Runtime micro-benchmarks on both schedulers: spawn+join, yield, a wake
// ping-pong between two tasks, a bounded channel's throughput, and the
// semaphore's uncontended acquire and release.
//
//   build/release/bench/weft_bench_runtime --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "runtime/runtime.hpp"

namespace {

using namespace weft;

rt::runtime make_runtime(std::int64_t flavour_arg) {
  if (flavour_arg == 0) return rt::builder::current_thread().build();
  return rt::builder::multi_thread().worker_threads(static_cast<std::size_t>(flavour_arg)).build();
}

const char* flavour_label(std::int64_t flavour_arg) {
  return flavour_arg == 0 ? "current_thread" : "multi_thread";
}

rt::task<> empty_task() { co_return; }

rt::task<> spawn_join_batch(int n) {
  std::vector<rt::join_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(empty_task()));
  for (auto& h : hs) co_await h;
}

void BM_SpawnJoin(benchmark::State& state) {
  rt::runtime runtime = make_runtime(state.range(0));
  constexpr int batch = 10000;
  for (auto _ : state) runtime.block_on(spawn_join_batch(batch));
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(flavour_label(state.range(0)));
}

rt::task<> yield_loop(int n) {
  for (int i = 0; i < n; ++i) co_await rt::yield_now();
}

void BM_Yield(benchmark::State& state) {
  rt::runtime runtime = make_runtime(state.range(0));
  constexpr int batch = 10000;
  for (auto _ : state) runtime.block_on(yield_loop(batch));
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(flavour_label(state.range(0)));
}

// A single-waiter signal: enough for two tasks to hand a baton back and forth.
class baton {
 public:
  void pass() {
    rt::waker w;
    {
      std::lock_guard lock(mutex_);
      ready_ = true;
      w = std::move(waiter_);
    }
    std::move(w).wake();
  }
  struct take_future final : rt::leaf_future {
    baton* b;
    explicit take_future(baton* owner) : b(owner) {}
    bool poll(const rt::waker& w) noexcept override {
      std::lock_guard lock(b->mutex_);
      if (b->ready_) {
        b->ready_ = false;
        return true;
      }
      if (!b->waiter_.will_wake(w)) b->waiter_ = w;
      return false;
    }
    void await_resume() const noexcept {}
  };
  take_future take() { return take_future(this); }

 private:
  std::mutex mutex_;
  bool ready_ = false;
  rt::waker waiter_;
};

rt::task<> pinger(baton* mine, baton* theirs, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    theirs->pass();
    co_await mine->take();
  }
}

rt::task<> ponger(baton* mine, baton* theirs, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    co_await mine->take();
    theirs->pass();
  }
}

rt::task<> ping_pong(int rounds) {
  baton a, b;
  auto h = rt::spawn(ponger(&b, &a, rounds));
  co_await pinger(&a, &b, rounds);
  co_await h;
}

void BM_WakePingPong(benchmark::State& state) {
  rt::runtime runtime = make_runtime(state.range(0));
  constexpr int rounds = 10000;
  for (auto _ : state) runtime.block_on(ping_pong(rounds));
  state.SetItemsProcessed(state.iterations() * rounds);
  state.SetLabel(flavour_label(state.range(0)));
}

// One producer task, one consumer task, a bounded(1024) channel of u64.
rt::task<> channel_batch(std::uint64_t n) {
  auto [tx, rx] = rt::mpsc::bounded<std::uint64_t>(1024);
  auto producer = rt::spawn([](rt::mpsc::sender<std::uint64_t> s, std::uint64_t count) -> rt::task<> {
    for (std::uint64_t i = 0; i < count; ++i) (void)co_await s.send(i);
  }(std::move(tx), n));
  std::uint64_t sum = 0;
  while (auto v = co_await rx.recv()) sum += *v;
  benchmark::DoNotOptimize(sum);
  co_await producer;
}

void BM_MpscBounded(benchmark::State& state) {
  rt::runtime runtime = make_runtime(state.range(0));
  constexpr std::uint64_t messages = 100000;
  for (auto _ : state) runtime.block_on(channel_batch(messages));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(messages));
  state.SetLabel(flavour_label(state.range(0)));
}

// try_acquire and release with nobody waiting: the lock-free path.
void BM_SemaphoreUncontended(benchmark::State& state) {
  rt::semaphore sem(1);
  for (auto _ : state) {
    auto p = sem.try_acquire();
    benchmark::DoNotOptimize(p);
  }
}

// Argument: 0 = current_thread, N = multi_thread with N workers.
BENCHMARK(BM_SpawnJoin)->Arg(0)->Arg(2)->UseRealTime();
BENCHMARK(BM_Yield)->Arg(0)->Arg(2)->UseRealTime();
BENCHMARK(BM_WakePingPong)->Arg(0)->Arg(2)->UseRealTime();
BENCHMARK(BM_MpscBounded)->Arg(0)->Arg(2)->UseRealTime();
BENCHMARK(BM_SemaphoreUncontended);

}  // namespace
