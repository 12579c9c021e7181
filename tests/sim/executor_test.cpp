// The controlled scheduler on its own: determinism by seed, replay, virtual
// time, and each way a run can fail. Built against the sim flavour of
// runtime/sys, so sys::atomic and sys::mutex here are scheduling points.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/clock.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/park.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/executor.hpp"

namespace weft::sim {
namespace {

static_assert(sys::is_simulated, "this suite runs against the sim flavour");

// Two threads each do a non-atomic increment (load, then store) of a shared
// counter: the classic lost update. Returns the final count.
int lost_update_run(decision_source& source, executor_options opts = {}) {
  executor ex(source, opts);
  int final_value = -1;
  ex.spawn("main", [&] {
    sys::atomic<int> counter(0);
    auto bump = [&] {
      const int v = counter.load(std::memory_order_relaxed);
      counter.store(v + 1, std::memory_order_relaxed);
    };
    sys::thread a("a", bump);
    sys::thread b("b", bump);
    a.join();
    b.join();
    final_value = counter.load(std::memory_order_relaxed);
  });
  const run_report r = ex.run();
  EXPECT_TRUE(r.ok()) << r.message;
  return final_value;
}

TEST(Executor, SameSeedSameSchedule) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    random_source s1(seed), s2(seed);
    recording_source r1(s1), r2(s2);
    const int v1 = lost_update_run(r1);
    const int v2 = lost_update_run(r2);
    EXPECT_EQ(v1, v2) << "seed " << seed;
    EXPECT_EQ(r1.choices(), r2.choices()) << "seed " << seed;
  }
}

TEST(Executor, SeedsExploreDifferentInterleavings) {
  std::set<int> outcomes;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    random_source s(seed);
    outcomes.insert(lost_update_run(s));
  }
  // Both the correct count and the lost update are reachable.
  EXPECT_EQ(outcomes, (std::set<int>{1, 2}));
}

TEST(Executor, RecordedChoicesReplayExactly) {
  random_source s(7);
  recording_source rec(s);
  const int v = lost_update_run(rec);
  replay_source replay(rec.choices());
  EXPECT_EQ(lost_update_run(replay), v);
  EXPECT_TRUE(replay.exhausted());
}

TEST(Executor, ReplayOfAForeignScheduleStopsAtTheMismatch) {
  // A schedule that picks thread 4 where the program has only threads 0
  // and 1.
  replay_source replay({choice{choice_kind::thread, 5, 4}});
  executor ex(replay);
  ex.spawn("main", [&] {
    sys::atomic<int> x(0);
    sys::thread a("a", [&] { x.store(1, std::memory_order_relaxed); });
    x.store(2, std::memory_order_relaxed);
    a.join();
  });
  const run_report r = ex.run();
  EXPECT_EQ(r.result, outcome::mismatch);
  EXPECT_EQ(r.message,
            "schedule does not match this program at step 2 (choice 0: expected thread 4, runnable: 0 'main', 1 'a')");
}

TEST(Executor, AbbaDeadlockIsReportedWithEachWaiter) {
  bool found = false;
  for (std::uint64_t seed = 0; seed < 100 && !found; ++seed) {
    random_source s(seed);
    executor ex(s);
    ex.spawn("main", [] {
      sys::mutex a, b;
      sys::thread t1("t1", [&] {
        std::lock_guard la(a);
        std::lock_guard lb(b);
      });
      sys::thread t2("t2", [&] {
        std::lock_guard lb(b);
        std::lock_guard la(a);
      });
      t1.join();
      t2.join();
    });
    const run_report r = ex.run();
    if (r.result == outcome::deadlock) {
      found = true;
      ASSERT_EQ(r.blocked.size(), 3u) << r.message;  // main (join) + t1 + t2
      EXPECT_NE(r.blocked[0].find("'main' waits on join"), std::string::npos) << r.blocked[0];
      EXPECT_NE(r.blocked[1].find("'t1' waits on mutex"), std::string::npos) << r.blocked[1];
      EXPECT_NE(r.blocked[2].find("'t2' waits on mutex"), std::string::npos) << r.blocked[2];
    } else {
      EXPECT_TRUE(r.ok()) << r.message;
    }
  }
  EXPECT_TRUE(found) << "no seed in 100 reached the ABBA deadlock";
}

