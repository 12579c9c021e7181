// rt::waker: a handle that schedules a task (or unblocks a thread) when the
// thing it waits for happens.
//
// A waker is what a leaf future stores while its task is suspended: a timer
// entry, a channel's waiter list and a join_handle each keep one, and call
// wake() when progress is possible. Wakers are copyable and thread-safe; a
// task waker keeps its task's cell alive (one reference each), so waking a
// task that has since completed is harmless, as are duplicate wakes.
//
// Under the hood a waker is a pointer plus a table of four functions, so the
// same type can wake a task on any scheduler or a plain thread blocked in
// block_on (see make_waker below for writing your own).
//
//   rt::waker w = ...;        // kept by whoever will signal
//   w.wake_by_ref();          // schedule the task; `w` stays usable
//   std::move(w).wake();      // schedule it and give up this handle
#pragma once

#include <utility>

namespace weft::rt {

// The four operations a waker delegates to. `data` is whatever make_waker
// was given. clone() must return data for a new, independent handle (taking
// a reference, typically); wake() consumes the handle; drop() releases it.
struct waker_vtable {
  void* (*clone)(void* data) noexcept;
  void (*wake)(void* data) noexcept;
  void (*wake_by_ref)(void* data) noexcept;
  void (*drop)(void* data) noexcept;
};

class waker {
 public:
  // An empty waker; waking it does nothing.
  waker() noexcept = default;
  // Adopts one handle's worth of `data` (no clone() is called).
  waker(const waker_vtable* vtable, void* data) noexcept : vtable_(vtable), data_(data) {}

  waker(const waker& other) noexcept
      : vtable_(other.vtable_), data_(other.vtable_ ? other.vtable_->clone(other.data_) : nullptr) {}
  waker(waker&& other) noexcept
      : vtable_(std::exchange(other.vtable_, nullptr)), data_(std::exchange(other.data_, nullptr)) {}
  waker& operator=(const waker& other) noexcept {
    if (this != &other) {
      waker copy(other);
      swap(copy);
    }
    return *this;
  }
  waker& operator=(waker&& other) noexcept {
    if (this != &other) {
      reset();
      vtable_ = std::exchange(other.vtable_, nullptr);
      data_ = std::exchange(other.data_, nullptr);
    }
    return *this;
  }
  ~waker() { reset(); }

  // Wakes the target and consumes this handle (it becomes empty).
  void wake() && noexcept {
    if (vtable_ != nullptr) {
      const waker_vtable* vt = std::exchange(vtable_, nullptr);
      vt->wake(std::exchange(data_, nullptr));
    }
  }
  // Wakes the target; this handle stays valid.
  void wake_by_ref() const noexcept {
    if (vtable_ != nullptr) {
      vtable_->wake_by_ref(data_);
    }
  }
  // True if both wake the same target: a leaf future can then keep the waker
  // it already stored instead of swapping in a copy.
  bool will_wake(const waker& other) const noexcept {
    return vtable_ == other.vtable_ && data_ == other.data_;
  }
  bool empty() const noexcept { return vtable_ == nullptr; }
  explicit operator bool() const noexcept { return vtable_ != nullptr; }

  void reset() noexcept {
    if (vtable_ != nullptr) {
      std::exchange(vtable_, nullptr)->drop(std::exchange(data_, nullptr));
    }
  }
  void swap(waker& other) noexcept {
    std::swap(vtable_, other.vtable_);
    std::swap(data_, other.data_);
  }

  const waker_vtable* vtable() const noexcept { return vtable_; }
  void* data() const noexcept { return data_; }

 private:
  friend class waker_ref;
  // Empties the handle without releasing what it refers to.
  void forget() noexcept {
    vtable_ = nullptr;
    data_ = nullptr;
  }

  const waker_vtable* vtable_ = nullptr;
  void* data_ = nullptr;
};

// A waker borrowed for the duration of a call: it wakes `data` without
// owning a handle, so making one costs nothing. The runtime passes one to
// each leaf future's poll(); a future that wants to keep it copies it.
class waker_ref {
 public:
  waker_ref(const waker_vtable* vtable, void* data) noexcept : inner_(vtable, data) {}
  waker_ref(const waker_ref&) = delete;
  waker_ref& operator=(const waker_ref&) = delete;
  ~waker_ref() { inner_.forget(); }

  operator const waker&() const noexcept { return inner_; }
  const waker& get() const noexcept { return inner_; }

 private:
  waker inner_;
};

}  // namespace weft::rt
