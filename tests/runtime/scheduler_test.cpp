// Both schedulers, same behaviour: spawning, joining, waking from other
// threads, aborting, exceptions, yielding, the cooperative budget, shutdown,
// metrics and trace events. Each test runs on current_thread and on
// multi_thread with 2 and 4 workers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/trace/memory_sink.hpp"
#include "tests/support/flag.hpp"

namespace weft::rt {
namespace {

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int scale = 10;  // sanitizers run the same tests on a tenth of the load
#else
constexpr int scale = 1;
#endif

struct flavour_case {
  const char* name;
  flavour kind;
  std::size_t workers;
};

void PrintTo(const flavour_case& c, std::ostream* os) { *os << c.name; }

class Scheduler : public ::testing::TestWithParam<flavour_case> {
 protected:
  builder make_builder() const {
    const flavour_case& c = GetParam();
    if (c.kind == flavour::current_thread) return builder::current_thread();
    builder b = builder::multi_thread();
    b.worker_threads(c.workers);
    return b;
  }
  runtime make() const { return make_builder().build(); }
};

INSTANTIATE_TEST_SUITE_P(Flavours, Scheduler,
                         ::testing::Values(flavour_case{"current_thread", flavour::current_thread, 1},
                                           flavour_case{"multi_thread_2", flavour::multi_thread, 2},
                                           flavour_case{"multi_thread_4", flavour::multi_thread, 4}),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

task<int> square(int x) { co_return x * x; }
task<> empty_task() { co_return; }

TEST_P(Scheduler, SpawnAndJoinReturnValues) {
  runtime rt = make();
  auto root = []() -> task<long> {
    std::vector<join_handle<int>> hs;
    for (int i = 0; i < 1000; ++i) hs.push_back(spawn(square(i)));
    long sum = 0;
    for (auto& h : hs) sum += co_await h;
    co_return sum;
  };
  EXPECT_EQ(rt.block_on(root()), 332833500);
  EXPECT_EQ(rt.metrics().alive_tasks, 0u);
}

TEST_P(Scheduler, MillionTinyTasks) {
  runtime rt = make();
  const int n = 1000000 / scale;
  auto root = [n]() -> task<int> {
    std::vector<join_handle<void>> hs;
    hs.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) hs.push_back(spawn(empty_task()));
    int joined = 0;
    for (auto& h : hs) {
      co_await h;
      ++joined;
    }
    co_return joined;
  };
  EXPECT_EQ(rt.block_on(root()), n);
  const runtime_metrics m = rt.metrics();
  EXPECT_EQ(m.spawned_tasks, static_cast<std::uint64_t>(n) + 1);
  EXPECT_EQ(m.alive_tasks, 0u);
  EXPECT_GE(m.total_polls(), static_cast<std::uint64_t>(n));
}

TEST_P(Scheduler, SpawnFromOutsideThroughAHandle) {
  runtime rt = make();
  handle h = rt.get_handle();
  std::vector<join_handle<int>> hs;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) hs.push_back(h.spawn(square(i)));
  });
  producer.join();
  auto root = [&]() -> task<int> {
    int sum = 0;
    for (auto& jh : hs) sum += co_await jh;
    co_return sum;
  };
  EXPECT_EQ(rt.block_on(root()), 328350);
}

TEST_P(Scheduler, WakesFromForeignThreads) {
  runtime rt = make();
  constexpr int n = 64;
  std::vector<test::flag> flags(n);
  std::atomic<int> resumed{0};
  auto waiter = [&](int i) -> task<> {
    co_await flags[static_cast<std::size_t>(i)].wait();
    resumed.fetch_add(1);
  };
  auto root = [&]() -> task<> {
    std::vector<join_handle<void>> hs;
    for (int i = 0; i < n; ++i) hs.push_back(spawn(waiter(i)));
    std::thread setter([&] {
      for (auto& f : flags) f.set();
    });
    for (auto& h : hs) co_await h;
    setter.join();
  };
  rt.block_on(root());
  EXPECT_EQ(resumed.load(), n);
}

