// What the explorer's speed rests on, checked as behaviour: a run on
// records, bodies and buffers reused from earlier runs (sim::run_pool)
// does exactly what a run on fresh ones does, whatever the earlier runs
// left behind (abandoned threads, thread-local values, long names, many
// threads); and vector clocks give the same answers inside and past their
// inline capacity.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/sys/thread_local.hpp"
#include "sim/core/executor.hpp"
#include "sim/core/race.hpp"
#include "sim/core/run_pool.hpp"

namespace weft::sim {
namespace {

struct slot_tag {};
using slot = sys::thread_local_value<std::uint64_t, slot_tag>;

// `threads` threads that each check their thread-local value starts at 0,
// set it, and bump a counter; every other seed ends in an ABBA deadlock
// that abandons the threads mid-run. What the run chose and how it ended.
struct outcome_of {
  std::vector<choice> choices;
  run_report report;
  std::vector<std::string> names;
  // With segments recorded: each segment as (thread, global, spawned_in, its accesses as object * 2 + write).
  std::vector<std::vector<std::int64_t>> segments;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> join_edges;
};
std::vector<std::vector<std::int64_t>> flatten(const std::vector<segment>& segments,
                                               const std::vector<object_access>& accesses) {
  std::vector<std::vector<std::int64_t>> out;
  for (const segment& s : segments) {
    std::vector<std::int64_t> row = {s.thread, s.global ? 1 : 0, s.spawned_in};
    for (std::uint32_t a = s.first_access; a < s.end_access; ++a) {
      row.push_back(std::int64_t{accesses[a].object} * 2 + (accesses[a].write ? 1 : 0));
    }
    out.push_back(std::move(row));
  }
  return out;
}
outcome_of run_once(std::uint64_t seed, int threads, run_pool* pool, bool segments = false) {
  random_source random(seed);
  recording_source source(random);
  executor_options o;
  o.pool = pool;
  o.stack_size = 64 * 1024;
  o.record_segments = segments;
  outcome_of out;
  {
    executor ex(source, o);
    ex.spawn("main", [&] {
      sys::atomic<int> counter(0);
      sys::mutex a;
      sys::mutex b;
      std::vector<sys::thread> ts;
      for (int t = 0; t < threads; ++t) {
        ts.emplace_back("worker-with-a-name-longer-than-fifteen-" + std::to_string(t), [&, t] {
          WEFT_ASSERT(slot::get() == 0, "a reused record kept a thread-local value");
          slot::set(seed * 100 + static_cast<std::uint64_t>(t));
          counter.fetch_add(1, std::memory_order_acq_rel);
          {
            sys::atomic<int> mine(t);  // an object that dies mid-run: its number is not reused
            mine.store(t + 1, std::memory_order_relaxed);
          }
          if (seed % 2 == 0 && t < 2) {  // the ABBA pair
            sys::mutex& first = t == 0 ? a : b;
            sys::mutex& second = t == 0 ? b : a;
            const std::lock_guard<sys::mutex> one(first);
            counter.fetch_add(1, std::memory_order_relaxed);
            const std::lock_guard<sys::mutex> two(second);
          }
        });
      }
      for (sys::thread& t : ts) t.join();
    });
    out.report = ex.run();
    for (std::size_t t = 0; t < ex.thread_count(); ++t) out.names.push_back(ex.thread_name(static_cast<thread_id>(t)));
    if (segments) {
      out.segments = flatten(ex.segments(), ex.accesses());
      out.join_edges = ex.take_join_edges();
    }
  }
  out.choices = source.choices();
  return out;
}

TEST(RunPool, PooledRunsDoWhatFreshRunsDo) {
  run_pool pool(64 * 1024);
  int deadlocks = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const int threads = 2 + static_cast<int>(seed % 11);  // up to 12: past the clocks' inline size
    const outcome_of fresh = run_once(seed, threads, nullptr);
    const outcome_of pooled = run_once(seed, threads, &pool);
    ASSERT_EQ(fresh.choices, pooled.choices) << "seed " << seed;
    ASSERT_EQ(fresh.report.result, pooled.report.result) << "seed " << seed;
    ASSERT_EQ(fresh.report.message, pooled.report.message) << "seed " << seed;
    ASSERT_EQ(fresh.names, pooled.names) << "seed " << seed;
    ASSERT_NE(fresh.report.result, outcome::assertion) << fresh.report.message;
    deadlocks += fresh.report.result == outcome::deadlock ? 1 : 0;
  }
  EXPECT_GT(deadlocks, 0) << "no run abandoned its threads: the check proves nothing about reuse after one";
}

// dpor's record of a run (segments, object numbers, join edges) is the
// same on pooled lists and table as on fresh ones.
TEST(RunPool, PooledRunsRecordWhatFreshRunsRecord) {
  run_pool pool(64 * 1024);
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const int threads = 2 + static_cast<int>(seed % 7);
    const outcome_of fresh = run_once(seed, threads, nullptr, true);
    const outcome_of pooled = run_once(seed, threads, &pool, true);
    ASSERT_FALSE(fresh.segments.empty());
    ASSERT_EQ(fresh.choices, pooled.choices) << "seed " << seed;
    ASSERT_EQ(fresh.segments, pooled.segments) << "seed " << seed;
    ASSERT_EQ(fresh.join_edges, pooled.join_edges) << "seed " << seed;
  }
}

