// The multi_thread scheduler's queues: local ring (push, pop, steal half,
// overflow), inject queue, and the idle bookkeeping.
#include <gtest/gtest.h>

#include <atomic>
#include <coroutine>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/scheduler/inject_queue.hpp"
#include "runtime/scheduler/multi_thread/idle.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {
namespace {

// Queue-only tests need task cells, not tasks: cells with no scheduler and
// no frame, identified by their index in the pool.
struct cell_pool {
  explicit cell_pool(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      cells.push_back(std::make_unique<task_header>(nullptr, std::coroutine_handle<>()));
      cells.back()->id = i;
      cells.back()->root = nullptr;
    }
  }
  task_header* operator[](std::size_t i) { return cells[i].get(); }
  std::vector<std::unique_ptr<task_header>> cells;
};

std::vector<std::uint64_t> drain_ids(inject_queue& q) {
  std::vector<std::uint64_t> ids;
  while (task_header* t = q.pop()) ids.push_back(t->id);
  return ids;
}

TEST(LocalQueue, PopsInPushOrder) {
  cell_pool cells(8);
  local_queue q(8);
  inject_queue inject;
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(q.push_back(cells[i], inject), 0u);
  EXPECT_EQ(q.len(), 5u);
  for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(q.pop()->id, i);
  EXPECT_EQ(q.pop(), nullptr);
  EXPECT_FALSE(q.has_tasks());
}

TEST(LocalQueue, WrapsAroundTheRingManyTimes) {
  cell_pool cells(1);
  local_queue q(4);
  inject_queue inject;
  for (int round = 0; round < 10000; ++round) {
    ASSERT_EQ(q.push_back(cells[0], inject), 0u);
    ASSERT_EQ(q.pop(), cells[0]);
  }
  EXPECT_TRUE(q.is_empty());
}

