// rt::mutex<T>: an async mutex guarding a T, fair (FIFO).
//
//   rt::mutex<std::map<int, int>> table;
//   {
//     auto guard = co_await table.lock();
//     (*guard)[1] = 2;          // other tasks wait, without blocking a thread
//   }                            // unlocked here
//
// Tasks waiting for the lock get it in arrival order. Unlike a std::mutex,
// the guard may be held across co_await. A lock() that is cancelled while
// waiting leaves the queue without taking the lock.
#pragma once

#include <optional>
#include <utility>

#include "runtime/sync/semaphore.hpp"

namespace weft::rt {

template <class T>
class mutex {
 public:
  template <class... Args>
  explicit mutex(Args&&... args) : value_(std::forward<Args>(args)...) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  class guard {
   public:
    guard(guard&&) noexcept = default;
    guard& operator=(guard&&) noexcept = default;
    T& operator*() const noexcept { return owner_->value_; }
    T* operator->() const noexcept { return &owner_->value_; }

   private:
    friend class mutex;
    guard(mutex* owner, semaphore::permit p) noexcept : owner_(owner), permit_(std::move(p)) {}
    mutex* owner_;
    semaphore::permit permit_;
  };

  class lock_future final : public leaf_future {
   public:
    explicit lock_future(mutex* m) noexcept : owner_(m), inner_(m->sem_.acquire()) {}
    bool poll(const waker& w) noexcept override { return inner_.poll(w); }
    guard await_resume() { return guard(owner_, std::move(inner_.await_resume().value())); }

   private:
    mutex* owner_;
    semaphore::acquire_future inner_;
  };

  lock_future lock() noexcept { return lock_future(this); }

  std::optional<guard> try_lock() {
    auto p = sem_.try_acquire();
    if (!p) return std::nullopt;
    return guard(this, std::move(*p));
  }

 private:
  semaphore sem_{1};
  T value_;
};

}  // namespace weft::rt