task<int> tree(int depth) {
  if (depth == 0) co_return 1;
  auto left = spawn(tree(depth - 1));
  auto right = spawn(tree(depth - 1));
  co_return co_await left + co_await right;
}

TEST_P(Scheduler, NestedSpawns) {
  runtime rt = make();
  EXPECT_EQ(rt.block_on(tree(12)), 4096);
  EXPECT_EQ(rt.metrics().spawned_tasks, 8191u);  // 2^13 - 1 nodes, the root included
}

TEST_P(Scheduler, ExceptionsTravelThroughJoinAndWorkersSurvive) {
  runtime rt = make();
  auto failing = []() -> task<int> {
    co_await yield_now();
    throw std::invalid_argument("bad input 7");
  };
  auto root = [&]() -> task<std::string> {
    auto h = spawn(failing());
    std::string what;
    try {
      co_await h;
    } catch (const std::invalid_argument& e) {
      what = e.what();
    }
    // The worker that ran the failing task still runs others.
    what += " / " + std::to_string(co_await spawn(square(3)));
    co_return what;
  };
  EXPECT_EQ(rt.block_on(root()), "bad input 7 / 9");
}

TEST_P(Scheduler, AbortBeforeItRuns) {
  runtime rt = make();
  test::live_counter::alive = 0;
  auto body = [](test::live_counter) -> task<int> { co_return 1; };
  auto root = [&]() -> task<bool> {
    // Spawn and abort at once: on current_thread nothing can poll it in
    // between (we do not yield).
    auto h = spawn(body(test::live_counter{}));
    h.abort();
    try {
      co_await h;
    } catch (const cancelled_error&) {
      co_return true;
    }
    co_return false;
  };
  if (GetParam().kind == flavour::current_thread) {
    EXPECT_TRUE(rt.block_on(root()));
  } else {
    // A worker may run it before the abort lands; both outcomes are legal.
    try {
      rt.block_on(root());
    } catch (...) {
      FAIL() << "unexpected exception";
    }
  }
  EXPECT_EQ(test::live_counter::alive.load(), 0);
}

TEST_P(Scheduler, AbortWhileSuspendedCancelsAndFreesTheFrame) {
  runtime rt = make();
  test::live_counter::alive = 0;
  test::flag never;
  auto stuck = [&](test::live_counter) -> task<> { co_await never.wait(); };
  auto root = [&]() -> task<std::string> {
    auto h = spawn(stuck(test::live_counter{}));
    while (never.registrations() == 0) co_await yield_now();  // it is suspended now
    EXPECT_FALSE(h.is_finished());
    h.abort();
    try {
      co_await h;
    } catch (const cancelled_error& e) {
      co_return e.what();
    }
    co_return "completed";
  };
  const std::string what = rt.block_on(root());
  EXPECT_NE(what.find("was cancelled"), std::string::npos) << what;
  EXPECT_EQ(test::live_counter::alive.load(), 0);
}

TEST_P(Scheduler, AbortWhileRunningTakesEffectAtTheNextSuspension) {
  runtime rt = make();
  std::atomic<int> steps{0};
  std::atomic<bool> started{false};
  test::flag aborted;
  auto worker_loop = [&]() -> task<> {
    started = true;
    co_await aborted.wait();  // returns once abort() was called
    steps.fetch_add(1);       // still runs: abort waits for a suspension
    co_await yield_now();     // the next poll cancels here
    steps.fetch_add(100);
  };
  auto root = [&]() -> task<bool> {
    auto h = spawn(worker_loop());
    while (!started) co_await yield_now();
    h.abort();
    aborted.set();
    try {
      co_await h;
    } catch (const cancelled_error&) {
      co_return true;
    }
    co_return false;
  };
  EXPECT_TRUE(rt.block_on(root()));
  EXPECT_LE(steps.load(), 1);
}

