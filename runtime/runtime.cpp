#include "runtime/runtime.hpp"

#include <stdexcept>

#include "runtime/scheduler/current_thread/current_thread.hpp"
#include "runtime/scheduler/multi_thread/multi_thread.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/harness.hpp"

namespace weft::rt {

namespace detail {

void spawn_cell(scheduler* s, task_header* cell) {
  s->add_ref();  // the task's reference on its scheduler, dropped when freed
  s->spawn(cell);
}

}  // namespace detail

// ---- handle ----

handle::handle(detail::scheduler* s) noexcept : sched_(s) { sched_->add_ref(); }

handle::handle(const handle& other) noexcept : sched_(other.sched_) {
  if (sched_ != nullptr) {
    sched_->add_ref();
  }
}

handle::~handle() {
  if (sched_ != nullptr) {
    sched_->drop_ref();
  }
}

handle handle::current() {
  const detail::context* cx = detail::current_context::get();
  if (cx == nullptr || cx->sched == nullptr) {
    throw usage_error("weft: handle::current() called outside a runtime");
  }
  return handle(cx->sched);
}

runtime_metrics handle::metrics() const { return sched_->metrics(); }

// ---- runtime ----

runtime& runtime::operator=(runtime&& other) noexcept {
  if (this != &other) {
    runtime old(std::move(*this));
    sched_ = std::exchange(other.sched_, nullptr);
  }
  return *this;
}

runtime::~runtime() {
  if (sched_ == nullptr) {
    return;
  }
  const detail::context* cx = detail::current_context::get();
  WEFT_ASSERT(cx == nullptr || cx->sched != sched_,
              "a runtime was destroyed on one of its own workers; destroy it from the thread "
              "that owns it");
  sched_->shutdown();
  sched_->drop_ref();
}

detail::scheduler* runtime::checked() const {
  if (sched_ == nullptr) {
    throw usage_error("weft: use of a moved-from runtime");
  }
  return sched_;
}

void runtime::check_not_in_runtime() {
  const detail::context* cx = detail::current_context::get();
  if (cx != nullptr && cx->sched != nullptr) {
    throw usage_error(
        "weft: block_on called from inside a runtime (it would block a worker); use co_await "
        "instead");
  }
}

runtime_metrics runtime::metrics() const { return checked()->metrics(); }

void runtime::shutdown() { checked()->shutdown(); }

// ---- builder ----

builder builder::multi_thread() { return builder(flavour::multi_thread); }
builder builder::current_thread() { return builder(flavour::current_thread); }

builder& builder::worker_threads(std::size_t n) {
  if (n == 0) {
    throw std::invalid_argument("weft: worker_threads(0): a runtime needs at least one worker");
  }
  config_.workers = n;
  return *this;
}
builder& builder::thread_name(std::string name) {
  config_.thread_name = std::move(name);
  return *this;
}
builder& builder::event_interval(std::uint32_t ticks) {
  if (ticks == 0) {
    throw std::invalid_argument("weft: event_interval(0): the interval must be at least 1 tick");
  }
  config_.event_interval = ticks;
  return *this;
}
builder& builder::global_queue_interval(std::uint32_t ticks) {
  if (ticks == 0) {
    throw std::invalid_argument(
        "weft: global_queue_interval(0): the interval must be at least 1 tick");
  }
  config_.global_queue_interval = ticks;
  return *this;
}
builder& builder::local_queue_capacity(std::size_t capacity) {
  if (capacity < 2 || (capacity & (capacity - 1)) != 0 || capacity > (std::size_t{1} << 30)) {
    throw std::invalid_argument("weft: local_queue_capacity(" + std::to_string(capacity) +
                                "): must be a power of two between 2 and 2^30");
  }
  config_.local_queue_capacity = capacity;
  return *this;
}
builder& builder::lifo_slot(bool enabled) {
  config_.lifo_slot = enabled;
  return *this;
}
builder& builder::trace(trace::sink* sink) {
  config_.sink = sink;
  return *this;
}
builder& builder::host(std::uint32_t host_id) {
  config_.host = host_id;
  return *this;
}

builder& builder::enable_io(bool on) {
  config_.enable_io = on;
  return *this;
}
builder& builder::reactor(std::function<std::unique_ptr<io::reactor>()> factory) {
  config_.reactor_factory = std::move(factory);
  return *this;
}

runtime builder::build() const {
  runtime_config cfg = config_;
  if (cfg.kind == flavour::current_thread) {
    if (cfg.workers > 1) {
      throw std::invalid_argument(
          "weft: worker_threads(" + std::to_string(cfg.workers) +
          ") on a current_thread runtime; use builder::multi_thread() for more than one");
    }
    cfg.workers = 1;
    return runtime(new detail::current_thread_scheduler(std::move(cfg)));
  }
  if (cfg.workers == 0) {
    cfg.workers = sys::hardware_concurrency();
  }
  if (cfg.workers > 4096) {
    throw std::invalid_argument("weft: worker_threads(" + std::to_string(cfg.workers) +
                                "): at most 4096 workers");
  }
  return runtime(new detail::multi_thread_scheduler(std::move(cfg)));
}

}  // namespace weft::rt
