// The current_thread scheduler: every task runs on the thread that calls
// block_on, Tokio's `current_thread` flavour.
//
// Tasks queued by that thread go to a local FIFO (no synchronisation).
// Tasks spawned or woken from other threads go to the inject queue, and the
// driving thread is unparked. The driving thread loops:
//   every `global_queue_interval` ticks take from the inject queue first,
//   otherwise local FIFO then inject queue; run the task with a fresh coop
//   budget; when both are empty, park until unparked (or, once the
//   time/I-O driver exists, until the next timer).
//
// Only one thread drives at a time. A second thread calling block_on waits
// until its root task finishes (the driving thread runs it) or the driving
// thread leaves, and then drives itself. Between block_on calls nothing
// runs: spawned tasks wait in the queues.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "runtime/scheduler/scheduler.hpp"
#include "runtime/sys/counter.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/scheduler/park.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail {

class current_thread_scheduler final : public scheduler {
 public:
  explicit current_thread_scheduler(runtime_config config);
  ~current_thread_scheduler() override;

  void schedule(task_header* t) noexcept override;
  void schedule_after_poll(task_header* t) noexcept override;
  void block_on(task_header* root) override;
  void shutdown() override;
  runtime_metrics metrics() override;

 private:
  // The driving thread's state. Only the thread that holds the core (see
  // take_core) touches it.
  struct core {
    std::deque<task_header*> local;
    std::uint32_t tick = 0;
    context cx;
  };

  bool take_core();
  void release_core();
  void drive(task_header* root);
  task_header* next_task();
  void push_local(task_header* t) noexcept;
  void wait_for_root_or_core(task_header* root);

  core core_;
  worker_parker parker_;  // the core holder sleeps here (on the driver)

  sys::mutex core_mutex_;
  bool core_taken_ = false;           // under core_mutex_
  bool shut_down_ = false;            // under core_mutex_
  std::vector<waker> core_waiters_;   // under core_mutex_: block_on callers waiting for the core

  sys::counter polls_, parks_, noops_, local_schedules_, local_depth_;
};

}  // namespace weft::rt::detail
