#include "runtime/scheduler/multi_thread/multi_thread.hpp"

#include <mutex>
#include <string>
#include <utility>

#include "runtime/sys/assert.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"
#include "runtime/task/join_handle.hpp"
#include "runtime/task/thread_waker.hpp"

namespace weft::rt::detail {

std::size_t worker::next_random(std::size_t bound) noexcept {
  // xorshift64*: cheap, and seeded by the worker index so runs repeat.
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return static_cast<std::size_t>((rng_state * 0x2545f4914f6cdd1dull) >> 32) % bound;
}

multi_thread_scheduler::multi_thread_scheduler(runtime_config config)
    : scheduler(std::move(config)), idle_(this->config().workers) {
  const std::size_t n = this->config().workers;
  WEFT_ASSERT(n > 0, "multi_thread scheduler needs at least one worker");
  workers_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    workers_.push_back(std::make_unique<worker>(i, this->config().local_queue_capacity, driver()));
    worker& w = *workers_.back();
    w.cx.sched = this;
    w.cx.worker_state = &w;
    w.cx.worker = static_cast<std::int32_t>(i);
  }
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    worker* w = workers_[i].get();
    threads_.emplace_back(this->config().thread_name + "-" + std::to_string(i),
                          [this, w] { run_worker(*w); });
  }
}

std::optional<std::string> multi_thread_scheduler::stranded_work() {
  // Asked only when every thread is blocked: nothing runs while we look.
  std::size_t queued = inject_.len();
  for (const auto& w : workers_) queued += w->queue.len() + (w->lifo != nullptr ? 1 : 0);
  const std::string where = " on runtime '" + config().thread_name + "' (" + std::to_string(workers_.size()) +
                            " workers)";
  if (queued > 0) {
    return "every thread is blocked while " + std::to_string(queued) + " task" +
           (queued == 1 ? " is" : "s are") + " queued" + where + ": a wake did not reach a parked worker";
  }
  // Nothing queued: a task marked NOTIFIED but idle should have been in a
  // queue; its wake was swallowed.
  std::uint64_t swallowed = 0;
  owned().for_each([&](task_header* t) {
    const auto s = t->state.load();
    if (swallowed == 0 && s.is_notified() && s.is_idle()) swallowed = t->id;
  });
  if (swallowed != 0) {
    return "task " + std::to_string(swallowed) + " was woken (NOTIFIED) but is in no run queue" + where +
           ": the wake was swallowed";
  }
  return std::nullopt;
}

multi_thread_scheduler::~multi_thread_scheduler() {
  for (const sys::thread& t : threads_) {
    WEFT_ASSERT(!t.joinable(), "multi_thread scheduler destroyed before shutdown");
  }
}

void multi_thread_scheduler::schedule(task_header* t) noexcept {
  const context* cx = current_context::get();
  if (cx != nullptr && cx->sched == this && cx->worker_state != nullptr) {
    schedule_local(*static_cast<worker*>(cx->worker_state), t, /*is_yield=*/false);
    return;
  }
  push_remote(t);
}

void multi_thread_scheduler::schedule_after_poll(task_header* t) noexcept {
  const context* cx = current_context::get();
  WEFT_ASSERT(cx != nullptr && cx->sched == this && cx->worker_state != nullptr,
              "a task is polled only on its scheduler's workers");
  schedule_local(*static_cast<worker*>(cx->worker_state), t, /*is_yield=*/true);
}

void multi_thread_scheduler::schedule_local(worker& w, task_header* t, bool is_yield) noexcept {
  w.local_schedules.add_owned();
  bool should_notify = true;
  if (is_yield || !config().lifo_slot) {
    trace(trace::kind::schedule, t->id, static_cast<std::int64_t>(is_yield ? trace::queue::yield : trace::queue::local));
    if (const std::size_t moved = w.queue.push_back(t, inject_); moved > 0) {
      w.overflows.add_owned();
      trace(trace::kind::overflow, 0, static_cast<std::int64_t>(moved));
    }
  } else {
    trace(trace::kind::schedule, t->id, static_cast<std::int64_t>(trace::queue::lifo));
    task_header* displaced = std::exchange(w.lifo, t);
    should_notify = displaced != nullptr;
    if (displaced != nullptr) {
      if (const std::size_t moved = w.queue.push_back(displaced, inject_); moved > 0) {
        w.overflows.add_owned();
        trace(trace::kind::overflow, 0, static_cast<std::int64_t>(moved));
      }
    }
  }
  // Work others can steal appeared: make sure someone is looking.
  if (should_notify) {
    notify_parked();
  }
}

void multi_thread_scheduler::push_remote(task_header* t) noexcept {
  if (push_inject(t)) {
    notify_parked();
  }
}

void multi_thread_scheduler::notify_parked() noexcept {
  if (const auto index = idle_.worker_to_notify()) {
    trace(trace::kind::notify, 0, static_cast<std::int64_t>(*index));
    workers_[*index]->parker.unpark();
  }
}

void multi_thread_scheduler::notify_all() noexcept {
  for (const auto& w : workers_) {
    w->parker.unpark();
  }
}

void multi_thread_scheduler::notify_if_work_pending() noexcept {
  for (const auto& w : workers_) {
    if (!w->queue.is_empty()) {
      notify_parked();
      return;
    }
  }
  if (!inject_.is_empty()) {
    notify_parked();
  }
}

void multi_thread_scheduler::block_on(task_header* root) {
  // The root runs on the workers; this thread waits for it like a joiner.
  struct root_done final : leaf_future {
    task_header* t;
    explicit root_done(task_header* root_task) : t(root_task) {}
    bool poll(const waker& w) noexcept override { return harness::poll_join(t, w); }
  } done(root);
  block_until_ready(done);
}

void multi_thread_scheduler::shutdown() {
  if (is_current()) {
    throw usage_error(
        "weft: runtime shut down from one of its own workers; shut it down from the thread "
        "that owns it");
  }
  std::lock_guard lock(shutdown_mutex_);
  if (shut_down_) {
    return;
  }
  shut_down_ = true;
  trace(trace::kind::shutdown, 0);
  inject_.close();
  notify_all();
  for (sys::thread& t : threads_) {
    t.join();
  }
  // Every worker swept the owned list before exiting; sweep again for tasks
  // spawned from outside while the workers were stopping.
  shutdown_owned_tasks();
  std::size_t count = 0;
  drop_queue_entries(inject_.pop_n(SIZE_MAX, count));
  driver().io().shutdown();
}

runtime_metrics multi_thread_scheduler::metrics() {
  runtime_metrics m = shared_metrics();
  for (const auto& w : workers_) {
    worker_metrics wm;
    wm.polls = w->polls.load();
    wm.steal_operations = w->steal_operations.load();
    wm.steal_count = w->steal_count.load();
    wm.parks = w->parks.load();
    wm.noops = w->noops.load();
    wm.local_schedules = w->local_schedules.load();
    wm.overflows = w->overflows.load();
    wm.local_queue_depth = w->queue.len();
    m.workers.push_back(wm);
  }
  return m;
}

}  // namespace weft::rt::detail
