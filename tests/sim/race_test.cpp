// The race detector (vector clocks over sys::cell accesses) and the
// lost-wakeup diagnosis, each on a buggy twin it must reject and a fixed
// twin it must accept, over many schedules.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <string>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/park.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/executor.hpp"
#include "sim/core/schedule.hpp"

namespace weft::sim {
namespace {

// Runs `body` as the main thread for seeds 1..n; returns the first failing
// report, or an ok one.
run_report first_failure(const std::function<void()>& body, std::uint64_t seeds = 200) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    random_source source(seed);
    executor ex(source);
    ex.spawn("main", body);
    run_report r = ex.run();
    if (!r.ok()) return r;
  }
  return {};
}

// ---- data races ----

TEST(RaceDetector, UnsynchronisedWritesAreARace) {
  const run_report r = first_failure([] {
    sys::cell<int> shared(0);
    sys::thread t("writer", [&] { shared.set(1); });
    shared.set(2);
    t.join();
  });
  ASSERT_EQ(r.result, outcome::data_race) << r.message;
  EXPECT_NE(r.message.find("data race on cell #"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("'writer' at tests/sim/race_test.cpp:"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("are not ordered by happens-before"), std::string::npos) << r.message;
}

TEST(RaceDetector, WritesUnderOneMutexAreNotARace) {
  const run_report r = first_failure([] {
    sys::mutex m;
    sys::cell<int> shared(0);
    sys::thread t("writer", [&] {
      std::lock_guard g(m);
      shared.set(shared.get() + 1);
    });
    {
      std::lock_guard g(m);
      shared.set(shared.get() + 1);
    }
    t.join();
    EXPECT_EQ(shared.get(), 2);  // after join: ordered
  });
  EXPECT_TRUE(r.ok()) << r.message;
}

// Message passing: data in a cell, a flag in an atomic.
void publish(std::memory_order store_order, std::memory_order load_order) {
  sys::cell<int> data(0);
  sys::atomic<bool> ready(false);
  sys::thread producer("producer", [&] {
    data.set(42);
    ready.store(true, store_order);
  });
  while (!ready.load(load_order)) sys::yield_thread();
  EXPECT_EQ(data.get(), 42);
  producer.join();
}

TEST(RaceDetector, RelaxedPublicationIsARace) {
  const run_report r = first_failure([] { publish(std::memory_order_relaxed, std::memory_order_relaxed); });
  ASSERT_EQ(r.result, outcome::data_race) << r.message;
  EXPECT_NE(r.message.find("write by thread 1 'producer'"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("read by thread 0 'main'"), std::string::npos) << r.message;
}

TEST(RaceDetector, ReleaseWithoutAcquireIsARace) {
  const run_report r = first_failure([] { publish(std::memory_order_release, std::memory_order_relaxed); });
  EXPECT_EQ(r.result, outcome::data_race) << r.message;
}

TEST(RaceDetector, ReleaseAcquirePublicationIsNotARace) {
  const run_report r = first_failure([] { publish(std::memory_order_release, std::memory_order_acquire); });
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(RaceDetector, RelaxedRmwsContinueTheReleaseSequence) {
  // Producer: write, release-store 1. A third thread bumps the counter with
  // a relaxed RMW. The consumer acquires 2: it still synchronises with the
  // producer's release (C++ release sequences).
  const run_report r = first_failure([] {
    sys::cell<int> data(0);
    sys::atomic<int> flag(0);
    sys::thread producer("producer", [&] {
      data.set(7);
      flag.store(1, std::memory_order_release);
    });
    sys::thread bumper("bumper", [&] {
      int expected = 1;
      while (!flag.compare_exchange_weak(expected, 2, std::memory_order_relaxed, std::memory_order_relaxed)) {
        expected = 1;
        sys::yield_thread();
      }
    });
    while (flag.load(std::memory_order_acquire) != 2) sys::yield_thread();
    EXPECT_EQ(data.get(), 7);
    producer.join();
    bumper.join();
  });
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(RaceDetector, ARelaxedStoreEndsTheReleaseSequence) {
  const run_report r = first_failure([] {
    sys::cell<int> data(0);
    sys::atomic<int> flag(0);
    sys::thread producer("producer", [&] {
      data.set(7);
      flag.store(1, std::memory_order_release);
    });
    sys::thread other("other", [&] {
      while (flag.load(std::memory_order_relaxed) != 1) sys::yield_thread();
      flag.store(2, std::memory_order_relaxed);  // not an RMW: the sequence ends
    });
    while (flag.load(std::memory_order_acquire) != 2) sys::yield_thread();
    (void)data.get();
    producer.join();
    other.join();
  });
  EXPECT_EQ(r.result, outcome::data_race) << r.message;
}

TEST(RaceDetector, SpawnAndJoinOrderAccesses) {
  const run_report r = first_failure([] {
    sys::cell<int> data(1);
    sys::thread t("child", [&] { data.set(data.get() + 1); });  // after the spawn
    t.join();
    data.set(data.get() + 1);  // after the join
    EXPECT_EQ(data.get(), 3);
  });
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(RaceDetector, UnparkOrdersAccessesBeforeTheParkReturns) {
  const run_report r = first_failure([] {
    sys::cell<int> data(0);
    sys::parker p;
    sys::thread t("waker", [&] {
      data.set(5);
      p.unpark();
    });
    p.park();
    EXPECT_EQ(data.get(), 5);
    t.join();
  });
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(RaceDetector, CanBeSwitchedOff) {
  random_source source(1);
  executor_options opts;
  opts.detect_races = false;
  executor ex(source, opts);
  ex.spawn("main", [] {
    sys::cell<int> shared(0);
    sys::thread t("writer", [&] { shared.set(1); });
    shared.set(2);
    t.join();
  });
  EXPECT_TRUE(ex.run().ok());
}

// ---- lost wakeups ----

// A hand-rolled event: the setter notifies without taking the lock, and the
// waiter checks the flag before waiting without holding the lock across
// both — a notify can fall between the check and the wait.
void event_handoff(bool fixed) {
  sys::mutex m;
  sys::condvar cv;
  sys::atomic<bool> flag(false);
  sys::thread setter("setter", [&] {
    if (fixed) {
      std::lock_guard g(m);
      flag.store(true, std::memory_order_release);
      cv.notify_one();
    } else {
      flag.store(true, std::memory_order_release);
      cv.notify_one();
    }
  });
  if (fixed) {
    std::unique_lock lk(m);
    while (!flag.load(std::memory_order_acquire)) cv.wait(lk);
  } else {
    bool seen = flag.load(std::memory_order_acquire);
    std::unique_lock lk(m);
    if (!seen) cv.wait(lk);
  }
  setter.join();
}

TEST(LostWakeup, ANotifyNobodyHeardThenAWaitForeverIsALostWakeup) {
  const run_report r = first_failure([] { event_handoff(false); });
  ASSERT_EQ(r.result, outcome::lost_wakeup) << r.message;
  EXPECT_NE(r.message.find("lost wakeup: thread 0 'main' waits on condvar #"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("while nobody waited"), std::string::npos) << r.message;
}

TEST(LostWakeup, TheFixedHandoffNeverLosesIt) {
  const run_report r = first_failure([] { event_handoff(true); }, 500);
  EXPECT_TRUE(r.ok()) << r.message;
}

TEST(LostWakeup, APlainDeadlockIsStillADeadlock) {
  const run_report r = first_failure([] {
    sys::mutex m;
    sys::condvar cv;
    std::unique_lock lk(m);
    cv.wait(lk);  // nobody will ever notify
  });
  EXPECT_EQ(r.result, outcome::deadlock) << r.message;
}

TEST(LostWakeup, ProbesNameWhatWentMissing) {
  random_source source(1);
  executor ex(source);
  ex.add_probe([] { return std::optional<std::string>("all 2 workers parked while 1 task is queued"); });
  ex.spawn("main", [] {
    sys::parker p;
    p.park();
  });
  const run_report r = ex.run();
  EXPECT_EQ(r.result, outcome::lost_wakeup);
  EXPECT_EQ(r.message, "lost wakeup: all 2 workers parked while 1 task is queued");
}

// ---- schedules ----

TEST(Schedule, EncodesAndDecodesEveryKind) {
  const std::vector<choice> cs = {
      {choice_kind::thread, 2, 0},      {choice_kind::thread, 3, 17},  {choice_kind::random, 10, 9},
      {choice_kind::latency, 1501, 1500}, {choice_kind::drop, 2, 1},   {choice_kind::fault, 5, 3},
      {choice_kind::buggify, 4, 0},     {choice_kind::random, UINT64_MAX, UINT64_MAX - 1}};
  const std::string text = encode_schedule("lost-notify", cs);
  EXPECT_EQ(text.rfind("w1:lost-notify:", 0), 0u) << text;
  const parsed_schedule p = decode_schedule(text);
  ASSERT_TRUE(p) << p.error.message;
  EXPECT_EQ(p.value->name, "lost-notify");
  ASSERT_EQ(p.value->choices.size(), cs.size());
  for (std::size_t i = 0; i < cs.size(); ++i) {
    EXPECT_EQ(p.value->choices[i].kind, cs[i].kind);
    EXPECT_EQ(p.value->choices[i].value, cs[i].value);
  }
}

TEST(Schedule, ThreadChoicesAmongFewThreadsTakeOneCharacter) {
  const std::string text = encode_schedule("", {{choice_kind::thread, 2, 0}, {choice_kind::thread, 2, 1},
                                                {choice_kind::thread, 4, 3}});
  EXPECT_EQ(text, "w1::AIY");
}

TEST(Schedule, MalformedTextSaysWhere) {
  struct bad_case {
    const char* text;
    const char* message;
  };
  const bad_case cases[] = {
      {"nonsense", "malformed schedule at position 0: expected VERSION:NAME:CHOICES"},
      {"w9:x:AA", "schedule version 'w9' is not one this weft reads (w1)"},
      {"w1:x", "malformed schedule at position 4: expected ':' after the name"},
      {"w1:a b:AA", "malformed schedule at position 4: ' ' cannot be part of a name"},
      {"w1:x:AA!A", "malformed schedule at position 7: '!' is not a schedule digit"},
      {"w1:x:Ag", "malformed schedule at position 7: the schedule ends inside a choice"},
  };
  for (const bad_case& c : cases) {
    const parsed_schedule p = decode_schedule(c.text);
    EXPECT_FALSE(p) << c.text;
    EXPECT_EQ(p.error.message.rfind(c.message, 0), 0u) << c.text << " -> " << p.error.message;
  }
}

TEST(Schedule, ARecordedRunReplaysExactlyFromItsText) {
  auto body = [](std::vector<int>& order) {
    return [&order] {
      sys::mutex m;
      std::vector<sys::thread> ts;
      for (int i = 0; i < 3; ++i) {
        ts.emplace_back("t" + std::to_string(i), [&, i] {
          for (int k = 0; k < 3; ++k) {
            std::lock_guard g(m);
            order.push_back(i);
          }
        });
      }
      for (auto& t : ts) t.join();
    };
  };
  std::vector<int> first;
  random_source source(99);
  recording_source rec(source);
  {
    executor ex(rec);
    ex.spawn("main", body(first));
    ASSERT_TRUE(ex.run().ok());
  }
  const std::string text = encode_schedule("order", rec.choices());
  const parsed_schedule p = decode_schedule(text);
  ASSERT_TRUE(p);
  std::vector<int> again;
  replay_source replay(p.value->choices);
  executor ex(replay);
  ex.spawn("main", body(again));
  const run_report r = ex.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(first, again);
  EXPECT_TRUE(replay.exhausted());
}

}  // namespace
}  // namespace weft::sim
