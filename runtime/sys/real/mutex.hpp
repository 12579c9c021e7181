// sys::mutex, real flavour: std::mutex behind the BasicLockable interface, so
// std::lock_guard and std::unique_lock work with it.
#pragma once

#include <mutex>

namespace weft::sys {

class mutex {
 public:
  mutex() = default;
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock() { inner_.lock(); }
  bool try_lock() { return inner_.try_lock(); }
  void unlock() { inner_.unlock(); }

  // For sys::condvar only.
  std::mutex& native() noexcept { return inner_; }

 private:
  std::mutex inner_;
};

}  // namespace weft::sys
