#include "runtime/driver.hpp"

#include <algorithm>

#include "runtime/sys/assert.hpp"

namespace weft::rt::detail {

driver::driver(sys::clock::time_point start, std::unique_ptr<io::reactor> reactor)
    : time_(start, *this), reactor_(std::move(reactor)) {
  WEFT_ASSERT(reactor_ != nullptr, "a driver needs a reactor");
}

bool driver::try_lock() noexcept {
  bool expected = false;
  return locked_.compare_exchange_strong(expected, true, std::memory_order_acquire,
                                         std::memory_order_relaxed);
}

void driver::unlock() noexcept {
  WEFT_ASSERT(locked_.unsync_load(), "driver unlocked by a thread that does not hold it");
  locked_.store(false, std::memory_order_release);
}

void driver::park(std::optional<std::chrono::nanoseconds> timeout) {
  using std::chrono::nanoseconds;
  if (timeout && *timeout <= nanoseconds::zero()) {
    reactor_->poll(nanoseconds::zero());  // dispatch ready I/O, do not sleep
    time_.process(sys::clock::now());
    return;
  }
  // Announce the park and learn the next deadline under one lock, so a
  // timer registered from now on for earlier than that unparks us.
  const std::optional<sys::clock::time_point> next = time_.enter_park();
  std::optional<nanoseconds> wait = timeout;
  if (next) {
    const nanoseconds to_timer = std::max(nanoseconds::zero(), *next - sys::clock::now());
    if (!wait || to_timer < *wait) wait = to_timer;
  }
  reactor_->poll(wait);
  time_.leave_park();
  time_.process(sys::clock::now());
}

}  // namespace weft::rt::detail
