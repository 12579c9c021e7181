// The runtime: build one, run a task on it, spawn more, shut it down.
//
//   #include "runtime/runtime.hpp"
//   using namespace weft;
//
//   rt::task<int> add(int a, int b) { co_return a + b; }
//   rt::task<int> fan_out() {
//     std::vector<rt::join_handle<int>> hs;
//     for (int i = 0; i < 10; ++i) hs.push_back(rt::spawn(add(i, i)));
//     int sum = 0;
//     for (auto& h : hs) sum += co_await h;
//     co_return sum;
//   }
//
//   int main() {
//     rt::runtime runtime = rt::builder::multi_thread().worker_threads(4).build();
//     int sum = runtime.block_on(fan_out());
//   }
//
// Dropping the runtime shuts it down: queues close, every task it owns is
// cancelled and freed, worker threads are joined. Handles and join_handles
// may outlive it; spawning through a handle after shutdown gives a task
// whose join reports cancellation.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "runtime/config.hpp"
#include "runtime/context.hpp"
#include "runtime/metrics.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/net/udp.hpp"
#include "runtime/sync/broadcast.hpp"
#include "runtime/sync/mpsc.hpp"
#include "runtime/sync/mutex.hpp"
#include "runtime/sync/notify.hpp"
#include "runtime/sync/oneshot.hpp"
#include "runtime/sync/semaphore.hpp"
#include "runtime/sync/watch.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/join_handle.hpp"
#include "runtime/task/select.hpp"
#include "runtime/task/task.hpp"
#include "runtime/time/interval.hpp"
#include "runtime/time/sleep.hpp"
#include "runtime/time/timeout.hpp"
#include "runtime/yield.hpp"

namespace weft::rt {

class runtime;

// A cheap, copyable reference to a runtime, for spawning from anywhere
// (other threads included). It keeps the scheduler's memory alive, not the
// runtime running.
class handle {
 public:
  handle(const handle& other) noexcept;
  handle(handle&& other) noexcept : sched_(std::exchange(other.sched_, nullptr)) {}
  handle& operator=(handle other) noexcept {
    std::swap(sched_, other.sched_);
    return *this;
  }
  ~handle();

  // The runtime of the task or worker this thread is running; throws
  // usage_error outside a runtime.
  static handle current();

  template <class T>
  join_handle<T> spawn(task<T> t) const {
    return detail::spawn_on(sched_, std::move(t));
  }
  runtime_metrics metrics() const;

 private:
  friend class runtime;
  explicit handle(detail::scheduler* s) noexcept;  // takes a new reference
  detail::scheduler* sched_;
};

class runtime {
 public:
  runtime(runtime&& other) noexcept : sched_(std::exchange(other.sched_, nullptr)) {}
  runtime& operator=(runtime&& other) noexcept;
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;
  // Shuts down (see shutdown()).
  ~runtime();

  // Runs `t` to completion and returns its value (or rethrows its
  // exception). On current_thread the calling thread runs every task while
  // it waits; on multi_thread it waits for the workers. Throws usage_error
  // when called from inside a runtime (it would block a worker).
  template <class T>
  T block_on(task<T> t);

  template <class T>
  join_handle<T> spawn(task<T> t) {
    return detail::spawn_on(checked(), std::move(t));
  }

  handle get_handle() const { return handle(checked()); }
  runtime_metrics metrics() const;
  const runtime_config& config() const { return checked()->config(); }

  // Closes the queues, cancels and frees every task this runtime owns and
  // joins its threads. Idempotent. Throws usage_error when called from one
  // of this runtime's own workers.
  void shutdown();

 private:
  friend class builder;
  explicit runtime(detail::scheduler* s) noexcept : sched_(s) {}
  detail::scheduler* checked() const;
  static void check_not_in_runtime();

  detail::scheduler* sched_;
};

class builder {
 public:
  // All of the machine's cores, work stealing.
  static builder multi_thread();
  // One thread: the one calling block_on.
  static builder current_thread();

  builder& worker_threads(std::size_t n);
  builder& thread_name(std::string name);
  builder& event_interval(std::uint32_t ticks);
  builder& global_queue_interval(std::uint32_t ticks);
  builder& local_queue_capacity(std::size_t capacity);
  builder& lifo_slot(bool enabled);
  builder& trace(trace::sink* sink);
  builder& host(std::uint32_t host_id);
  // Sockets on (default) or off; off, the driver only keeps time.
  builder& enable_io(bool on);
  // Supplies the reactor (the deterministic world plugs its network here).
  builder& reactor(std::function<std::unique_ptr<io::reactor>()> factory);

  // Starts the runtime (and its worker threads). Throws
  // std::invalid_argument for an impossible configuration.
  runtime build() const;

  const runtime_config& config() const noexcept { return config_; }

 private:
  explicit builder(flavour kind) { config_.kind = kind; }
  runtime_config config_;
};

// Spawns onto the runtime this thread is running a task for.
// Throws usage_error outside a runtime.
template <class T>
join_handle<T> spawn(task<T> t) {
  const detail::context* cx = detail::current_context::get();
  if (cx == nullptr || cx->sched == nullptr) {
    throw usage_error(
        "weft: rt::spawn called outside a runtime; use runtime::spawn or handle::spawn, or call "
        "it from a task");
  }
  return detail::spawn_on(cx->sched, std::move(t));
}

template <class T>
T runtime::block_on(task<T> t) {
  check_not_in_runtime();
  detail::scheduler* s = checked();
  join_handle<T> root = detail::spawn_on(s, std::move(t));
  s->block_on(root.cell_);
  return root.wait();
}

}  // namespace weft::rt
