#include "runtime/scheduler/scheduler.hpp"

#include <utility>

#include "runtime/io/default_reactor.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

namespace {
// Shards for the owned-task list: four per worker, rounded up to a power
// of two, so that completions on different workers rarely share a lock.
std::size_t owned_shards(std::size_t workers) {
  std::size_t n = 1;
  while (n < 4 * workers && n < 1024) n *= 2;
  return n;
}

std::unique_ptr<io::reactor> make_reactor(const runtime_config& config) {
  if (config.reactor_factory) {
    return config.reactor_factory();
  }
  return io::make_default_reactor(config.enable_io);
}

}  // namespace

scheduler::scheduler(runtime_config config)
    : config_(std::move(config)),
      owned_(owned_shards(config_.workers)),
      start_(sys::clock::now()),
      driver_(start_, make_reactor(config_)) {}

void scheduler::poll_driver() noexcept {
  if (driver_.try_lock()) {
    driver_.park(std::chrono::nanoseconds::zero());
    driver_.unlock();
  }
}

scheduler::~scheduler() {
  WEFT_ASSERT(owned_.size() == 0, "scheduler destroyed while it still owns tasks");
}

void scheduler::spawn(task_header* t) noexcept {
  const context* cx = current_context::get();
  const std::uint64_t parent = (cx != nullptr && cx->current != nullptr) ? cx->current->id : 0;
  const std::int32_t worker = (cx != nullptr && cx->sched == this) ? cx->worker : -1;
  const bool bound = owned_.bind(t, worker);
  trace(trace::kind::spawn, t->id, static_cast<std::int64_t>(parent));
  if (!bound) {
    // Shutting down: the task never runs. We hold the list's reference
    // (it was never added) and the queue entry's; cancel with one, drop
    // the other.
    harness::shutdown(t, /*by_runtime=*/true);
    harness::drop_reference(t);
    return;
  }
  schedule(t);
}

void scheduler::drop_ref() noexcept {
  const std::uint64_t prev = refs_.fetch_sub(1, std::memory_order_acq_rel);
  WEFT_ASSERT(prev > 0, "scheduler reference count underflow");
  if (prev == 1) {
    delete this;
  }
}

void scheduler::shutdown_owned_tasks() noexcept {
  owned_.close();
  while (task_header* t = owned_.pop_front()) {
    harness::shutdown(t, /*by_runtime=*/true);
  }
}

bool scheduler::push_inject(task_header* t) noexcept {
  trace(trace::kind::schedule, t->id, static_cast<std::int64_t>(trace::queue::inject));
  if (!inject_.push(t)) {
    harness::drop_reference(t);  // shut down: the task will never run
    return false;
  }
  remote_schedules_.add_shared();
  return true;
}

runtime_metrics scheduler::shared_metrics() {
  runtime_metrics m;
  m.num_workers = config_.workers;
  m.injection_queue_depth = inject_.len();
  m.remote_schedules = remote_schedules_.load();
  m.spawned_tasks = owned_.spawned_count();
  m.alive_tasks = owned_.size();
  return m;
}

void scheduler::drop_queue_entries(task_header* first) noexcept {
  while (first != nullptr) {
    task_header* next = first->queue_next;
    first->queue_next = nullptr;
    harness::drop_reference(first);
    first = next;
  }
}

void scheduler::emit(trace::kind what, std::uint64_t task, std::int64_t a,
                     std::int64_t b) const noexcept {
  const context* cx = current_context::get();
  trace::event e;
  e.time_ns = (sys::clock::now() - start_).count();
  e.host = config_.host;
  e.worker = (cx != nullptr && cx->sched == this) ? cx->worker : -1;
  e.task = task;
  e.what = what;
  e.a = a;
  e.b = b;
  config_.sink->record(e);
}

}  // namespace weft::rt::detail
