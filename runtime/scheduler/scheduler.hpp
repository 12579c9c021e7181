// The interface every scheduler implements, and what they share: the
// owned-task list, the trace hook and the scheduler's lifetime.
//
// Tasks reach a scheduler in three ways:
//   spawn()               a new task (bound to the owned list first);
//   schedule()            a wake: the waker set NOTIFIED and hands over the
//                         reference for the queue entry;
//   schedule_after_poll() the task was woken during its own poll; it goes
//                         behind the work already queued.
//
// Lifetime: a scheduler is reference counted. The runtime and each handle
// hold one reference, and so does every task cell, because a waker kept by
// another thread may wake a task after the runtime is gone; the scheduler
// must still be there to refuse it (its queues are closed by then).
#pragma once

#include <cstdint>

#include "runtime/config.hpp"
#include "runtime/context.hpp"
#include "runtime/driver.hpp"
#include "runtime/metrics.hpp"
#include "runtime/scheduler/inject_queue.hpp"
#include "runtime/scheduler/owned_tasks.hpp"
#include "runtime/sys/counter.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/clock.hpp"
#include "runtime/trace/event.hpp"

namespace weft::rt::detail {

struct task_header;

class scheduler {
 public:
  explicit scheduler(runtime_config config);
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;
  virtual ~scheduler();

  // Queues `t` (NOTIFIED set by the caller); takes over one reference.
  virtual void schedule(task_header* t) noexcept = 0;
  // Queues `t` behind other work after a poll during which it was woken.
  virtual void schedule_after_poll(task_header* t) noexcept = 0;
  // Runs (or waits, on multi_thread) until `root` completes.
  virtual void block_on(task_header* root) = 0;
  // Closes the queues, cancels every owned task and stops the workers.
  // Idempotent. Must not be called from one of this scheduler's workers.
  virtual void shutdown() = 0;
  virtual runtime_metrics metrics() = 0;

  // Binds a new task (initial state: three references, NOTIFIED) and queues
  // it, or cancels it at once if the scheduler is shutting down.
  void spawn(task_header* t) noexcept;

  // Removes a completed task from the owned list; true if it was there.
  bool release(task_header* t) { return owned_.remove(t); }

  // True if the calling thread is one of this scheduler's workers (or its
  // block_on thread, for current_thread).
  bool is_current() const noexcept {
    const context* cx = current_context::get();
    return cx != nullptr && cx->sched == this;
  }

  const runtime_config& config() const noexcept { return config_; }
  owned_tasks& owned() noexcept { return owned_; }
  // Timers and I/O: parked on by one worker at a time.
  detail::driver& driver() noexcept { return driver_; }
  // The runtime's clock started here; trace times count from it.
  sys::clock::time_point start_time() const noexcept { return start_; }

  // Emits a trace event if a sink is installed: one predictable branch
  // otherwise.
  void trace(trace::kind what, std::uint64_t task, std::int64_t a = 0,
             std::int64_t b = 0) const noexcept {
    if (config_.sink != nullptr) [[unlikely]] {
      emit(what, task, a, b);
    }
  }
  bool tracing() const noexcept { return config_.sink != nullptr; }

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Deletes the scheduler when the last reference goes.
  void drop_ref() noexcept;

  // Drops every queue entry in a list linked through queue_next (for
  // entries refused by a closed queue, and at shutdown).
  static void drop_queue_entries(task_header* first) noexcept;

 protected:
  // Cancels every task in the owned list (shutdown). Safe to call from
  // several threads; each task is cancelled once.
  void shutdown_owned_tasks() noexcept;
  // Queues `t` on the inject queue (a spawn or wake from outside the
  // scheduler's threads). False if the scheduler shut down: the entry's
  // reference has been dropped and the caller must not wake anyone.
  bool push_inject(task_header* t) noexcept;
  // The metrics every scheduler reports; the caller adds its workers.
  runtime_metrics shared_metrics();

  // Polls the driver without blocking, if no other thread holds it
  // (every event_interval ticks, so a busy runtime still sees timers and I/O).
  void poll_driver() noexcept;

  // Tasks from outside the workers, and overflow from full local queues.
  inject_queue inject_;

 private:
  void emit(trace::kind what, std::uint64_t task, std::int64_t a, std::int64_t b) const noexcept;

  runtime_config config_;
  owned_tasks owned_;
  sys::clock::time_point start_;
  detail::driver driver_;
  sys::atomic<std::uint64_t> refs_{1};
  sys::counter remote_schedules_;
};

}  // namespace weft::rt::detail
