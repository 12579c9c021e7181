// Weak memory (sim/core/memory.hpp): determinism, the store history bound,
// and the happens-before the race detector follows, fences included. Each
// on a twin that must fail and one that must not. The litmus tests
// (tests/props/litmus_test.cpp) check the model itself against RC11.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/executor.hpp"

namespace weft::sim {
namespace {

constexpr auto rlx = std::memory_order_relaxed;

struct weak_run {
  run_report report;
  std::vector<choice> choices;
};

weak_run run_weak(std::uint64_t seed, const std::function<void()>& body, bool weak = true, std::size_t history = 8) {
  random_source inner(seed);
  recording_source source(inner);
  executor_options o;
  o.weak_memory = weak;
  o.store_history = history;
  executor ex(source, o);
  ex.spawn("main", body);
  weak_run r{ex.run(), {}};
  r.choices = source.choices();
  return r;
}

// Publishes `data` through `flag` (stored with `st`, spun on with `ld`) and
// returns what the reader saw.
template <std::memory_order St, std::memory_order Ld>
int publish_through_flag() {
  sys::atomic<int> data{0}, flag{0};
  int seen = -1;
  sys::thread writer("writer", [&] {
    data.store(42, rlx);
    flag.store(1, St);
  });
  sys::thread reader("reader", [&] {
    while (flag.load(Ld) == 0) sys::yield_thread();
    seen = data.load(rlx);
  });
  writer.join();
  reader.join();
  return seen;
}

TEST(WeakMemory, TheSameSeedMakesTheSameChoicesAndReadsTheSameValues) {
  std::size_t memory_choices = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    int first = 0, second = 0;
    const weak_run a = run_weak(seed, [&] { first = publish_through_flag<rlx, rlx>(); });
    const weak_run b = run_weak(seed, [&] { second = publish_through_flag<rlx, rlx>(); });
    ASSERT_EQ(a.choices, b.choices) << "seed " << seed;
    ASSERT_EQ(first, second) << "seed " << seed;
    memory_choices += static_cast<std::size_t>(
        std::count_if(a.choices.begin(), a.choices.end(), [](const choice& c) { return c.kind == choice_kind::memory; }));
  }
  EXPECT_GT(memory_choices, 0u);
}

TEST(WeakMemory, ARelaxedFlagMayPublishStaleDataAndOnlyUnderWeakMemory) {
  bool stale_weak = false, stale_sc = false, stale_release = false;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    run_weak(seed, [&] { stale_weak |= publish_through_flag<rlx, rlx>() == 0; });
    run_weak(seed, [&] { stale_sc |= publish_through_flag<rlx, rlx>() == 0; }, false);
    run_weak(seed, [&] {
      stale_release |= publish_through_flag<std::memory_order_release, std::memory_order_acquire>() == 0;
    });
  }
  EXPECT_TRUE(stale_weak);
  EXPECT_FALSE(stale_sc);
  EXPECT_FALSE(stale_release);
}

// A writer stores 1..20 with nothing ordering it before the reader: the
// reader may read any of the last `history` stores, and no older one.
TEST(WeakMemory, TheStoreHistoryBoundsHowStaleALoadCanBe) {
  for (const std::size_t history : {std::size_t{8}, std::size_t{4}}) {
    int lowest = 100;
    for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
      run_weak(
          seed,
          [&] {
            sys::atomic<int> x{0}, done{0};
            sys::thread writer("writer", [&] {
              for (int i = 1; i <= 20; ++i) x.store(i, rlx);
              done.store(1, rlx);
            });
            sys::thread reader("reader", [&] {
              while (done.load(rlx) == 0) sys::yield_thread();
              lowest = std::min(lowest, x.load(rlx));
            });
            writer.join();
            reader.join();
          },
          true, history);
    }
    EXPECT_EQ(lowest, static_cast<int>(21 - history)) << "history " << history;
  }
}

// ---- the race detector follows weak memory's happens-before ----

// Publishes a plain cell: a release store or a release fence before a
// relaxed store on the writer's side; an acquire load or a relaxed load and
// an acquire fence on the reader's. `ReaderSyncs` false leaves the reader
// without either: a data race.
template <bool WriterFence, bool ReaderFence, bool ReaderSyncs>
void publish_cell() {
  sys::cell<int> data(0);
  sys::atomic<int> flag{0};
  sys::thread writer("writer", [&] {
    data.set(42);
    if (WriterFence) {
      sys::atomic_thread_fence(std::memory_order_release);
      flag.store(1, rlx);
    } else {
      flag.store(1, std::memory_order_release);
    }
  });
  sys::thread reader("reader", [&] {
    const auto order = ReaderSyncs && !ReaderFence ? std::memory_order_acquire : rlx;
    while (flag.load(order) == 0) sys::yield_thread();
    if (ReaderSyncs && ReaderFence) sys::atomic_thread_fence(std::memory_order_acquire);
    WEFT_ASSERT(data.get() == 42, "published data not seen");
  });
  writer.join();
  reader.join();
}

outcome worst(const std::function<void()>& body, bool weak) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const weak_run r = run_weak(seed, body, weak);
    if (!r.report.ok()) return r.report.result;
  }
  return outcome::ok;
}

TEST(WeakMemory, FencesAndReleaseAcquireOrderTheRaceDetector) {
  for (const bool weak : {false, true}) {
    EXPECT_EQ(worst(publish_cell<false, false, true>, weak), outcome::ok) << "release/acquire, weak " << weak;
    EXPECT_EQ(worst(publish_cell<true, false, true>, weak), outcome::ok) << "release fence, weak " << weak;
    EXPECT_EQ(worst(publish_cell<true, true, true>, weak), outcome::ok) << "both fences, weak " << weak;
    EXPECT_EQ(worst(publish_cell<false, true, true>, weak), outcome::ok) << "acquire fence, weak " << weak;
    EXPECT_EQ(worst(publish_cell<false, false, false>, weak), outcome::data_race) << "no acquire, weak " << weak;
    EXPECT_EQ(worst(publish_cell<true, false, false>, weak), outcome::data_race) << "no acquire fence, weak " << weak;
  }
}

}  // namespace
}  // namespace weft::sim