TEST_P(Scheduler, AbortAfterCompletionKeepsTheValue) {
  runtime rt = make();
  auto root = []() -> task<int> {
    auto h = spawn(square(5));
    while (!h.is_finished()) co_await yield_now();
    h.abort();
    co_return co_await h;
  };
  EXPECT_EQ(rt.block_on(root()), 25);
}

TEST_P(Scheduler, DetachedTasksKeepRunning) {
  runtime rt = make();
  test::flag done;
  auto root = [&]() -> task<> {
    {
      auto h = spawn([](test::flag* f) -> task<> {
        co_await yield_now();
        f->set();
      }(&done));
    }  // detached here
    co_await done.wait();
  };
  rt.block_on(root());
  EXPECT_TRUE(done.is_set());
}

TEST_P(Scheduler, SpuriousAndStaleWakesDoNotResumeEarly) {
  runtime rt = make();
  test::flag first, second;
  waker stale;
  struct grab_waker final : leaf_future {
    waker* out;
    bool poll(const waker& w) noexcept override {
      *out = w;
      return true;
    }
    void await_resume() const noexcept {}
  };
  std::atomic<bool> passed_second{false};
  auto body = [&]() -> task<> {
    grab_waker g;
    g.out = &stale;
    co_await g;  // keep a copy of our own waker
    co_await second.wait();
    passed_second = true;
  };
  auto root = [&]() -> task<> {
    auto h = spawn(body());
    while (second.registrations() == 0) co_await yield_now();
    stale.wake_by_ref();  // spurious: second is not set
    stale.wake_by_ref();
    while (second.registrations() < 2) co_await yield_now();
    EXPECT_FALSE(passed_second.load());
    second.set();
    co_await h;
    // The task is complete: waking it again does nothing.
    stale.wake_by_ref();
    std::move(stale).wake();
  };
  rt.block_on(root());
  EXPECT_TRUE(passed_second.load());
  EXPECT_EQ(second.registrations(), 2);
}

TEST_P(Scheduler, YieldLetsOtherTasksRun) {
  runtime rt = make();
  std::atomic<int> other_ran{0};
  auto other = [&]() -> task<> {
    other_ran.fetch_add(1);
    co_return;
  };
  auto root = [&]() -> task<int> {
    auto h = spawn(other());
    int spins = 0;
    while (other_ran.load() == 0 && spins < 1000000) {
      co_await yield_now();
      ++spins;
    }
    co_await h;
    co_return spins;
  };
  const int spins = rt.block_on(root());
  EXPECT_EQ(other_ran.load(), 1);
  if (GetParam().kind == flavour::current_thread) {
    EXPECT_EQ(spins, 1);  // FIFO: the other task runs during the first yield
  }
}

