// sys::condvar, real flavour: a futex condition variable over sys::mutex.
//
// A sequence number counts notifications. wait() reads it, releases the
// mutex, and sleeps only while the number is unchanged, so a notify between
// the unlock and the sleep is never lost. Waking re-takes the mutex marked
// contended (other waiters may be queued behind it). Spurious wakeups are
// possible, as with any condition variable: callers re-check.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "runtime/sys/real/mutex.hpp"

namespace weft::sys {

class condvar {
 public:
  condvar() = default;
  condvar(const condvar&) = delete;
  condvar& operator=(const condvar&) = delete;

  void wait(std::unique_lock<mutex>& lock);
  // Returns false on timeout.
  bool wait_for(std::unique_lock<mutex>& lock, std::chrono::nanoseconds timeout);
  void notify_one() noexcept;
  void notify_all() noexcept;

 private:
  std::atomic<std::uint32_t> seq_{0};
  std::atomic<std::uint32_t> waiters_{0};  // notify skips the system call when 0
};

}  // namespace weft::sys
