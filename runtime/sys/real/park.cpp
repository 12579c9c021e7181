#include "runtime/sys/real/park.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/sys/assert.hpp"

namespace weft::sys {
namespace {

static_assert(sizeof(std::atomic<std::int32_t>) == sizeof(std::int32_t));

// Sleeps while *word == expected, for at most `timeout` (null: no limit).
void futex_wait(std::atomic<std::int32_t>* word, std::int32_t expected, const timespec* timeout) {
  syscall(SYS_futex, reinterpret_cast<std::int32_t*>(word), FUTEX_WAIT_PRIVATE, expected, timeout,
          nullptr, 0);
}

void futex_wake_one(std::atomic<std::int32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<std::int32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

}  // namespace

void parker::park() {
  if (state_.fetch_sub(1, std::memory_order_acquire) == notified) {
    return;  // NOTIFIED -> EMPTY: consumed the token
  }
  // EMPTY -> PARKED.
  for (;;) {
    futex_wait(&state_, parked, nullptr);
    std::int32_t expected = notified;
    if (state_.compare_exchange_strong(expected, empty, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
      return;
    }
    WEFT_ASSERT(expected == parked, "parker: only the owner parks");
  }
}

bool parker::park_for(std::chrono::nanoseconds timeout) {
  if (state_.fetch_sub(1, std::memory_order_acquire) == notified) {
    return true;
  }
  if (timeout > std::chrono::nanoseconds::zero()) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(secs.count());
    ts.tv_nsec = static_cast<long>((timeout - secs).count());
    futex_wait(&state_, parked, &ts);
  }
  // Token, timeout or spurious: leave PARKED either way.
  return state_.exchange(empty, std::memory_order_acquire) == notified;
}

void parker::unpark() {
  if (state_.exchange(notified, std::memory_order_release) == parked) {
    futex_wake_one(&state_);
  }
}

}  // namespace weft::sys