// The object table against a map, through growth, forgetting and clearing.
TEST(ObjectNumbers, AgreeWithAMap) {
  object_numbers table;
  std::map<const void*, std::uint32_t> reference;
  std::vector<char> storage(4096);
  std::uint32_t next = 1;
  random_source random(7);
  for (int op = 0; op < 200'000; ++op) {
    const void* object = &storage[random.choose(storage.size() / 8, choice_kind::random) * 8];
    const std::uint64_t what = random.choose(100, choice_kind::random);
    if (what < 70) {
      const auto [it, fresh] = reference.try_emplace(object, next);
      ASSERT_EQ(table.find_or_add(object, next), it->second) << "op " << op;
      if (fresh) ++next;
    } else if (what < 99) {
      table.forget(object);
      reference.erase(object);
    } else {
      table.clear();
      reference.clear();
    }
  }
}

TEST(RunPool, TheChoiceBufferComesBackEmpty) {
  run_pool pool(64 * 1024);
  std::vector<choice> used(100, choice{choice_kind::thread, 2, 1});
  pool.give_back(std::move(used));
  const std::vector<choice> again = pool.take_choices();
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 100u);
}

// ---- vector clocks ----

TEST(VectorClock, InlineAndHeapClocksAgree) {
  for (std::size_t width : {3u, 8u, 9u, 40u}) {
    vector_clock a;
    vector_clock b;
    for (std::size_t i = 0; i < width; ++i) {
      for (std::size_t k = 0; k <= i % 3; ++k) a.tick(i);
      if (i % 2 == 0) b.tick(i);
    }
    b.tick(width + 2);  // b is wider than a
    vector_clock joined = a;
    joined.join(b);
    for (std::size_t i = 0; i < width + 4; ++i) {
      EXPECT_EQ(joined.get(i), std::max(a.get(i), b.get(i))) << "width " << width << " component " << i;
    }
    const vector_clock copy = joined;
    vector_clock moved = vector_clock(joined);
    vector_clock assigned;
    assigned.tick(50);
    assigned = moved;
    for (std::size_t i = 0; i < width + 4; ++i) {
      EXPECT_EQ(copy.get(i), joined.get(i));
      EXPECT_EQ(assigned.get(i), joined.get(i));
    }
    EXPECT_EQ(assigned.get(50), 0u) << "assignment kept a component of the old value";
    assigned.clear();
    EXPECT_TRUE(assigned.empty());
    EXPECT_EQ(assigned.get(0), 0u);
    assigned.tick(1);
    EXPECT_EQ(assigned.get(0), 0u) << "a cleared clock grew back with stale components";
    EXPECT_EQ(assigned.get(1), 1u);
  }
}

}  // namespace
}  // namespace weft::sim
