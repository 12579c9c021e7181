// The multi_thread scheduler: N workers with work stealing, Tokio's design.
//
// Each worker has a bounded local queue (local_queue.hpp) that others can
// steal half of, and a LIFO slot holding the task most recently woken or
// spawned by the task it is running (so a message's receiver runs next, on
// the same worker, while the data is still in cache). Work from outside the
// workers goes through one shared inject queue.
//
// A worker's loop (worker.cpp):
//   1. every `global_queue_interval` ticks, take from the inject queue first
//      (so injected work cannot be starved by a busy local queue);
//   2. otherwise: LIFO slot, then local queue, then a batch from the inject
//      queue;
//   3. if nothing: become a searcher (if fewer than half search) and steal
//      half of another worker's queue, starting at a random victim;
//   4. if still nothing: park (idle.hpp says how it avoids sleeping on work);
//   5. every `event_interval` ticks: poll the driver without blocking and
//      check for shutdown.
// A poll gets the cooperative budget (128); a task left in the LIFO slot
// runs right after, on the same budget, so two tasks waking each other
// cannot hold a worker forever.
//
// Shutdown (shutdown()): close the inject queue, wake every worker. Each
// worker that sees the closed queue sweeps the owned-task list (cancelling
// every task not running; a running one is cancelled by its poller when its
// poll ends), drops what is left in its own queues and exits. The caller
// then joins the threads and drops what is left in the inject queue.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/scheduler/multi_thread/idle.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/sys/counter.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/probe.hpp"
#include "runtime/scheduler/park.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::rt::detail {

struct worker {
  worker(std::size_t worker_index, std::size_t queue_capacity, detail::driver& d)
      : index(worker_index),
        queue(queue_capacity),
        parker(d),
        rng_state(0x9e3779b97f4a7c15ull * (worker_index + 1)) {}

  const std::size_t index;
  local_queue queue;   // stealable by the others
  worker_parker parker;  // unparked by notify; may sleep on the driver

  // Owned by the worker thread.
  task_header* lifo = nullptr;
  bool searching = false;
  bool shutdown = false;
  std::uint32_t tick = 0;
  std::uint64_t rng_state;
  context cx;

  // Metrics: written by the worker, read by snapshots.
  sys::counter polls, steal_operations, steal_count, parks, noops, local_schedules, overflows;

  std::size_t next_random(std::size_t bound) noexcept;
};

class multi_thread_scheduler final : public scheduler {
 public:
  explicit multi_thread_scheduler(runtime_config config);
  ~multi_thread_scheduler() override;

  void schedule(task_header* t) noexcept override;
  void schedule_after_poll(task_header* t) noexcept override;
  void block_on(task_header* root) override;
  void shutdown() override;
  runtime_metrics metrics() override;

 private:
  // worker.cpp: the worker loop.
  void run_worker(worker& w);
  task_header* next_task(worker& w);
  task_header* take_from_inject(worker& w);
  task_header* steal_work(worker& w);
  void run_task(worker& w, task_header* t);
  void park(worker& w);
  void maintenance(worker& w);
  void poll_driver_now(worker& w);
  bool transition_to_parked(worker& w);
  bool transition_from_parked(worker& w);
  void transition_from_searching(worker& w);
  void shutdown_worker(worker& w);

  // multi_thread.cpp
  void schedule_local(worker& w, task_header* t, bool is_yield) noexcept;
  void push_remote(task_header* t) noexcept;
  void notify_parked() noexcept;
  void notify_all() noexcept;
  void notify_if_work_pending() noexcept;
  // In the deterministic world, at a deadlock: queued tasks nobody will run.
  std::optional<std::string> stranded_work();

  std::vector<std::unique_ptr<worker>> workers_;
  idle idle_;
  std::vector<sys::thread> threads_;
  sys::mutex shutdown_mutex_;
  bool shut_down_ = false;  // under shutdown_mutex_
  sys::probe probe_{[this] { return stranded_work(); }};
};

}  // namespace weft::rt::detail
