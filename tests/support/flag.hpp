// A one-shot flag a test can set from any thread and a weft task can await.
// It exists so runtime tests can create wakes from foreign threads without
// the real sync primitives (runtime/sync). Its lock is a sys::mutex: in the
// sim flavour, copying a waker under it is a scheduling point, and a
// std::mutex held across one would block the only OS thread.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "runtime/sys/mutex.hpp"
#include "runtime/task/leaf_future.hpp"
#include "runtime/task/waker.hpp"

namespace weft::test {

class flag {
 public:
  void set() {
    std::vector<rt::waker> to_wake;
    {
      std::lock_guard lock(mutex_);
      set_ = true;
      to_wake.swap(wakers_);
    }
    for (rt::waker& w : to_wake) std::move(w).wake();
  }
  bool is_set() {
    std::lock_guard lock(mutex_);
    return set_;
  }
  // Number of distinct polls that stored a waker (for spurious-poll tests).
  int registrations() {
    std::lock_guard lock(mutex_);
    return registrations_;
  }

  struct waiter final : rt::leaf_future {
    flag* f;
    explicit waiter(flag* owner) : f(owner) {}
    bool poll(const rt::waker& w) noexcept override {
      std::lock_guard lock(f->mutex_);
      if (f->set_) return true;
      ++f->registrations_;
      f->wakers_.push_back(w);
      return false;
    }
    void await_resume() const noexcept {}
  };
  waiter wait() { return waiter(this); }

 private:
  sys::mutex mutex_;
  bool set_ = false;
  int registrations_ = 0;
  std::vector<rt::waker> wakers_;
};

// Counts live instances: a task holding one proves by the count that its
// frame was destroyed (completed, cancelled or freed at shutdown).
struct live_counter {
  static inline std::atomic<int> alive{0};
  live_counter() { alive.fetch_add(1); }
  live_counter(const live_counter&) { alive.fetch_add(1); }
  ~live_counter() { alive.fetch_sub(1); }
};

}  // namespace weft::test