TEST_P(Scheduler, CooperativeBudgetStopsAGreedyTaskFromStarving) {
  // On one thread: a task that awaits 1000 already-finished joins never
  // truly suspends; the budget must still let another task in.
  if (GetParam().kind != flavour::current_thread) GTEST_SKIP() << "needs a single thread";
  runtime rt = make();
  auto root = []() -> task<bool> {
    std::vector<join_handle<void>> done;
    for (int i = 0; i < 1000; ++i) done.push_back(spawn(empty_task()));
    co_await yield_now();  // let them all finish
    bool other_ran = false;
    auto other = spawn([](bool* flag) -> task<> {
      *flag = true;
      co_return;
    }(&other_ran));
    for (auto& h : done) {
      EXPECT_TRUE(h.is_finished());
      co_await h;
    }
    const bool ran_before_greedy_finished = other_ran;
    co_await other;
    co_return ran_before_greedy_finished;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST_P(Scheduler, ShutdownCancelsAndFreesParkedAndQueuedTasks) {
  test::live_counter::alive = 0;
  test::flag never;
  std::vector<join_handle<void>> handles;
  {
    runtime rt = make();
    auto parked = [&](test::live_counter) -> task<> { co_await never.wait(); };
    auto root = [&]() -> task<> {
      for (int i = 0; i < 50; ++i) handles.push_back(spawn(parked(test::live_counter{})));
      while (never.registrations() < 50) co_await yield_now();
    };
    rt.block_on(root());
    // Queued but never polled (current_thread runs nothing outside block_on;
    // multi_thread may have started some: either way they must be freed).
    for (int i = 0; i < 50; ++i) handles.push_back(rt.spawn(parked(test::live_counter{})));
    EXPECT_GT(test::live_counter::alive.load(), 0);
  }  // runtime dropped: shutdown
  EXPECT_EQ(test::live_counter::alive.load(), 0);
  for (auto& h : handles) {
    EXPECT_TRUE(h.is_finished());
    EXPECT_THROW(h.wait(), cancelled_error);
  }
}

TEST_P(Scheduler, SpawnAfterShutdownIsCancelledAtOnce) {
  runtime rt = make();
  handle h = rt.get_handle();
  rt.shutdown();
  rt.shutdown();  // idempotent
  auto jh = h.spawn(square(2));
  EXPECT_TRUE(jh.is_finished());
  EXPECT_THROW(jh.wait(), cancelled_error);
}

TEST_P(Scheduler, JoinHandleWaitFromAPlainThread) {
  runtime rt = make();
  auto jh = rt.spawn(square(9));
  if (GetParam().kind == flavour::current_thread) {
    // Nothing runs outside block_on on current_thread: drive it.
    rt.block_on(empty_task());
    rt.block_on([](join_handle<int>* h) -> task<> {
      while (!h->is_finished()) co_await yield_now();
    }(&jh));
  }
  EXPECT_EQ(jh.wait(), 81);
}

TEST_P(Scheduler, MetricsCountPollsAndSchedules) {
  runtime rt = make();
  rt.block_on(tree(8));
  const runtime_metrics m = rt.metrics();
  EXPECT_EQ(m.num_workers, GetParam().workers);
  EXPECT_EQ(m.workers.size(), GetParam().workers);
  EXPECT_EQ(m.spawned_tasks, 511u);
  EXPECT_GE(m.total_polls(), 512u);
  std::uint64_t local = 0;
  for (const auto& w : m.workers) local += w.local_schedules;
  EXPECT_GT(local, 0u);
}

TEST_P(Scheduler, TraceRecordsEachTasksLifeInOrder) {
  trace::memory_sink sink;
  {
    runtime rt = make_builder().trace(&sink).build();
    rt.block_on(tree(5));
  }
  const std::vector<trace::event> events = sink.events();
  ASSERT_FALSE(events.empty());
  // Per task: spawn, then poll_start/poll_end pairs, then complete.
  std::map<std::uint64_t, std::vector<trace::kind>> per_task;
  for (const trace::event& e : events) {
    if (e.task != 0 && (e.what == trace::kind::spawn || e.what == trace::kind::poll_start ||
                        e.what == trace::kind::poll_end || e.what == trace::kind::complete)) {
      per_task[e.task].push_back(e.what);
    }
  }
  EXPECT_EQ(per_task.size(), 63u);
  for (const auto& [id, kinds] : per_task) {
    ASSERT_GE(kinds.size(), 4u) << "task " << id;
    EXPECT_EQ(kinds.front(), trace::kind::spawn) << "task " << id;
    EXPECT_EQ(kinds.back(), trace::kind::complete) << "task " << id;
    for (std::size_t i = 1; i + 1 < kinds.size(); ++i) {
      const trace::kind expected = (i % 2 == 1) ? trace::kind::poll_start : trace::kind::poll_end;
      EXPECT_EQ(kinds[i], expected) << "task " << id << " event " << i;
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, i);
}

}  // namespace
}  // namespace weft::rt
