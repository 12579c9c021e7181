// Timers in virtual time: exact to the tick, so interval's missed-tick
// behaviours and timeout's cancellation can be checked to the millisecond.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <vector>

#include "runtime/runtime.hpp"
#include "sim/core/executor.hpp"

namespace weft {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

// Runs `body` as the root task of a runtime inside a fresh world.
template <class T>
T run_in_sim(std::function<rt::task<T>()> body, std::size_t workers = 2, std::uint64_t seed = 1) {
  sim::random_source source(seed);
  sim::executor ex(source);
  T out{};
  ex.spawn("main", [&] {
    rt::runtime runtime = workers == 0 ? rt::builder::current_thread().build()
                                       : rt::builder::multi_thread().worker_threads(workers).build();
    out = runtime.block_on(body());
  });
  const sim::run_report r = ex.run();
  EXPECT_TRUE(r.ok()) << r.message;
  return out;
}

ms since(rt::clock::time_point start) {
  return std::chrono::duration_cast<ms>(rt::clock::now() - start);
}

TEST(VirtualTime, SleepEndsExactlyAtItsDeadline) {
  for (std::size_t workers : {0u, 1u, 3u}) {
    const auto elapsed = run_in_sim<std::vector<ms>>(
        [] () -> rt::task<std::vector<ms>> {
          const auto start = rt::clock::now();
          std::vector<ms> out;
          co_await rt::sleep(100ms);
          out.push_back(since(start));
          co_await rt::sleep(1ms);
          out.push_back(since(start));
          co_await rt::sleep(2h);
          out.push_back(since(start));
          co_return out;
        },
        workers);
    EXPECT_EQ(elapsed, (std::vector<ms>{100ms, 101ms, 7'200'101ms})) << workers << " workers";
  }
}

TEST(VirtualTime, ManySleepersWakeInDeadlineOrder) {
  const auto order = run_in_sim<std::vector<int>>([]() -> rt::task<std::vector<int>> {
    std::vector<int> woke;
    auto sleeper = [&woke](int ms_) -> rt::task<> {
      co_await rt::sleep(std::chrono::milliseconds(ms_));
      woke.push_back(ms_);
    };
    std::vector<rt::join_handle<void>> hs;
    for (int d : {50, 10, 40, 20, 30}) hs.push_back(rt::spawn(sleeper(d)));
    for (auto& h : hs) co_await h;
    co_return woke;
  }, /*workers=*/1);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30, 40, 50}));
}

TEST(VirtualTime, TimeoutCancelsAtTheDeadline) {
  const auto result = run_in_sim<std::pair<bool, ms>>([]() -> rt::task<std::pair<bool, ms>> {
    const auto start = rt::clock::now();
    auto r = co_await rt::timeout(250ms, rt::sleep(1h));
    co_return std::pair{r.elapsed(), since(start)};
  });
  EXPECT_TRUE(result.first);
  EXPECT_EQ(result.second, 250ms);
}

// A 10 ms interval whose task falls 35 ms behind after the first tick.
std::vector<ms> late_interval(rt::missed_tick_behavior b) {
  return run_in_sim<std::vector<ms>>([b]() -> rt::task<std::vector<ms>> {
    const auto start = rt::clock::now();
    rt::interval every(start, 10ms, b);
    std::vector<ms> ticks;  // when each tick completed
    co_await every.tick();
    ticks.push_back(since(start));
    co_await rt::sleep(35ms);  // busy elsewhere: now 35 ms
    for (int i = 0; i < 4; ++i) {
      co_await every.tick();
      ticks.push_back(since(start));
    }
    co_return ticks;
  });
}

TEST(VirtualTime, IntervalBurstCatchesUpBackToBack) {
  // Ticks due at 10, 20, 30 complete at once at 35; then 40, 50 on time.
  EXPECT_EQ(late_interval(rt::missed_tick_behavior::burst),
            (std::vector<ms>{0ms, 35ms, 35ms, 35ms, 40ms}));
}

TEST(VirtualTime, IntervalDelayRestartsFromNow) {
  // The late tick completes at 35; the schedule restarts: 45, 55, 65.
  EXPECT_EQ(late_interval(rt::missed_tick_behavior::delay),
            (std::vector<ms>{0ms, 35ms, 45ms, 55ms, 65ms}));
}

TEST(VirtualTime, IntervalSkipKeepsThePhase) {
  // The late tick completes at 35; missed ones are dropped: 40, 50, 60.
  EXPECT_EQ(late_interval(rt::missed_tick_behavior::skip),
            (std::vector<ms>{0ms, 35ms, 40ms, 50ms, 60ms}));
}

TEST(VirtualTime, IdleWorkersSleepUntilTheNextTimerNotForever) {
  // Two workers, one task sleeping 5 s: the run ends at exactly 5 s of
  // virtual time, having parked rather than spun.
  sim::random_source source(4);
  sim::executor ex(source);
  ex.spawn("main", [&] {
    rt::runtime runtime = rt::builder::multi_thread().worker_threads(2).build();
    runtime.block_on([]() -> rt::task<> { co_await rt::sleep(5s); }());
  });
  const sim::run_report r = ex.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.end_time_ns - ex.options().epoch_ns, 5'000'000'000);
  EXPECT_LT(r.steps, 5000u);
}

}  // namespace
}  // namespace weft
