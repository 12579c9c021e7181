// The multi_thread worker loop. multi_thread.hpp describes it in prose.
#include <algorithm>
#include <utility>

#include "runtime/coop.hpp"
#include "runtime/scheduler/multi_thread/multi_thread.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

void multi_thread_scheduler::run_worker(worker& w) {
  const context_guard guard(&w.cx);
  while (!w.shutdown) {
    ++w.tick;
    if (w.tick % config().event_interval == 0) {
      poll_driver_now(w);
      maintenance(w);
      if (w.shutdown) {
        break;
      }
    }
    if (task_header* t = next_task(w)) {
      run_task(w, t);
      continue;
    }
    if (task_header* t = steal_work(w)) {
      run_task(w, t);
      continue;
    }
    park(w);
  }
  shutdown_worker(w);
}

task_header* multi_thread_scheduler::next_task(worker& w) {
  if (w.tick % config().global_queue_interval == 0) {
    if (task_header* t = inject_.pop()) {
      return t;
    }
  }
  if (task_header* t = std::exchange(w.lifo, nullptr)) {
    return t;
  }
  if (task_header* t = w.queue.pop()) {
    return t;
  }
  return take_from_inject(w);
}

task_header* multi_thread_scheduler::take_from_inject(worker& w) {
  if (inject_.is_empty()) {
    return nullptr;
  }
  // Take a fair share, bounded by half the local queue: one to run now,
  // the rest queued locally (where others can steal them).
  const std::size_t share = inject_.len() / workers_.size() + 1;
  const std::size_t max = std::min(share, std::max<std::size_t>(1, w.queue.room() / 2));
  std::size_t count = 0;
  task_header* first = inject_.pop_n(max, count);
  if (first == nullptr) {
    return nullptr;
  }
  task_header* rest = first->queue_next;
  first->queue_next = nullptr;
  if (count > 1) {
    w.queue.push_batch_fitting(rest, count - 1);
  }
  return first;
}

task_header* multi_thread_scheduler::steal_work(worker& w) {
  if (!w.searching) {
    w.searching = idle_.transition_worker_to_searching();
  }
  if (!w.searching) {
    return nullptr;
  }
  const std::size_t n = workers_.size();
  const std::size_t start = w.next_random(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t victim = (start + i) % n;
    if (victim == w.index) {
      continue;
    }
    std::size_t stolen = 0;
    if (task_header* t = workers_[victim]->queue.steal_into(w.queue, stolen)) {
      w.steal_operations.add_owned();
      w.steal_count.add_owned(stolen);
      trace(trace::kind::steal, 0, static_cast<std::int64_t>(victim),
            static_cast<std::int64_t>(stolen));
      return t;
    }
  }
  return take_from_inject(w);
}

void multi_thread_scheduler::run_task(worker& w, task_header* t) {
  transition_from_searching(w);
  w.cx.budget = coop::initial_budget;
  w.polls.add_owned();
  harness::poll(t);
  // A task left in the LIFO slot runs next, on what is left of the budget.
  while (task_header* next = std::exchange(w.lifo, nullptr)) {
    if (!coop::has_budget()) {
      // Out of budget: queue it; this worker runs it after the others had
      // a turn (no need to wake a sleeper for it).
      if (const std::size_t moved = w.queue.push_back(next, inject_); moved > 0) {
        w.overflows.add_owned();
      }
      break;
    }
    w.polls.add_owned();
    harness::poll(next);
  }
  w.cx.budget = context::unconstrained;
}

void multi_thread_scheduler::transition_from_searching(worker& w) {
  if (!w.searching) {
    return;
  }
  w.searching = false;
  // The last searcher found work; there may be more, and nobody else looks.
  if (idle_.transition_worker_from_searching()) {
    notify_parked();
  }
}

void multi_thread_scheduler::maintenance(worker& w) {
  if (!w.shutdown) {
    w.shutdown = inject_.is_closed();
  }
}

void multi_thread_scheduler::poll_driver_now(worker& w) {
  poll_driver();
  // Timers and I/O that fired woke tasks onto this worker; let others steal.
  if (!w.searching && w.queue.has_tasks()) {
    notify_parked();
  }
}

void multi_thread_scheduler::park(worker& w) {
  if (!transition_to_parked(w)) {
    return;
  }
  while (!w.shutdown) {
    w.parks.add_owned();
    trace(trace::kind::park, 0, -1);
    w.parker.park(std::nullopt);
    maintenance(w);
    const bool by_notify = transition_from_parked(w);
    trace(trace::kind::unpark, 0, by_notify ? 1 : 0);
    if (by_notify) {
      break;
    }
    w.noops.add_owned();
  }
}

bool multi_thread_scheduler::transition_to_parked(worker& w) {
  if (w.lifo != nullptr || w.queue.has_tasks()) {
    return false;
  }
  const bool last_searcher = idle_.transition_worker_to_parked(w.index, w.searching);
  w.searching = false;
  if (last_searcher) {
    notify_if_work_pending();
  }
  return true;
}

bool multi_thread_scheduler::transition_from_parked(worker& w) {
  if (w.lifo != nullptr || w.queue.has_tasks()) {
    // Timers or I/O fired while this worker held the driver and woke tasks
    // onto it: take itself off the sleepers (if nobody already did, in
    // which case it was counted as searching).
    w.searching = !idle_.unpark_worker_by_id(w.index);
    if (!w.searching && w.queue.has_tasks()) notify_parked();
    return true;
  }
  if (idle_.is_parked(w.index)) {
    return false;  // woken without being picked: shutdown, timeout or spurious
  }
  // Picked by worker_to_notify, which counted us as searching.
  w.searching = true;
  return true;
}

void multi_thread_scheduler::shutdown_worker(worker& w) {
  shutdown_owned_tasks();
  if (w.searching) {
    w.searching = false;
    idle_.transition_worker_from_searching();
  }
  if (task_header* t = std::exchange(w.lifo, nullptr)) {
    harness::drop_reference(t);
  }
  while (task_header* t = w.queue.pop()) {
    harness::drop_reference(t);
  }
}

}  // namespace weft::rt::detail
