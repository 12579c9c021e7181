// Timers on the real clock: sleeps never end early, timeout cancels what it
// wraps, select races branches. Lateness is never a pass/fail criterion here
// (timing belongs in benchmarks); exact timings are tested in the simulator.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"
#include "tests/support/flag.hpp"

namespace weft::rt {
namespace {

using namespace std::chrono_literals;

runtime multi() { return builder::multi_thread().worker_threads(2).build(); }

// Random deadlines up to 30 ms, several at once: each sleep ends at or after
// its deadline.
RC_GTEST_PROP(RealTimers, SleepsNeverEndEarly, ()) {
  const auto delays_us = *rc::gen::container<std::vector<int>>(
      *rc::gen::inRange<std::size_t>(1, 8), rc::gen::inRange(0, 30'000));
  runtime rt = multi();
  auto one = [](int us) -> task<bool> {
    const auto deadline = clock::now() + std::chrono::microseconds(us);
    co_await sleep_until(deadline);
    co_return clock::now() >= deadline;
  };
  auto all = [&]() -> task<bool> {
    std::vector<task<bool>> ts;
    for (int us : delays_us) ts.push_back(one(us));
    bool ok = true;
    for (bool b : co_await join_all(std::move(ts))) ok = ok && b;
    co_return ok;
  };
  RC_ASSERT(rt.block_on(all()));
}

TEST(RealTimers, SleepOnCurrentThreadRuntime) {
  runtime rt = builder::current_thread().build();
  const auto start = clock::now();
  rt.block_on([]() -> task<> { co_await sleep(5ms); }());
  EXPECT_GE(clock::now() - start, 5ms);
}

TEST(RealTimers, TimeoutCancelsTheInnerOperation) {
  runtime rt = multi();
  test::live_counter::alive = 0;
  test::flag never;
  auto stuck = [&](test::live_counter) -> task<int> {
    co_await never.wait();
    co_return 1;
  };
  auto root = [&]() -> task<bool> {
    auto r = co_await timeout(10ms, stuck(test::live_counter{}));
    EXPECT_EQ(test::live_counter::alive.load(), 0);  // inner frame destroyed already
    co_return r.elapsed();
  };
  EXPECT_TRUE(rt.block_on(root()));
  EXPECT_EQ(test::live_counter::alive.load(), 0);
  EXPECT_GE(never.registrations(), 1);  // it was really waiting
}

TEST(RealTimers, TimeoutPassesTheValueThroughWhenInTime) {
  runtime rt = multi();
  auto quick = []() -> task<std::string> {
    co_await sleep(1ms);
    co_return "done";
  };
  auto root = [&]() -> task<std::string> {
    auto r = co_await timeout(10s, quick());
    co_return r.value();
  };
  EXPECT_EQ(rt.block_on(root()), "done");
}

TEST(RealTimers, TimeoutValueThrowsWhenElapsed) {
  runtime rt = multi();
  auto root = []() -> task<bool> {
    auto r = co_await timeout(1ms, sleep(10s));
    try {
      r.value();
    } catch (const timeout_error&) {
      co_return true;
    }
    co_return false;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Select, FirstBranchToCompleteWinsAndTheOthersAreCancelled) {
  runtime rt = multi();
  test::live_counter::alive = 0;
  auto slow = [](test::live_counter, std::chrono::milliseconds d) -> task<int> {
    co_await sleep(d);
    co_return static_cast<int>(d.count());
  };
  auto root = [&]() -> task<std::size_t> {
    auto r = co_await select(slow(test::live_counter{}, 500ms), slow(test::live_counter{}, 5ms),
                             sleep(2s));
    EXPECT_EQ(test::live_counter::alive.load(), 0);
    EXPECT_EQ(std::get<1>(r), 5);
    co_return r.index();
  };
  EXPECT_EQ(rt.block_on(root()), 1u);
}

TEST(Select, TiesGoToTheFirstListedBranch) {
  runtime rt = multi();
  auto ready = [](int v) -> task<int> { co_return v; };
  auto root = [&]() -> task<std::size_t> {
    auto r = co_await select(ready(10), ready(20), ready(30));
    co_return r.index();
  };
  EXPECT_EQ(rt.block_on(root()), 0u);
}

TEST(Select, AllBranchesRacingFromOtherThreads) {
  // Branches wait on flags that other threads set at the same moment: exactly
  // one wins, and the losers are dropped (no stray wakeups afterwards).
  runtime rt = multi();
  for (int round = 0; round < 200; ++round) {
    test::flag f[4];
    auto root = [&]() -> task<std::size_t> {
      std::thread setters([&] {
        for (auto& x : f) x.set();
      });
      auto r = co_await select(f[0].wait(), f[1].wait(), f[2].wait(), f[3].wait());
      setters.join();
      co_return r.index();
    };
    EXPECT_LT(rt.block_on(root()), 4u);
  }
}

TEST(Select, JoinHandlesAsBranchesAndExceptionsFromTheWinner) {
  runtime rt = multi();
  auto failing = []() -> task<int> {
    co_await sleep(1ms);
    throw std::runtime_error("branch failed");
  };
  auto root = [&]() -> task<std::string> {
    auto h = spawn(failing());
    try {
      co_await select(h, sleep(10s));
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no exception";
  };
  EXPECT_EQ(rt.block_on(root()), "branch failed");
}

TEST(JoinAll, CollectsEveryResultInOrder) {
  runtime rt = multi();
  auto after = [](int ms, int v) -> task<int> {
    co_await sleep(std::chrono::milliseconds(ms));
    co_return v;
  };
  auto root = [&]() -> task<std::vector<int>> {
    std::vector<task<int>> ts;
    ts.push_back(after(5, 1));
    ts.push_back(after(1, 2));
    ts.push_back(after(3, 3));
    co_return co_await join_all(std::move(ts));
  };
  EXPECT_EQ(rt.block_on(root()), (std::vector<int>{1, 2, 3}));
}

TEST(Interval, TicksArePeriodicAndNeverEarly) {
  runtime rt = multi();
  auto root = []() -> task<bool> {
    interval every(2ms);
    const auto first = co_await every.tick();
    bool ok = clock::now() >= first;
    for (int i = 1; i <= 5; ++i) {
      const auto t = co_await every.tick();
      ok = ok && t == first + i * 2ms && clock::now() >= t;
    }
    co_return ok;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

}  // namespace
}  // namespace weft::rt
