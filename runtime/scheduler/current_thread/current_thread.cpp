#include "runtime/scheduler/current_thread/current_thread.hpp"

#include <mutex>
#include <utility>

#include "runtime/coop.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"
#include "runtime/task/thread_waker.hpp"

namespace weft::rt::detail {

current_thread_scheduler::current_thread_scheduler(runtime_config config)
    : scheduler(std::move(config)), parker_(driver()) {
  core_.cx.sched = this;
  core_.cx.worker_state = &core_;
  core_.cx.worker = 0;
}

current_thread_scheduler::~current_thread_scheduler() {
  WEFT_ASSERT(core_.local.empty(), "current_thread scheduler destroyed before shutdown");
}

void current_thread_scheduler::schedule(task_header* t) noexcept {
  const context* cx = current_context::get();
  if (cx == &core_.cx) {
    local_schedules_.add_shared();
    trace(trace::kind::schedule, t->id, static_cast<std::int64_t>(trace::queue::local));
    push_local(t);
    return;
  }
  if (push_inject(t)) {
    parker_.unpark();
  }
}

void current_thread_scheduler::schedule_after_poll(task_header* t) noexcept {
  WEFT_ASSERT(current_context::get() == &core_.cx, "a task is polled only by the driving thread");
  trace(trace::kind::schedule, t->id, static_cast<std::int64_t>(trace::queue::yield));
  push_local(t);
}

void current_thread_scheduler::push_local(task_header* t) noexcept {
  try {
    core_.local.push_back(t);
  } catch (...) {
    // Out of memory growing the FIFO: the inject queue needs no allocation.
    if (!inject_.push(t)) {
      harness::drop_reference(t);
    }
  }
  local_depth_.set(core_.local.size());
}

bool current_thread_scheduler::take_core() {
  std::lock_guard lock(core_mutex_);
  if (core_taken_ || shut_down_) {
    return false;
  }
  core_taken_ = true;
  return true;
}

void current_thread_scheduler::release_core() {
  std::vector<waker> waiters;
  {
    std::lock_guard lock(core_mutex_);
    core_taken_ = false;
    waiters.swap(core_waiters_);
  }
  for (waker& w : waiters) {
    std::move(w).wake();
  }
}

void current_thread_scheduler::block_on(task_header* root) {
  for (;;) {
    if (root->state.load().is_complete()) {
      return;
    }
    if (take_core()) {
      drive(root);
      release_core();
      return;
    }
    wait_for_root_or_core(root);
  }
}

void current_thread_scheduler::wait_for_root_or_core(task_header* root) {
  // Ready when the root completed (the driving thread ran it) or the core
  // is free to take.
  struct root_or_core final : leaf_future {
    current_thread_scheduler* self;
    task_header* root;
    bool poll(const waker& w) noexcept override {
      if (harness::poll_join(root, w)) {
        return true;
      }
      std::lock_guard lock(self->core_mutex_);
      if (!self->core_taken_ || self->shut_down_) {
        return true;
      }
      try {
        self->core_waiters_.push_back(w);
      } catch (...) {
        return true;  // cannot wait without memory: go round again
      }
      return false;
    }
  } ready;
  ready.self = this;
  ready.root = root;
  block_until_ready(ready);
}

void current_thread_scheduler::drive(task_header* root) {
  const context_guard guard(&core_.cx);
  for (;;) {
    for (std::uint32_t i = 0; i < config().event_interval; ++i) {
      if (root->state.load().is_complete()) {
        return;
      }
      ++core_.tick;
      task_header* t = next_task();
      if (t == nullptr) {
        parks_.add_shared();
        trace(trace::kind::park, 0, -1);
        parker_.park(std::nullopt);
        trace(trace::kind::unpark, 0, 1);
        break;
      }
      core_.cx.budget = coop::initial_budget;
      polls_.add_shared();
      harness::poll(t);
      core_.cx.budget = context::unconstrained;
    }
    // Every event_interval ticks: timers and I/O, without blocking.
    poll_driver();
  }
}

task_header* current_thread_scheduler::next_task() {
  auto pop_local = [this]() -> task_header* {
    if (core_.local.empty()) {
      return nullptr;
    }
    task_header* t = core_.local.front();
    core_.local.pop_front();
    local_depth_.set(core_.local.size());
    return t;
  };
  if (core_.tick % config().global_queue_interval == 0) {
    if (task_header* t = inject_.pop()) {
      return t;
    }
    return pop_local();
  }
  if (task_header* t = pop_local()) {
    return t;
  }
  return inject_.pop();
}

void current_thread_scheduler::shutdown() {
  if (is_current()) {
    throw usage_error(
        "weft: runtime shut down from inside its own block_on; shut it down from the thread "
        "that owns it, after block_on returns");
  }
  {
    std::lock_guard lock(core_mutex_);
    if (shut_down_) {
      return;
    }
    WEFT_ASSERT(!core_taken_, "runtime shut down while another thread is inside its block_on");
    shut_down_ = true;
    core_taken_ = true;
  }
  trace(trace::kind::shutdown, 0);
  inject_.close();
  {
    // Cancel with the driver's context installed: destructors that run as
    // frames are destroyed may wake or spawn, and must see this runtime.
    const context_guard guard(&core_.cx);
    shutdown_owned_tasks();
    while (!core_.local.empty()) {
      task_header* t = core_.local.front();
      core_.local.pop_front();
      harness::drop_reference(t);
    }
    std::size_t count = 0;
    drop_queue_entries(inject_.pop_n(SIZE_MAX, count));
    driver().io().shutdown();
  }
  local_depth_.set(0);
  release_core();
}

runtime_metrics current_thread_scheduler::metrics() {
  runtime_metrics m = shared_metrics();
  worker_metrics w;
  w.polls = polls_.load();
  w.parks = parks_.load();
  w.noops = noops_.load();
  w.local_schedules = local_schedules_.load();
  w.local_queue_depth = local_depth_.load();
  m.workers.push_back(w);
  return m;
}

}  // namespace weft::rt::detail
