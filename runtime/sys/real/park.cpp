#include "runtime/sys/real/park.hpp"

#include "runtime/sys/assert.hpp"

namespace weft::sys {

void parker::park() {
  // Fast path: a token is already here.
  std::uint32_t expected = notified;
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return;
  }
  std::unique_lock lock(mutex_);
  expected = empty;
  if (!state_.compare_exchange_strong(expected, parked, std::memory_order_relaxed,
                                      std::memory_order_relaxed)) {
    // unpark() ran between the fast path and the lock.
    WEFT_ASSERT(expected == notified, "parker: only the owner parks");
    state_.exchange(empty, std::memory_order_acquire);
    return;
  }
  for (;;) {
    condvar_.wait(lock);
    expected = notified;
    if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    // Spurious wakeup: still parked.
  }
}

bool parker::park_for(std::chrono::nanoseconds timeout) {
  std::uint32_t expected = notified;
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return true;
  }
  if (timeout <= std::chrono::nanoseconds::zero()) {
    return false;
  }
  std::unique_lock lock(mutex_);
  expected = empty;
  if (!state_.compare_exchange_strong(expected, parked, std::memory_order_relaxed,
                                      std::memory_order_relaxed)) {
    WEFT_ASSERT(expected == notified, "parker: only the owner parks");
    state_.exchange(empty, std::memory_order_acquire);
    return true;
  }
  condvar_.wait_for(lock, timeout);
  // Whatever woke us (token, timeout or spurious), leave the PARKED state.
  const std::uint32_t prev = state_.exchange(empty, std::memory_order_acquire);
  return prev == notified;
}

void parker::unpark() {
  const std::uint32_t prev = state_.exchange(notified, std::memory_order_release);
  if (prev != parked) {
    return;  // EMPTY or NOTIFIED: the owner will see the token without a wakeup.
  }
  // The owner is (about to be) waiting. Taking the lock orders this notify
  // after its wait began, so the notification cannot slip past it.
  { std::lock_guard lock(mutex_); }
  condvar_.notify_one();
}

}  // namespace weft::sys