TEST(LocalQueue, OverflowMovesHalfPlusTheNewTaskToTheInjectQueue) {
  cell_pool cells(9);
  local_queue q(8);
  inject_queue inject;
  for (std::size_t i = 0; i < 8; ++i) ASSERT_EQ(q.push_back(cells[i], inject), 0u);
  EXPECT_EQ(q.room(), 0u);
  EXPECT_EQ(q.push_back(cells[8], inject), 5u);  // oldest 4, then the new one
  EXPECT_EQ(drain_ids(inject), (std::vector<std::uint64_t>{0, 1, 2, 3, 8}));
  for (std::uint64_t i = 4; i < 8; ++i) EXPECT_EQ(q.pop()->id, i);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(LocalQueue, StealTakesHalfRoundedUpAndReturnsTheLastOne) {
  cell_pool cells(5);
  local_queue victim(8), thief(8);
  inject_queue inject;
  for (std::size_t i = 0; i < 5; ++i) victim.push_back(cells[i], inject);
  std::size_t stolen = 0;
  task_header* run_now = victim.steal_into(thief, stolen);
  EXPECT_EQ(stolen, 3u);
  ASSERT_NE(run_now, nullptr);
  EXPECT_EQ(run_now->id, 2u);
  EXPECT_EQ(thief.pop()->id, 0u);
  EXPECT_EQ(thief.pop()->id, 1u);
  EXPECT_EQ(thief.pop(), nullptr);
  EXPECT_EQ(victim.pop()->id, 3u);
  EXPECT_EQ(victim.pop()->id, 4u);
}

TEST(LocalQueue, StealingOneTaskLeavesTheThiefsQueueEmpty) {
  cell_pool cells(1);
  local_queue victim(4), thief(4);
  inject_queue inject;
  victim.push_back(cells[0], inject);
  std::size_t stolen = 0;
  EXPECT_EQ(victim.steal_into(thief, stolen), cells[0]);
  EXPECT_EQ(stolen, 1u);
  EXPECT_TRUE(thief.is_empty());
  EXPECT_TRUE(victim.is_empty());
}

TEST(LocalQueue, StealFromEmptyFindsNothing) {
  local_queue victim(4), thief(4);
  std::size_t stolen = 7;
  EXPECT_EQ(victim.steal_into(thief, stolen), nullptr);
  EXPECT_EQ(stolen, 0u);
}

TEST(LocalQueue, RejectsCapacityThatIsNotAPowerOfTwo) {
  EXPECT_DEATH(local_queue q(6), "power of two");
}

// One owner pushing and popping, two thieves stealing into their own queues
// and draining them: every task is taken exactly once.
TEST(LocalQueueStress, EveryTaskIsTakenExactlyOnce) {
  constexpr std::size_t n = 200000;
  cell_pool cells(n);
  local_queue owner(16), thief_a(16), thief_b(16);
  inject_queue inject;
  std::vector<std::atomic<int>> seen(n);
  std::atomic<bool> done{false};

  auto mark = [&](task_header* t) { seen[t->id].fetch_add(1, std::memory_order_relaxed); };
  auto thief = [&](local_queue& mine) {
    while (!done.load(std::memory_order_acquire) || !owner.is_empty()) {
      std::size_t stolen = 0;
      if (task_header* t = owner.steal_into(mine, stolen)) {
        mark(t);
        while (task_header* u = mine.pop()) mark(u);
      }
    }
  };
  std::thread a(thief, std::ref(thief_a));
  std::thread b(thief, std::ref(thief_b));
  for (std::size_t i = 0; i < n; ++i) {
    owner.push_back(cells[i], inject);
    if (i % 3 == 0) {
      if (task_header* t = owner.pop()) mark(t);
    }
  }
  while (task_header* t = owner.pop()) mark(t);
  done.store(true, std::memory_order_release);
  a.join();
  b.join();
  while (task_header* t = inject.pop()) mark(t);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "task " << i;
}

TEST(InjectQueue, FifoWithBatchesAndBoundedPops) {
  cell_pool cells(6);
  inject_queue q;
  EXPECT_TRUE(q.is_empty());
  EXPECT_TRUE(q.push(cells[0]));
  cells[1]->queue_next = cells[2];
  cells[2]->queue_next = cells[3];
  cells[3]->queue_next = nullptr;
  EXPECT_TRUE(q.push_batch(cells[1], cells[3], 3));
  EXPECT_EQ(q.len(), 4u);
  std::size_t count = 0;
  task_header* first = q.pop_n(3, count);
  EXPECT_EQ(count, 3u);
  std::vector<std::uint64_t> ids;
  for (task_header* t = first; t != nullptr; t = t->queue_next) ids.push_back(t->id);
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(q.pop()->id, 3u);
  EXPECT_EQ(q.pop(), nullptr);
}

TEST(InjectQueue, ClosedQueueRefusesPushes) {
  cell_pool cells(1);
  inject_queue q;
  EXPECT_TRUE(q.close());
  EXPECT_FALSE(q.close());
  EXPECT_TRUE(q.is_closed());
  EXPECT_FALSE(q.push(cells[0]));
  EXPECT_TRUE(q.is_empty());
}

TEST(Idle, NotifyWakesOneSleeperAndCountsItSearching) {
  idle id(3);
  EXPECT_EQ(id.num_unparked(), 3u);
  EXPECT_FALSE(id.worker_to_notify().has_value());  // nobody sleeps
  EXPECT_FALSE(id.transition_worker_to_parked(0, false));
  EXPECT_FALSE(id.transition_worker_to_parked(1, false));
  EXPECT_EQ(id.num_unparked(), 1u);
  const auto woken = id.worker_to_notify();
  ASSERT_TRUE(woken.has_value());
  EXPECT_EQ(*woken, 1u);
  EXPECT_EQ(id.num_searching(), 1u);
  EXPECT_FALSE(id.is_parked(1));
  EXPECT_TRUE(id.is_parked(0));
  // While someone searches, new work wakes nobody else.
  EXPECT_FALSE(id.worker_to_notify().has_value());
  EXPECT_TRUE(id.transition_worker_from_searching());
  EXPECT_TRUE(id.worker_to_notify().has_value());
}

TEST(Idle, AtMostHalfTheWorkersSearch) {
  idle id(4);
  EXPECT_TRUE(id.transition_worker_to_searching());
  EXPECT_TRUE(id.transition_worker_to_searching());
  EXPECT_FALSE(id.transition_worker_to_searching());
  EXPECT_EQ(id.num_searching(), 2u);
}

TEST(Idle, LastSearcherToParkIsTold) {
  idle id(2);
  ASSERT_TRUE(id.transition_worker_to_searching());
  EXPECT_TRUE(id.transition_worker_to_parked(0, true));
  EXPECT_EQ(id.num_searching(), 0u);
  EXPECT_TRUE(id.unpark_worker_by_id(0));
  EXPECT_FALSE(id.unpark_worker_by_id(0));
  EXPECT_EQ(id.num_unparked(), 2u);
}

}  // namespace
}  // namespace weft::rt::detail
