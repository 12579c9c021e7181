// Trace conformance: the real multi_thread runtime, explored under dfs:2 and
// pct:3, records its task events, and every event must be a transition the
// task state model allows (models/conformance.hpp). The checker itself is
// first shown to reject traces that break the model: hand-made ones, and
// real ones with an event removed, duplicated or moved.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

#include "models/conformance.hpp"
#include "props/explore.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sync/notify.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/trace/memory_sink.hpp"

namespace weft::props {
namespace {

using trace::event;
using trace::kind;

event ev(kind k, std::uint64_t task, std::int64_t a = 0, std::int64_t b = 0) {
  event e;
  e.what = k;
  e.task = task;
  e.a = a;
  e.b = b;
  return e;
}

// ---- the checker on hand-made traces ----

TEST(Conformance, AcceptsASpawnPollWakePollComplete) {
  const std::vector<event> t = {ev(kind::spawn, 1),        ev(kind::schedule, 1), ev(kind::poll_start, 1),
                                ev(kind::poll_end, 1, 0),  ev(kind::wake, 1, 0, 1), ev(kind::schedule, 1),
                                ev(kind::poll_start, 1),   ev(kind::poll_end, 1, 1), ev(kind::complete, 1),
                                ev(kind::wake, 1, 0, 0)};
  const auto err = models::check_task_conformance(t);
  EXPECT_FALSE(err.has_value()) << err->message;
}

TEST(Conformance, AcceptsAWakeDuringThePollThatRequeues) {
  // The wake finds the task running (b=0); to_idle then sees NOTIFIED and
  // the poller queues it again.
  const std::vector<event> t = {ev(kind::spawn, 1),       ev(kind::schedule, 1),  ev(kind::poll_start, 1),
                                ev(kind::wake, 1, 0, 0),  ev(kind::poll_end, 1, 0), ev(kind::schedule, 1, 3),
                                ev(kind::poll_start, 1),  ev(kind::poll_end, 1, 1), ev(kind::complete, 1)};
  EXPECT_FALSE(models::check_task_conformance(t).has_value());
}

TEST(Conformance, AcceptsShutdownCancellingAnIdleTask) {
  const std::vector<event> t = {ev(kind::spawn, 1),      ev(kind::schedule, 1), ev(kind::poll_start, 1),
                                ev(kind::poll_end, 1, 0), ev(kind::cancel, 1, 1), ev(kind::complete, 1, 2)};
  EXPECT_FALSE(models::check_task_conformance(t).has_value());
}

TEST(Conformance, RejectsTwoPollsAtOnce) {
  const std::vector<event> t = {ev(kind::spawn, 1), ev(kind::schedule, 1), ev(kind::poll_start, 1),
                                ev(kind::poll_start, 1)};
  const auto err = models::check_task_conformance(t);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->index, 3u);
  EXPECT_NE(err->message.find("poll_start task 1"), std::string::npos) << err->message;
  EXPECT_NE(err->message.find("RUNNING"), std::string::npos) << err->message;
}

TEST(Conformance, RejectsAPollWithoutANotification) {
  // Polled, went idle, polled again with no wake in between.
  const std::vector<event> t = {ev(kind::spawn, 1), ev(kind::schedule, 1), ev(kind::poll_start, 1),
                                ev(kind::poll_end, 1, 0), ev(kind::poll_start, 1)};
  // Even if an untraced wake made it NOTIFIED again, every queue entry is
  // traced, and no schedule event put it back in a queue.
  const auto err = models::check_task_conformance(t);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->index, 4u);
}

TEST(Conformance, RejectsASubmittingWakeOfARunningTask) {
  const std::vector<event> t = {ev(kind::spawn, 1), ev(kind::schedule, 1), ev(kind::poll_start, 1),
                                ev(kind::wake, 1, 0, 1)};
  const auto err = models::check_task_conformance(t);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->index, 3u);
}

TEST(Conformance, RejectsCompletingTwiceAndEventsOfUnknownTasks) {
  std::vector<event> t = {ev(kind::spawn, 1), ev(kind::schedule, 1), ev(kind::poll_start, 1),
                          ev(kind::poll_end, 1, 1), ev(kind::complete, 1), ev(kind::complete, 1)};
  auto err = models::check_task_conformance(t);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->index, 5u);
  err = models::check_task_conformance({ev(kind::poll_start, 7)});
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("never spawned"), std::string::npos);
}

TEST(Conformance, ARestartedHostStartsItsTaskIdsAgain) {
  std::vector<event> t = {ev(kind::spawn, 1), ev(kind::schedule, 1), ev(kind::poll_start, 1)};
  event restart = ev(kind::restart, 0);
  t.push_back(restart);
  t.push_back(ev(kind::spawn, 1));
  t.push_back(ev(kind::schedule, 1));
  t.push_back(ev(kind::poll_start, 1));
  EXPECT_FALSE(models::check_task_conformance(t).has_value());
  t.erase(t.begin() + 3);  // without the restart, task 1 is spawned twice
  EXPECT_TRUE(models::check_task_conformance(t).has_value());
}

// ---- the real runtime ----

rt::task<int> square_after_yield(int x) {
  co_await rt::yield_now();
  co_return x * x;
}

rt::task<> wait_for(std::shared_ptr<rt::notify> n) { co_await n->notified(); }

rt::task<int> fan_out(int n) {
  std::vector<rt::join_handle<int>> hs;
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(square_after_yield(i)));
  int sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

