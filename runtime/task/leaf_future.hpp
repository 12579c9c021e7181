// rt::leaf_future: the one way a weft task waits for something.
//
// A weft task is a chain of coroutine frames (a task awaiting a task ...).
// The innermost frame suspends only on a *leaf future*: an object that can
// answer "has the thing I wait for happened?" and, if not, arrange a wakeup.
// That is Tokio's poll model, and it is why spurious and stale wakes are
// harmless here: when the task is polled, the runtime first polls its leaf,
// and resumes the coroutine only if the leaf says it is ready.
//
// To make your own awaitable, derive from leaf_future and give the type an
// await_resume():
//
//   struct flag_set final : rt::leaf_future {
//     my_flag* flag;
//     bool poll(const rt::waker& w) noexcept override {
//       if (flag->is_set()) return true;
//       flag->register_waker(w);  // copy it; wake it when the flag is set
//       return false;
//     }
//     void await_resume() {}
//   };
//   co_await flag_set{.flag = &f};
//
// Inside a weft task, `co_await` accepts weft tasks, leaf futures and types
// whose operator co_await() returns a leaf future (join_handle, sleep, ...).
// Anything else is rejected at compile time.
#pragma once

#include <coroutine>

#include "runtime/task/waker.hpp"

namespace weft::rt {

class leaf_future {
 public:
  // Called each time the task is polled while this future is its innermost
  // suspension, and once when it is first awaited. Return true if the
  // awaited event has happened: the coroutine then resumes and calls
  // await_resume(). Otherwise arrange for `w` (or a copy) to be woken when
  // a later poll could return true, and return false. Polls may come with no
  // wake in between (spurious) and wakes with no progress; both are fine.
  virtual bool poll(const waker& w) noexcept = 0;

  // Whether completing this future spends the task's cooperative budget
  // (runtime/coop.hpp). Leaf operations that can be ready many times in a
  // row (channel receive, join) should; yield_now() does not.
  bool cooperative() const noexcept { return cooperative_; }

 protected:
  leaf_future() noexcept = default;
  explicit leaf_future(bool cooperative) noexcept : cooperative_(cooperative) {}
  leaf_future(const leaf_future&) noexcept = default;
  leaf_future& operator=(const leaf_future&) noexcept = default;
  ~leaf_future() = default;

 private:
  bool cooperative_ = true;
};

namespace detail {

// Where a chain of frames records its innermost suspension. A spawned task
// has one; so does each branch of a select.
struct poll_slot {
  std::coroutine_handle<> leaf;      // the frame to resume
  leaf_future* pending = nullptr;    // what it waits for; null once resumed
};

}  // namespace detail
}  // namespace weft::rt
