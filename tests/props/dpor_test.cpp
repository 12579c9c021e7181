// dpor (props/dpor.hpp): one run per class of equivalent interleavings,
// checked against exhaustive dfs on the catalogue and on generated
// programs, and counted on programs whose classes are known.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "examples/bugs/catalogue.hpp"
#include "props/explore.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::props {
namespace {

explore_options options_for(const std::string& strategy, std::uint64_t iterations = 1'000'000) {
  explore_options o;
  o.name = "dpor-test";
  std::string error;
  o.strategy = parse_strategy(strategy, error).value();
  o.iterations = iterations;
  o.shrink = false;
  return o;
}

// `n` threads, each storing `ops` times into its own atomic.
void private_stores(int n, int ops) {
  std::vector<std::unique_ptr<sys::atomic<int>>> cells;
  for (int i = 0; i < n; ++i) cells.push_back(std::make_unique<sys::atomic<int>>(0));
  std::vector<sys::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back("t" + std::to_string(i), [&, i] {
      for (int k = 0; k < ops; ++k) cells[i]->store(k, std::memory_order_relaxed);
    });
  }
  for (sys::thread& t : threads) t.join();
}

// `n` threads, each storing once into one shared atomic.
void shared_stores(int n) {
  sys::atomic<int> x{0};
  std::vector<sys::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back("t" + std::to_string(i), [&, i] { x.store(i, std::memory_order_relaxed); });
  }
  for (sys::thread& t : threads) t.join();
}

TEST(Dpor, IndependentThreadsTakeOneRun) {
  const explore_result dpor = explore(options_for("dpor"), [] { private_stores(4, 3); });
  EXPECT_TRUE(dpor.exhausted) << dpor.summary();
  EXPECT_FALSE(dpor.failure.has_value());
  EXPECT_EQ(dpor.schedules, 1u) << dpor.summary();
  const explore_result dfs = explore(options_for("dfs:2"), [] { private_stores(4, 3); });
  EXPECT_GT(dfs.schedules, 100u) << dfs.summary();  // what dpor saves
}

TEST(Dpor, WritersOfOneObjectTakeOneRunPerOrder) {
  for (int n = 2; n <= 4; ++n) {
    const explore_result r = explore(options_for("dpor"), [n] { shared_stores(n); });
    EXPECT_TRUE(r.exhausted) << r.summary();
    std::uint64_t orders = 1;
    for (int i = 2; i <= n; ++i) orders *= static_cast<std::uint64_t>(i);
    EXPECT_EQ(r.schedules, orders) << n << " writers: " << r.summary();
  }
}

TEST(Dpor, ParsesAndSaysItExhausted) {
  std::string error;
  ASSERT_TRUE(parse_strategy("dpor", error).has_value());
  EXPECT_EQ(parse_strategy("dpor", error)->text(), "dpor");
  const explore_result r = explore(options_for("dpor"), [] { shared_stores(2); });
  EXPECT_NE(r.summary().find("(dpor), exhausted: every class of equivalent schedules was checked"), std::string::npos)
      << r.summary();
}

// Every catalogue bug is found and every fixed twin exhausts cleanly: the
// verdicts of dfs:2 (which finds each bug) with fewer runs.
class DporCatalogue : public testing::TestWithParam<const char*> {};

TEST_P(DporCatalogue, FindsTheBugAndExhaustsTheFixedTwin) {
  const examples::check* bug = examples::find_check(GetParam());
  const examples::check* fixed = examples::find_check(std::string(GetParam()) + "-fixed");
  ASSERT_NE(bug, nullptr);
  ASSERT_NE(fixed, nullptr);
  // Each as the catalogue registers it: the relaxed-memory ones under weak memory.
  const program bug_program(*bug);
  const program fixed_program(*fixed);
  const explore_result dfs = explore(options_for("dfs:2"), bug_program);
  const explore_result dpor = explore(options_for("dpor"), bug_program);
  ASSERT_TRUE(dfs.failure.has_value());
  ASSERT_TRUE(dpor.failure.has_value()) << dpor.summary();
  EXPECT_EQ(dpor.failure->kind, dfs.failure->kind) << dpor.summary();
  const explore_result clean = explore(options_for("dpor"), fixed_program);
  EXPECT_FALSE(clean.failure.has_value()) << clean.summary();
  EXPECT_TRUE(clean.exhausted) << clean.summary();
  const explore_result clean_dfs = explore(options_for("dfs:2"), fixed_program);
  EXPECT_FALSE(clean_dfs.failure.has_value()) << clean_dfs.summary();
}

