// Check bodies for props::explore that drive the real runtime's concurrent
// structures, shared by tests/props/runtime_explore_test.cpp and the
// explorer benchmark (bench/explore_bench.cpp).
//
// A body runs as the simulated thread "main" of a fresh world, once per
// schedule; it must be built against the sim flavour of runtime/sys
// (link weft_sim or weft_props).
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/scheduler/inject_queue.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/header.hpp"

namespace weft::props::runtime_checks {

// Queue-only checks need task cells, not tasks: cells with no scheduler and
// no frame (as in tests/runtime/queue_test.cpp), identified by `id`, which
// is their index here.
class fake_tasks {
 public:
  explicit fake_tasks(std::size_t n) {
    cells_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      cells_.push_back(std::make_unique<rt::detail::task_header>(nullptr, std::coroutine_handle<>()));
      cells_.back()->id = i;
      cells_.back()->root = nullptr;
    }
  }
  rt::detail::task_header* operator[](std::size_t i) const { return cells_[i].get(); }
  std::size_t size() const noexcept { return cells_.size(); }

 private:
  std::vector<std::unique_ptr<rt::detail::task_header>> cells_;
};

// The multi_thread scheduler's local queue, capacity 4, so both overflow
// paths are reachable: the owner (main) pushes seven tasks and pops two
// while a thief twice steals half into its own queue (capacity 4) and pops
// what it got.
// A fifth push into a full queue moves half of it plus the new task to the
// inject queue; if a steal is in progress at that moment, only the new task
// goes there.
//
// Invariant: every pushed task is taken exactly once, by the owner's pops,
// by the thief (the task steal_into returns, or a pop of the thief's queue)
// or through the inject queue; and the inject queue holds exactly as many
// tasks as push_back reported moving there.
//
// `coverage`, if given, counts (over runs) which paths the run took; its
// updates are not scheduling points.
struct local_queue_coverage {
  std::uint64_t overflow_half = 0;    // a full queue moved half of itself + the new task
  std::uint64_t overflow_single = 0;  // full during a steal: the new task alone
  std::uint64_t steals = 0;           // steal_into took something
};

inline void local_queue_push_pop_steal(local_queue_coverage* coverage = nullptr) {
  using rt::detail::task_header;
  constexpr std::size_t n = 7;
  const fake_tasks tasks(n);
  rt::detail::local_queue owner(4);
  rt::detail::local_queue thief_queue(4);
  rt::detail::inject_queue inject;
  // Each thread counts in its own array; main adds them up after the join.
  std::vector<int> by_owner(n, 0);
  std::vector<int> by_thief(n, 0);

  sys::thread thief("thief", [&] {
    for (int round = 0; round < 2; ++round) {
      std::size_t stolen = 0;
      task_header* t = owner.steal_into(thief_queue, stolen);
      if (t == nullptr) {
        WEFT_ASSERT(stolen == 0, "a failed steal reported stolen tasks");
        continue;
      }
      WEFT_ASSERT(stolen >= 1 && stolen <= 2, "a steal from a queue of capacity 4 takes 1 or 2 tasks");
      if (coverage != nullptr) ++coverage->steals;
      ++by_thief[t->id];
      std::size_t popped = 0;
      while (task_header* u = thief_queue.pop()) {
        ++by_thief[u->id];
        ++popped;
      }
      WEFT_ASSERT(popped + 1 == stolen, "the thief's queue holds the stolen tasks but the one returned");
    }
  });

  std::size_t overflowed = 0;
  const auto push = [&](std::size_t i) {
    const std::size_t moved = owner.push_back(tasks[i], inject);
    WEFT_ASSERT(moved == 0 || moved == 1 || moved == 3,
                "an overflow moves half the queue plus the new task, or the new task alone");
    overflowed += moved;
    if (coverage != nullptr && moved == 3) ++coverage->overflow_half;
    if (coverage != nullptr && moved == 1) ++coverage->overflow_single;
  };
  for (std::size_t i = 0; i < 5; ++i) push(i);
  if (task_header* t = owner.pop()) ++by_owner[t->id];
  push(5);
  push(6);
  if (task_header* t = owner.pop()) ++by_owner[t->id];
  thief.join();

  while (task_header* t = owner.pop()) ++by_owner[t->id];
  WEFT_ASSERT(thief_queue.pop() == nullptr, "the thief left tasks in its queue");
  std::size_t in_inject = 0;
  while (task_header* t = inject.pop()) {
    ++by_owner[t->id];
    ++in_inject;
  }
  WEFT_ASSERT(in_inject == overflowed, "the inject queue does not hold what push_back moved there");
  for (std::size_t i = 0; i < n; ++i) {
    WEFT_ASSERT(by_owner[i] + by_thief[i] != 0, "a pushed task was lost");
    WEFT_ASSERT(by_owner[i] + by_thief[i] == 1, "a pushed task was taken twice");
  }
  WEFT_ASSERT(owner.is_empty() && thief_queue.is_empty() && inject.is_empty(), "queues not empty at the end");
}

}  // namespace weft::props::runtime_checks