TEST(Executor, FailedAssertionEndsTheRunAndAbandonsOtherThreads) {
  random_source s(1);
  executor ex(s);
  ex.spawn("main", [] {
    sys::parker never;
    sys::thread sleeper("sleeper", [&] { never.park(); });
    WEFT_ASSERT(1 + 1 == 3, "arithmetic is broken");
    sleeper.join();
  });
  const run_report r = ex.run();
  EXPECT_EQ(r.result, outcome::assertion);
  EXPECT_NE(r.message.find("arithmetic is broken"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("executor_test.cpp"), std::string::npos) << r.message;
}

TEST(Executor, UncaughtExceptionIsAFailureNamingTheThread) {
  random_source s(1);
  executor ex(s);
  ex.spawn("worker-7", [] { throw std::runtime_error("disk on fire"); });
  const run_report r = ex.run();
  EXPECT_EQ(r.result, outcome::exception);
  EXPECT_NE(r.message.find("'worker-7': disk on fire"), std::string::npos) << r.message;
}

TEST(Executor, SpinningForeverIsALivelock) {
  random_source s(1);
  executor_options opts;
  opts.max_steps = 10000;
  executor ex(s, opts);
  ex.spawn("spinner", [] {
    sys::atomic<bool> flag(false);
    while (!flag.load(std::memory_order_acquire)) sys::spin_hint();
  });
  const run_report r = ex.run();
  EXPECT_EQ(r.result, outcome::livelock);
}

TEST(Executor, VirtualClockJumpsToTheNextDeadline) {
  random_source s(3);
  executor ex(s);
  std::vector<std::pair<std::string, std::int64_t>> woke;
  ex.spawn("main", [&] {
    const auto start = sys::clock::now();
    auto sleeper = [&](std::string name, std::chrono::milliseconds d) {
      return sys::thread(name, [&woke, name, d, start] {
        sys::parker p;
        EXPECT_FALSE(p.park_for(d));  // nobody unparks: times out
        woke.emplace_back(name, (sys::clock::now() - start).count());
      });
    };
    sys::thread late = sleeper("late", std::chrono::milliseconds(300));
    sys::thread early = sleeper("early", std::chrono::milliseconds(100));
    late.join();
    early.join();
  });
  const run_report r = ex.run();
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_EQ(woke.size(), 2u);
  EXPECT_EQ(woke[0], (std::pair<std::string, std::int64_t>{"early", 100'000'000}));
  EXPECT_EQ(woke[1], (std::pair<std::string, std::int64_t>{"late", 300'000'000}));
  EXPECT_EQ(r.end_time_ns, ex.options().epoch_ns + 300'000'000);
}

TEST(Executor, UnparkBeforeTimeoutWakesWithoutAdvancingTime) {
  random_source s(5);
  executor ex(s);
  bool got_token = false;
  std::int64_t waited = -1;
  ex.spawn("main", [&] {
    sys::parker p;
    const auto start = sys::clock::now();
    sys::thread waker("waker", [&] { p.unpark(); });
    got_token = p.park_for(std::chrono::seconds(10));
    waited = (sys::clock::now() - start).count();
    waker.join();
  });
  ASSERT_TRUE(ex.run().ok());
  EXPECT_TRUE(got_token);
  EXPECT_EQ(waited, 0);
}

TEST(Executor, BlockingOnlyGranularityDoesNotPreemptPlainOperations) {
  // With preemption only at blocking points, the lost update cannot happen:
  // each bump runs without interruption.
  executor_options opts;
  opts.preemption = granularity::blocking_only;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    random_source s(seed);
    EXPECT_EQ(lost_update_run(s, opts), 2) << "seed " << seed;
  }
}

}  // namespace
}  // namespace weft::sim
