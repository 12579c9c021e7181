// pos (props/pos.hpp): what the strategy promises beyond "it finds bugs" —
// a spawner goes on past its spawns, and a thread waiting for a lock
// another holds is not picked while another can run.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "props/explore.hpp"
#include "props/pos.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/executor.hpp"

namespace weft::props {
namespace {

explore_options options_for(const std::string& strategy, std::uint64_t iterations) {
  explore_options o;
  o.name = "pos-test";
  std::string error;
  o.strategy = parse_strategy(strategy, error).value();
  o.iterations = iterations;
  o.shrink = false;
  return o;
}

// Eight children, spawned one after another with nothing shared between
// the spawns; each child notes how many spawns it saw done when it first
// ran. A spawn commutes with everything but the child's own operations, so
// pos lets the spawner finish before any child runs: every child sees 8.
struct spawn_probe {
  int fewest_seen = 8;
  void run() {
    int spawned = 0;
    sys::atomic<int> counter{0};
    std::vector<sys::thread> threads;
    threads.reserve(8);
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back("t" + std::to_string(i), [&] {
        fewest_seen = std::min(fewest_seen, spawned);
        counter.fetch_add(1, std::memory_order_relaxed);
      });
      ++spawned;  // plain: not a scheduling point
    }
    for (sys::thread& t : threads) t.join();
  }
};

TEST(Pos, ASpawnerGoesOnPastItsSpawns) {
  spawn_probe probe;
  const explore_result r = explore(options_for("pos", 200), [&] { probe.run(); });
  ASSERT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_EQ(probe.fewest_seen, 8);
}

TEST(Pos, UnderRandomAChildRunsBetweenSpawns) {  // the same probe can see fewer than 8
  spawn_probe probe;
  const explore_result r = explore(options_for("random", 200), [&] { probe.run(); });
  ASSERT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_LT(probe.fewest_seen, 8);
}

// Watches every pick of the source it wraps: a pick of a thread whose
// pending operation takes a lock another thread holds, while some other
// runnable thread could go on, is counted.
class pick_watch final : public sim::decision_source {
 public:
  explicit pick_watch(sim::decision_source& inner) : inner_(inner) {}
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override { return inner_.choose(options, kind); }
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override {
    const sim::thread_id t = inner_.pick_thread(runnable, current);
    const sim::executor& ex = *sim::executor::current();
    const bool other_enabled =
        std::any_of(runnable.begin(), runnable.end(), [&](sim::thread_id u) { return !ex.pending_blocked(u); });
    if (ex.pending_blocked(t) && other_enabled) ++blocked_picks;
    return t;
  }
  void yielded(sim::thread_id who) override { inner_.yielded(who); }
  void spinning(sim::thread_id who) override { inner_.spinning(who); }
  bool wants_segments() const override { return true; }
  int blocked_picks = 0;

 private:
  sim::decision_source& inner_;
};

// Three threads take one lock four times each, under `source`; returns the
// picks of a thread that could only block.
int blocked_picks(sim::decision_source& source) {
  pick_watch watch(source);
  sim::executor_options o;
  o.record_segments = true;
  sim::executor ex(watch, o);
  ex.spawn("main", [] {
    sys::mutex m;
    sys::atomic<int> inside{0};
    std::vector<sys::thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back("t" + std::to_string(i), [&] {
        for (int k = 0; k < 4; ++k) {
          const std::lock_guard g(m);
          inside.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (sys::thread& t : threads) t.join();
  });
  const sim::run_report r = ex.run();
  EXPECT_TRUE(r.ok()) << r.message;
  return watch.blocked_picks;
}

TEST(Pos, ALockAnotherHoldsIsNotTriedWhileAnotherThreadCanRun) {
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    pos_source pos(seed);
    EXPECT_EQ(blocked_picks(pos), 0) << "seed " << seed;
  }
}

TEST(Pos, UnderRandomALockAnotherHoldsIsTried) {  // the same watch counts such picks
  int total = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    sim::random_source random(seed);
    total += blocked_picks(random);
  }
  EXPECT_GT(total, 0);
}

}  // namespace
}  // namespace weft::props
