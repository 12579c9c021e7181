#include "runtime/scheduler/park.hpp"

#include <mutex>

#include "runtime/sys/assert.hpp"

namespace weft::rt::detail {

void worker_parker::park(std::optional<std::chrono::nanoseconds> timeout) {
  std::uint32_t expected = notified;
  if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return;
  }
  if (driver_.try_lock()) {
    park_on_driver(timeout);
    driver_.unlock();
  } else {
    park_on_condvar(timeout);
  }
}

void worker_parker::park_on_driver(std::optional<std::chrono::nanoseconds> timeout) {
  std::uint32_t expected = empty;
  if (!state_.compare_exchange_strong(expected, parked_driver, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
    WEFT_ASSERT(expected == notified, "worker parker in an impossible state");
    state_.exchange(empty, std::memory_order_acquire);
    return;
  }
  driver_.park(timeout);
  const std::uint32_t prev = state_.exchange(empty, std::memory_order_acquire);
  WEFT_ASSERT(prev == parked_driver || prev == notified, "worker parker in an impossible state");
}

void worker_parker::park_on_condvar(std::optional<std::chrono::nanoseconds> timeout) {
  std::unique_lock lock(mutex_);
  std::uint32_t expected = empty;
  if (!state_.compare_exchange_strong(expected, parked_condvar, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
    WEFT_ASSERT(expected == notified, "worker parker in an impossible state");
    state_.exchange(empty, std::memory_order_acquire);
    return;
  }
  if (timeout) {
    condvar_.wait_for(lock, *timeout);
    state_.exchange(empty, std::memory_order_acquire);  // notified, timed out or spurious
    return;
  }
  for (;;) {
    condvar_.wait(lock);
    expected = notified;
    if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    // Spurious wakeup: still PARKED_CONDVAR.
  }
}

void worker_parker::unpark() {
  switch (state_.exchange(notified, std::memory_order_acq_rel)) {
    case empty:
    case notified:
      return;
    case parked_condvar: {
      { std::lock_guard lock(mutex_); }
      condvar_.notify_one();
      return;
    }
    case parked_driver:
      driver_.unpark();
      return;
    default:
      WEFT_ASSERT(false, "worker parker in an impossible state");
  }
}

}  // namespace weft::rt::detail