// The relaxed-memory bugs need weak memory: every interleaving of each under
// sequential consistency is clean, so an explorer that is (nearly)
// sequentially consistent cannot find them.
TEST(DporCatalogue, RelaxedMemoryBugsAreInvisibleUnderSequentialConsistency) {
  for (const char* name : {"store-buffering", "relaxed-publish", "seqlock-fence", "wake-by-ref-release"}) {
    const examples::check* bug = examples::find_check(name);
    ASSERT_NE(bug, nullptr) << name;
    EXPECT_TRUE(bug->weak_memory) << name;
    explore_options o = options_for("dpor");
    o.weak_memory = false;
    const explore_result r = explore(o, program(*bug));
    EXPECT_FALSE(r.failure.has_value()) << name << ": " << r.summary();
    EXPECT_TRUE(r.exhausted) << name << ": " << r.summary();
  }
}

INSTANTIATE_TEST_SUITE_P(Bugs, DporCatalogue,
                         testing::Values("lost-notify", "abba-deadlock", "aba-stack", "steal-off-by-one",
                                         "double-checked-init", "lost-update", "condvar-no-loop",
                                         "close-races-send", "store-buffering", "relaxed-publish",
                                         "seqlock-fence", "wake-by-ref-release"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           std::erase(name, '-');
                           return name;
                         });

// ---- generated programs: the same final states as exhaustive dfs ----

enum class op : std::uint8_t { atomic_add, racy_add, locked_log, send, try_recv, signal };

using program = std::vector<std::vector<op>>;
// The counter, the number received, and the order in which threads took the lock.
using final_state = std::tuple<int, int, std::vector<int>>;

void run_program(const program& p, std::set<final_state>& seen) {
  sys::mutex m;
  sys::condvar cv;
  sys::atomic<int> counter{0};
  std::vector<int> log;   // under m
  std::deque<int> queue;  // under m
  bool event = false;     // under m
  int received = 0;       // under m
  bool signals = false;
  for (const auto& ops : p) {
    for (const op o : ops) signals = signals || o == op::signal;
  }
  // Thread 0 is main itself: what it does before its joins races with the
  // threads it joins.
  const auto run_ops = [&](std::size_t t) {
      for (const op o : p[t]) {
        switch (o) {
          case op::atomic_add: counter.fetch_add(1, std::memory_order_acq_rel); break;
          case op::racy_add: counter.store(counter.load(std::memory_order_acquire) + 1, std::memory_order_release); break;
          case op::locked_log: {
            std::lock_guard g(m);
            log.push_back(static_cast<int>(t));
            break;
          }
          case op::send: {
            { std::lock_guard g(m); queue.push_back(1); }
            cv.notify_one();
            break;
          }
          case op::try_recv: {
            std::lock_guard g(m);
            if (!queue.empty()) {
              queue.pop_front();
              ++received;
            }
            break;
          }
          case op::signal: {
            { std::lock_guard g(m); event = true; }
            cv.notify_all();
            break;
          }
        }
      }
  };
  std::vector<sys::thread> threads;
  for (std::size_t t = 1; t < p.size(); ++t) threads.emplace_back("t" + std::to_string(t), [&, t] { run_ops(t); });
  run_ops(0);
  if (signals) {
    std::unique_lock lock(m);
    while (!event) cv.wait(lock);
  }
  for (sys::thread& t : threads) t.join();
  std::lock_guard g(m);
  seen.emplace(counter.load(std::memory_order_acquire), received, log);
}

RC_GTEST_PROP(DporGenerated, ReachesExactlyTheFinalStatesOfExhaustiveDfs, ()) {
  const int n = *rc::gen::inRange(2, 4);
  program p;
  for (int t = 0; t < n; ++t) {
    p.push_back(*rc::gen::resize(3, rc::gen::container<std::vector<op>>(rc::gen::element(
        op::atomic_add, op::racy_add, op::locked_log, op::send, op::try_recv, op::signal))));
  }
  std::set<final_state> by_dfs;
  std::set<final_state> by_dpor;
  const explore_result dfs = explore(options_for("dfs:8", 10'000), [&] { run_program(p, by_dfs); });
  RC_PRE(dfs.exhausted);  // too many schedules for an exhaustive reference: not this program
  const explore_result dpor = explore(options_for("dpor"), [&] { run_program(p, by_dpor); });
  RC_ASSERT(dpor.exhausted);
  RC_ASSERT(!dpor.failure.has_value());
  RC_ASSERT(by_dpor == by_dfs);
  RC_ASSERT(dpor.schedules <= dfs.schedules);
  RC_CLASSIFY(dpor.schedules * 4 <= dfs.schedules, "dpor at most a quarter of dfs");
}

}  // namespace
}  // namespace weft::props
