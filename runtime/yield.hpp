// rt::yield_now(): let other tasks run, then continue.
//
//   for (;;) { do_a_slice_of_work(); co_await rt::yield_now(); }
//
// The task is queued behind the work already waiting on its worker (never in
// the LIFO slot), so a loop of yields cannot starve anyone. Unlike Tokio's
// yield_now, it does not first poll the I/O driver; weft's workers poll the
// driver every event_interval ticks and whenever they run out of work.
#pragma once

#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

class yield_future final : public leaf_future {
 public:
  // Yielding is how a task gives its budget back, so it spends none.
  yield_future() noexcept : leaf_future(/*cooperative=*/false) {}

  bool poll(const waker& w) noexcept override {
    if (yielded_) {
      return true;
    }
    yielded_ = true;
    // Woken during its own poll: the scheduler requeues the task at the
    // back once this poll ends.
    w.wake_by_ref();
    return false;
  }
  void await_resume() const noexcept {}

 private:
  bool yielded_ = false;
};

inline yield_future yield_now() noexcept { return yield_future(); }

}  // namespace weft::rt
