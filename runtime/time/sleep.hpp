// rt::sleep, rt::sleep_until: wait for a duration or an instant.
//
//   co_await rt::sleep(std::chrono::milliseconds(50));
//   co_await rt::sleep_until(rt::clock::now() + std::chrono::seconds(1));
//
// Timers have millisecond ticks: a sleep never ends before its deadline and
// usually ends within a millisecond after it (later if every worker is busy
// — timers fire when a worker parks or polls its driver). Sleeps longer than
// the timer wheel's span (about 2.2 years) end at the span. Destroying a
// sleep (the task was cancelled, a select chose another branch) removes its
// timer. The clock is sys::clock: the monotonic clock for real, the virtual
// clock in the deterministic world.
#pragma once

#include <chrono>

#include "runtime/sys/clock.hpp"
#include "runtime/task/leaf_future.hpp"
#include "runtime/time/time_driver.hpp"

namespace weft::rt {

using clock = sys::clock;

class sleep_future final : public leaf_future {
 public:
  sleep_future(detail::time_driver& driver, clock::time_point deadline) noexcept
      : driver_(&driver), deadline_(deadline) {}
  // Movable until first polled (co_await moves it into place first).
  sleep_future(sleep_future&& other) noexcept;
  sleep_future& operator=(sleep_future&&) = delete;
  ~sleep_future() { driver_->cancel(timer_); }

  bool poll(const waker& w) noexcept override { return driver_->poll_timer(timer_, deadline_, w); }
  void await_resume() const noexcept {}

  clock::time_point deadline() const noexcept { return deadline_; }
  // Re-arms for a new deadline (as if newly created).
  void reset(clock::time_point deadline) noexcept {
    driver_->reset(timer_);
    deadline_ = deadline;
  }

 private:
  detail::time_driver* driver_;
  clock::time_point deadline_;
  detail::timer_state timer_;
};

// The time driver of the runtime this thread runs a task for; throws
// usage_error outside a runtime.
detail::time_driver& current_time_driver();

inline sleep_future sleep_until(clock::time_point deadline) {
  return sleep_future(current_time_driver(), deadline);
}
inline sleep_future sleep(clock::duration d) { return sleep_until(clock::now() + d); }

}  // namespace weft::rt