rt::task<int> abort_and_linger() {
  auto n = std::make_shared<rt::notify>();
  auto waiter = rt::spawn(wait_for(n));
  auto lingering = rt::spawn(wait_for(std::make_shared<rt::notify>()));  // shutdown cancels it
  lingering.detach();
  n->notify_one();
  waiter.abort();  // races the notification
  try {
    co_await waiter;  // the notification or the abort wins
  } catch (const std::exception&) {
  }
  co_return 0;
}

// Two workers, local queues of 2, no LIFO slot, tracing into memory.
template <class Root>
std::vector<event> run_traced(Root root, int expect) {
  trace::memory_sink sink;
  {
    rt::runtime runtime = rt::builder::multi_thread()
                              .worker_threads(2)
                              .enable_io(false)
                              .local_queue_capacity(2)
                              .lifo_slot(false)
                              .trace(&sink)
                              .build();
    const int got = runtime.block_on(root());
    WEFT_ASSERT(got == expect, "a result was lost");
  }
  return sink.events();
}

// Fan-out: two spawns fill the local queue of 2 and may be stolen; each task
// yields once, so the poller requeues it.
std::vector<event> fan_out_trace() {
  return run_traced([] { return fan_out(2); }, 0 + 1);
}
// An abort races a wake, and shutdown cancels a task still waiting.
std::vector<event> abort_trace() {
  return run_traced([] { return abort_and_linger(); }, 0);
}

void conforms(const std::vector<event>& events) {
  if (const auto err = models::check_task_conformance(events)) {
    const std::string message = "trace does not conform to the task state model: " + err->message;
    WEFT_ASSERT(false, message.c_str());
  }
}

explore_options options(const std::string& strategy, std::uint64_t iterations) {
  explore_options o;
  o.name = "task-conformance";
  std::string error;
  o.strategy = parse_strategy(strategy, error).value_or(strategy_spec{});
  o.iterations = iterations;
#if defined(__SANITIZE_ADDRESS__)
  o.stack_size = 1024 * 1024;
#endif
  return o;
}

void expect_conforming(const std::string& strategy, std::uint64_t iterations, std::vector<event> (*trace)()) {
  const explore_result r = explore(options(strategy, iterations), [trace] { conforms(trace()); });
  std::cout << r.summary();
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  if (strategy.rfind("dfs", 0) == 0) {
    EXPECT_TRUE(r.exhausted) << r.summary();
  }
}

TEST(RuntimeConformance, FanOutConformsUnderDfs2) { expect_conforming("dfs:2", 5'000'000, fan_out_trace); }
TEST(RuntimeConformance, FanOutConformsUnderPct3) { expect_conforming("pct:3", 2'000, fan_out_trace); }
TEST(RuntimeConformance, AbortAndShutdownConformUnderDfs2) { expect_conforming("dfs:2", 5'000'000, abort_trace); }
TEST(RuntimeConformance, AbortAndShutdownConformUnderPct3) { expect_conforming("pct:3", 2'000, abort_trace); }

// Real traces with one event removed, duplicated or moved must be rejected:
// the conformance check is not vacuous on the traces it is given.
std::vector<event> one_real_trace() {
  std::vector<event> out;
  explore_options o = options("random", 1);
  const explore_result r = explore(o, [&out] {
    out = fan_out_trace();
    const std::vector<event> more = abort_trace();
    for (event e : more) {
      e.host = 1;  // another runtime: keep its task ids apart
      out.push_back(e);
    }
  });
  EXPECT_FALSE(r.failure.has_value());
  return out;
}

TEST(RuntimeConformance, MutatedRealTracesAreRejected) {
  const std::vector<event> real = one_real_trace();
  ASSERT_FALSE(real.empty());
  ASSERT_FALSE(models::check_task_conformance(real).has_value());
  int mutated = 0;
  for (std::size_t i = 0; i < real.size(); ++i) {
    const event& e = real[i];
    if (e.what == kind::poll_start) {
      std::vector<event> twice = real;
      twice.insert(twice.begin() + static_cast<std::ptrdiff_t>(i) + 1, e);
      EXPECT_TRUE(models::check_task_conformance(twice).has_value()) << "duplicated poll_start at " << i;
      ++mutated;
    }
    // (An abort queues a task without an event of its own, so removing the
    // wake of a task that was cancelled can be explained; skip those.)
    const bool cancelled = std::any_of(real.begin(), real.end(), [&](const event& x) {
      return x.what == kind::cancel && x.task == e.task && x.host == e.host;
    });
    if (e.what == kind::wake && e.b == 1 && !cancelled) {
      std::vector<event> lost = real;
      lost.erase(lost.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_TRUE(models::check_task_conformance(lost).has_value()) << "removed submitting wake at " << i << " of task " << e.task;
      ++mutated;
    }
    if (e.what == kind::complete) {
      std::vector<event> early = real;
      std::size_t start = i;
      while (start > 0 && !(early[start].what == kind::poll_start && early[start].task == e.task)) --start;
      if (early[start].what == kind::poll_start && early[start].task == e.task) {
        const event moved = early[i];
        early.erase(early.begin() + static_cast<std::ptrdiff_t>(i));
        early.insert(early.begin() + static_cast<std::ptrdiff_t>(start), moved);
        EXPECT_TRUE(models::check_task_conformance(early).has_value()) << "complete moved before its poll at " << i;
        ++mutated;
      }
    }
  }
  EXPECT_GT(mutated, 5);
}

}  // namespace
}  // namespace weft::props
