// sys::condvar, real flavour: std::condition_variable waiting on a sys::mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "runtime/sys/real/mutex.hpp"

namespace weft::sys {

class condvar {
 public:
  condvar() = default;
  condvar(const condvar&) = delete;
  condvar& operator=(const condvar&) = delete;

  // Waits until notified or spuriously woken; `lock` is held again on return.
  void wait(std::unique_lock<mutex>& lock) {
    std::unique_lock<std::mutex> native(lock.mutex()->native(), std::adopt_lock);
    inner_.wait(native);
    native.release();
  }

  // As wait(), but gives up after `timeout`. Returns false on timeout.
  bool wait_for(std::unique_lock<mutex>& lock, std::chrono::nanoseconds timeout) {
    std::unique_lock<std::mutex> native(lock.mutex()->native(), std::adopt_lock);
    const auto status = inner_.wait_for(native, timeout);
    native.release();
    return status == std::cv_status::no_timeout;
  }

  void notify_one() noexcept { inner_.notify_one(); }
  void notify_all() noexcept { inner_.notify_all(); }

 private:
  std::condition_variable inner_;
};

}  // namespace weft::sys
