// The timer wheel as a data structure: order, cascading, cancellation, and a
// property over random timers and random clock advances.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "runtime/time/wheel.hpp"

namespace weft::rt::detail {
namespace {

std::vector<std::uint64_t> fire_all(timer_wheel& w, std::uint64_t now) {
  std::vector<std::uint64_t> fired;
  while (timer_entry* e = w.poll(now)) fired.push_back(e->deadline);
  return fired;
}

TEST(TimerWheel, FiresInDeadlineOrderAndNeverEarly) {
  timer_wheel w;
  std::vector<timer_entry> entries(5);
  const std::uint64_t deadlines[] = {70, 3, 5000, 64, 300000};
  for (std::size_t i = 0; i < 5; ++i) {
    entries[i].deadline = deadlines[i];
    ASSERT_TRUE(w.insert(&entries[i]));
  }
  EXPECT_EQ(w.size(), 5u);
  EXPECT_EQ(w.next_expiration(), 3u);
  EXPECT_TRUE(fire_all(w, 2).empty());
  EXPECT_EQ(fire_all(w, 3), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(fire_all(w, 69), (std::vector<std::uint64_t>{64}));
  EXPECT_EQ(fire_all(w, 70), (std::vector<std::uint64_t>{70}));
  EXPECT_EQ(fire_all(w, 4999), (std::vector<std::uint64_t>{}));
  EXPECT_EQ(fire_all(w, 1'000'000), (std::vector<std::uint64_t>{5000, 300000}));
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(w.next_expiration(), std::nullopt);
}

// A deadline clamped to the end of the wheel lands in the top level's
// current slot, which belongs to the next turn: it must not hide a timer
// due earlier in the same level. (Found by the refinement test against the
// wheel's specification; before the fix the earlier timer fired ~2 years
// late.)
TEST(TimerWheel, AClampedDeadlineDoesNotHideEarlierTimersOfItsLevel) {
  timer_wheel w;
  EXPECT_EQ(w.poll(1), nullptr);  // elapsed = 1
  timer_entry soon;
  soon.deadline = std::uint64_t{1} << 30;
  timer_entry clamped;
  clamped.deadline = 1 + timer_wheel::max_span;
  ASSERT_TRUE(w.insert(&soon));
  ASSERT_TRUE(w.insert(&clamped));
  EXPECT_EQ(w.next_expiration(), soon.deadline);
  EXPECT_EQ(fire_all(w, soon.deadline - 1), (std::vector<std::uint64_t>{}));
  EXPECT_EQ(fire_all(w, soon.deadline), (std::vector<std::uint64_t>{soon.deadline}));
  EXPECT_EQ(w.next_expiration(), clamped.deadline);
  EXPECT_EQ(fire_all(w, clamped.deadline), (std::vector<std::uint64_t>{clamped.deadline}));
}

// A driver that hands out due timers in batches releases its lock between
// them; a timer cancelled then (due, not yet handed out) must leave the
// wheel and never be handed out — its memory may be gone.
TEST(TimerWheel, ADueTimerNotYetHandedOutCanBeRemoved) {
  timer_wheel w;
  std::vector<timer_entry> entries(40);
  for (timer_entry& e : entries) {
    e.deadline = 10;
    ASSERT_TRUE(w.insert(&e));
  }
  timer_entry* first = w.poll(10);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->in_wheel());
  std::vector<timer_entry*> removed;
  for (timer_entry& e : entries) {
    if (&e != first && removed.size() < 5) {
      ASSERT_TRUE(e.in_wheel());
      w.remove(&e);
      EXPECT_FALSE(e.in_wheel());
      removed.push_back(&e);
    }
  }
  std::size_t handed_out = 1;
  while (timer_entry* e = w.poll(10)) {
    EXPECT_EQ(std::find(removed.begin(), removed.end(), e), removed.end());
    ++handed_out;
  }
  EXPECT_EQ(handed_out, 35u);
  EXPECT_EQ(w.next_expiration(), std::nullopt);
}

TEST(TimerWheel, DeadlineInThePastIsRefused) {
  timer_wheel w;
  timer_entry e;
  e.deadline = 10;
  ASSERT_TRUE(w.insert(&e));
  EXPECT_EQ(fire_all(w, 10).size(), 1u);
  timer_entry late;
  late.deadline = 9;
  EXPECT_FALSE(w.insert(&late));  // the caller fires it at once
}

TEST(TimerWheel, CancelledTimerNeverFires) {
  timer_wheel w;
  timer_entry a, b;
  a.deadline = 100;
  b.deadline = 100;
  w.insert(&a);
  w.insert(&b);
  w.remove(&a);
  EXPECT_FALSE(a.linked);
  EXPECT_EQ(fire_all(w, 200).size(), 1u);
}

TEST(TimerWheel, TimersAcrossEveryLevelCascadeDown) {
  timer_wheel w;
  std::vector<std::unique_ptr<timer_entry>> entries;
  std::uint64_t d = 1;
  for (int level = 0; level < 6; ++level, d *= 64) {
    entries.push_back(std::make_unique<timer_entry>());
    entries.back()->deadline = d + 7;
    w.insert(entries.back().get());
  }
  std::vector<std::uint64_t> fired;
  // Step the clock through every deadline exactly.
  for (const auto& e : entries) {
    EXPECT_TRUE(fire_all(w, e->deadline - 1).empty());
    const auto now_fired = fire_all(w, e->deadline);
    ASSERT_EQ(now_fired.size(), 1u);
    EXPECT_EQ(now_fired[0], e->deadline);
  }
}

// Random timers (some cancelled), random clock advances: every live timer
// fires exactly once, no earlier than its deadline, and at the first poll
// whose time has reached it.
RC_GTEST_PROP(TimerWheelProperty, FiresEachTimerOnceAtTheFirstPollPastItsDeadline, ()) {
  const auto deadlines = *rc::gen::container<std::vector<std::uint64_t>>(
      rc::gen::inRange<std::uint64_t>(1, 3'000'000));
  const auto cancel_mask = *rc::gen::container<std::vector<bool>>(deadlines.size(), rc::gen::arbitrary<bool>());
  const auto steps = *rc::gen::container<std::vector<std::uint64_t>>(rc::gen::inRange<std::uint64_t>(0, 200'000));

  timer_wheel w;
  std::vector<timer_entry> entries(deadlines.size());
  std::map<const timer_entry*, std::size_t> index;
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    entries[i].deadline = deadlines[i];
    RC_ASSERT(w.insert(&entries[i]));
    index[&entries[i]] = i;
  }
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    if (cancel_mask[i]) w.remove(&entries[i]);
  }
  std::vector<int> fired_count(deadlines.size(), 0);
  std::uint64_t now = 0;
  auto advance = [&](std::uint64_t to) {
    while (timer_entry* e = w.poll(to)) {
      const std::size_t i = index.at(e);
      RC_ASSERT(!cancel_mask[i]);
      RC_ASSERT(e->deadline <= to);   // never early
      RC_ASSERT(e->deadline > now);   // not late: the previous poll had not reached it
      ++fired_count[i];
    }
    now = to;
  };
  for (std::uint64_t s : steps) advance(now + s);
  advance(now + 4'000'000);
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    RC_ASSERT(fired_count[i] == (cancel_mask[i] ? 0 : 1));
  }
  RC_ASSERT(w.size() == 0u);
}

}  // namespace
}  // namespace weft::rt::detail
