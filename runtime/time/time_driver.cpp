#include "runtime/time/time_driver.hpp"

#include <array>
#include <mutex>

#include "runtime/driver.hpp"
#include "runtime/sys/assert.hpp"

namespace weft::rt::detail {

std::uint64_t time_driver::deadline_tick(clock::time_point deadline) const noexcept {
  if (deadline <= start_) return 0;
  const auto since = deadline - start_;
  const auto ticks = (since.count() + tick_ns() - 1) / tick_ns();  // round up
  return static_cast<std::uint64_t>(ticks);
}

std::uint64_t time_driver::now_tick(clock::time_point now) const noexcept {
  if (now <= start_) return 0;
  return static_cast<std::uint64_t>((now - start_).count() / tick_ns());  // round down
}

bool time_driver::poll_timer(timer_state& t, clock::time_point deadline, const waker& w) {
  bool unpark_driver = false;
  {
    std::lock_guard lock(mutex_);
    if (t.fired) {
      return true;
    }
    if (!t.registered) {
      t.registered = true;
      std::uint64_t tick = deadline_tick(deadline);
      // The wheel spans about 2.2 years; longer sleeps end there.
      const std::uint64_t limit = wheel_.elapsed() + timer_wheel::max_span;
      if (tick > limit) tick = limit;
      t.deadline = tick;
      if (!wheel_.insert(&t)) {
        // Already due: the wheel has processed time up to this tick, and
        // the wheel never runs ahead of the clock.
        t.fired = true;
        return true;
      }
      registered_.store(wheel_.size(), std::memory_order_release);
      unpark_driver = parked_ && (!parked_until_ || tick < *parked_until_);
    }
    if (!t.on_fire.will_wake(w)) {
      t.on_fire = w;
    }
  }
  if (unpark_driver) {
    owner_.unpark();
  }
  return false;
}

void time_driver::cancel(timer_state& t) noexcept {
  std::lock_guard lock(mutex_);
  // In a slot, or due and waiting for the next batch of process(): either
  // way the wheel must forget it before the timer's memory goes.
  if (t.in_wheel()) {
    wheel_.remove(&t);
    registered_.store(wheel_.size(), std::memory_order_release);
  }
  t.on_fire.reset();
}

void time_driver::reset(timer_state& t) noexcept {
  std::lock_guard lock(mutex_);
  if (t.in_wheel()) {
    wheel_.remove(&t);
    registered_.store(wheel_.size(), std::memory_order_release);
  }
  t.registered = false;
  t.fired = false;
}

std::size_t time_driver::process(clock::time_point now) {
  if (registered_.load(std::memory_order_acquire) == 0) {
    return 0;  // nothing in the wheel: no lock
  }
  std::size_t fired = 0;
  const std::uint64_t now_t = now_tick(now);
  for (;;) {
    // Wake outside the lock, a batch at a time.
    std::array<waker, 32> batch;
    std::size_t n = 0;
    {
      std::lock_guard lock(mutex_);
      while (n < batch.size()) {
        timer_entry* e = wheel_.poll(now_t);
        if (e == nullptr) break;
        auto* t = static_cast<timer_state*>(e);
        t->fired = true;
        batch[n++] = std::move(t->on_fire);
      }
      registered_.store(wheel_.size(), std::memory_order_release);
    }
    for (std::size_t i = 0; i < n; ++i) std::move(batch[i]).wake();
    fired += n;
    if (n < batch.size()) return fired;
  }
}

std::optional<time_driver::clock::time_point> time_driver::next_deadline() {
  if (registered_.load(std::memory_order_acquire) == 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (const auto tick = wheel_.next_expiration()) {
    return tick_time(*tick);
  }
  return std::nullopt;
}

std::optional<time_driver::clock::time_point> time_driver::enter_park() {
  std::lock_guard lock(mutex_);
  parked_ = true;
  parked_until_ = wheel_.next_expiration();
  if (parked_until_) return tick_time(*parked_until_);
  return std::nullopt;
}

void time_driver::leave_park() {
  std::lock_guard lock(mutex_);
  parked_ = false;
  parked_until_.reset();
}

std::size_t time_driver::pending() {
  std::lock_guard lock(mutex_);
  return wheel_.size();
}

}  // namespace weft::rt::detail
