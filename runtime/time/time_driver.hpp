// The time driver: the timer wheel, guarded by a lock, in clock time.
//
// Ticks are milliseconds since the runtime started. A deadline becomes the
// first tick at or after it (rounded up), and a timer fires once the clock's
// tick (rounded down) has reached that tick — so no timer ever fires before
// its deadline; it may fire up to one tick after.
//
// Timers fire when the thread holding the driver parks or polls it
// (runtime/driver.hpp); firing wakes each timer's waker. Registering a timer
// due before the parked thread means to wake asks the driver to unpark, so
// the new deadline is honoured.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/clock.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/waker.hpp"
#include "runtime/time/wheel.hpp"

namespace weft::rt::detail {

class driver;

// One timer, embedded in whatever waits on it (a sleep future). Every field
// is guarded by the time driver's lock.
struct timer_state : timer_entry {
  waker on_fire;
  bool registered = false;  // inserted once (in the wheel, or fired)
  bool fired = false;
};

class time_driver {
 public:
  using clock = sys::clock;
  static constexpr std::chrono::milliseconds tick_length{1};
  static constexpr std::int64_t tick_ns() noexcept { return 1'000'000; }

  time_driver(clock::time_point start, driver& owner) noexcept : start_(start), owner_(owner) {}

  // Ticks are counted from the runtime's start.
  std::uint64_t deadline_tick(clock::time_point deadline) const noexcept;
  std::uint64_t now_tick(clock::time_point now) const noexcept;
  clock::time_point tick_time(std::uint64_t tick) const noexcept { return start_ + tick * tick_length; }

  // Polls a timer: true once it has fired. On the first call registers it
  // for `deadline`; keeps `w` to wake when it fires.
  bool poll_timer(timer_state& t, clock::time_point deadline, const waker& w);
  // Forgets a timer (its owner is going away). Safe in any state.
  void cancel(timer_state& t) noexcept;
  // Cancels and makes the timer ready to be polled for a new deadline.
  void reset(timer_state& t) noexcept;
  // Fires every timer due by `now`. Returns how many fired.
  std::size_t process(clock::time_point now);
  // When the next timer could fire, if any.
  std::optional<clock::time_point> next_deadline();
  // The driver holder is about to sleep: from now on a timer registered for
  // earlier than the next deadline (returned; nullopt if none) unparks the
  // driver. leave_park() when it wakes.
  std::optional<clock::time_point> enter_park();
  void leave_park();
  // Timers registered and not yet fired or cancelled.
  std::size_t pending();

 private:
  clock::time_point start_;
  driver& owner_;
  sys::mutex mutex_{sys::mutex::spin::brief};  // held briefly, by every worker
  timer_wheel wheel_;
  // Timers in the wheel, readable without the lock: parks and polls skip
  // the wheel entirely when it is empty (the common case on I/O paths).
  sys::atomic<std::size_t> registered_{0};
  std::optional<std::uint64_t> parked_until_;  // ticks; nullopt when nobody parks on time
  bool parked_ = false;
};

}  // namespace weft::rt::detail
