// rt::task<T>: a lazy coroutine, the unit of async work in weft.
//
// A task does nothing until it is awaited or spawned:
//
//   rt::task<int> answer() { co_return 42; }
//   rt::task<> caller() {
//     int v = co_await answer();            // runs answer() inline, here
//     auto h = rt::spawn(answer());         // runs it as its own task
//     int w = co_await h;                   // waits for that task
//   }
//
// Awaiting a task runs it inline on the awaiting coroutine's thread, as a
// call: nested awaits cost stack like nested calls. If the child finishes
// without suspending, the awaiting coroutine simply goes on, so a loop of
// awaits that complete at once uses no stack in any build (symmetric
// transfer alone would rely on the compiler making it a tail call, which
// GCC does only when optimising, and not under the sanitizers). A child
// that suspends is resumed later by the scheduler and, when it completes,
// transfers back to its parent. An exception
// that escapes a task propagates to whoever awaits it: the awaiting frame,
// or, for a spawned task, the join_handle.
//
// Inside a task, co_await accepts only weft tasks, leaf futures and types
// whose operator co_await() yields a leaf future (runtime/task/leaf_future.hpp
// says why). The promise's await_transform enforces that and records each
// suspension in the task's poll slot, which is how the scheduler knows what
// to poll and which frame to resume.
#pragma once

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/task/error.hpp"
#include "runtime/task/frame_alloc.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

template <class T = void>
class task;

namespace detail {

// Polls `leaf` as the first poll of a co_await in the task `owner`, applying
// the cooperative budget. Returns true if the leaf is ready; otherwise
// records `frame` and `leaf` in `slot` so the scheduler polls it later.
// Defined in runtime/task/harness.cpp.
bool await_leaf(task_header* owner, poll_slot* slot, std::coroutine_handle<> frame,
                leaf_future& leaf);

[[noreturn]] void throw_outside_task();
void mark_root_failed(task_header* t) noexcept;

template <class T>
struct is_task : std::false_type {};
template <class T>
struct is_task<task<T>> : std::true_type {};

template <class A>
concept has_member_co_await = requires(A&& a) { std::forward<A>(a).operator co_await(); };

template <class A>
concept leaf_like = std::derived_from<std::remove_cvref_t<A>, leaf_future>;

template <class>
inline constexpr bool always_false = false;

struct promise_base;

// Wraps a leaf future for one co_await. Holds it by value when it was a
// temporary (so it lives in the awaiting frame) and by reference otherwise.
template <class L>
struct leaf_awaiter {
  L leaf;
  promise_base* promise;

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> frame);
  decltype(auto) await_resume() { return leaf.await_resume(); }
};

// Three pointers (24 bytes in every frame). While an awaiting frame's
// await_suspend runs this one inline, `continuation` is the no-op
// coroutine, so finishing returns into that await_suspend (which sees the
// frame done()); once this frame suspends on a leaf, it becomes the
// awaiting frame.
struct promise_base {
  std::coroutine_handle<> continuation;  // the frame awaiting this one; null at a task's root
  task_header* owner = nullptr;          // the spawned task this frame runs in
  poll_slot* slot = nullptr;             // where this chain records its suspension

  // Records on the task that its root frame failed (for trace outcomes).
  void note_failure() const noexcept {
    if (continuation == nullptr && owner != nullptr) {
      mark_root_failed(owner);
    }
  }

  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> frame) const noexcept {
      promise_base& p = frame.promise();
      std::coroutine_handle<> next = p.continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() const noexcept { return {}; }

  template <class A>
  auto await_transform(A&& awaitable) {
    using plain = std::remove_cvref_t<A>;
    if constexpr (is_task<plain>::value) {
      static_assert(std::is_rvalue_reference_v<A&&>,
                    "co_await a task by value: co_await make_task() or co_await std::move(t)");
      return typename plain::awaiter(std::move(awaitable), this);
    } else if constexpr (has_member_co_await<A>) {
      using inner = decltype(std::forward<A>(awaitable).operator co_await());
      static_assert(leaf_like<inner>, "operator co_await() must return an rt::leaf_future");
      return leaf_awaiter<std::remove_cvref_t<inner>>{std::forward<A>(awaitable).operator co_await(),
                                                      this};
    } else if constexpr (leaf_like<A>) {
      if constexpr (std::is_lvalue_reference_v<A>) {
        return leaf_awaiter<plain&>{awaitable, this};
      } else {
        return leaf_awaiter<plain>{std::move(awaitable), this};
      }
    } else {
      static_assert(always_false<A>,
                    "weft tasks can co_await weft tasks and rt::leaf_future types only "
                    "(see runtime/task/leaf_future.hpp)");
    }
  }
};

template <class L>
bool leaf_awaiter<L>::await_suspend(std::coroutine_handle<> frame) {
  if (promise->owner == nullptr) {
    throw_outside_task();
  }
  // Suspend (true) unless the leaf is ready on this first poll.
  return !await_leaf(promise->owner, promise->slot, frame, leaf);
}

template <class T>
struct task_promise final : promise_base {
  static_assert(!std::is_reference_v<T>, "rt::task<T&> is not supported; return a pointer");
  using layout = frame_layout<T>;

  // The frame lives in a block with room for a task cell and the result
  // (runtime/task/frame_alloc.hpp).
  static void* operator new(std::size_t size) { return layout::allocate(size); }
  static void operator delete(void* frame) noexcept { layout::free(frame); }

  task<T> get_return_object() noexcept;
  template <class U>
    requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) {
    result().v.template emplace<1>(std::forward<U>(value));
  }
  void unhandled_exception() noexcept {
    result().v.template emplace<2>(std::current_exception());
    note_failure();
  }

  task_result<T>& result() noexcept {
    return layout::result_of_frame(std::coroutine_handle<task_promise>::from_promise(*this).address());
  }
  T take() { return take_result(result()); }
  static T take_result(task_result<T>& r) {
    if (r.v.index() == 2) {
      std::rethrow_exception(std::get<2>(r.v));
    }
    return std::move(std::get<1>(r.v));
  }
};

template <>
struct task_promise<void> final : promise_base {
  using layout = frame_layout<void>;

  static void* operator new(std::size_t size) { return layout::allocate(size); }
  static void operator delete(void* frame) noexcept { layout::free(frame); }

  task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
  void unhandled_exception() noexcept {
    result().error = std::current_exception();
    note_failure();
  }

  task_result<void>& result() noexcept {
    return layout::result_of_frame(std::coroutine_handle<task_promise>::from_promise(*this).address());
  }
  void take() { take_result(result()); }
  static void take_result(task_result<void>& r) {
    if (r.error) {
      std::rethrow_exception(r.error);
    }
  }
};

}  // namespace detail

template <class T>
class [[nodiscard]] task {
 public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() noexcept = default;
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, nullptr)) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      reset();
      frame_ = std::exchange(other.frame_, nullptr);
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() { reset(); }

  // False for a moved-from or default-constructed task.
  bool valid() const noexcept { return static_cast<bool>(frame_); }

  // Gives up ownership of the coroutine frame (used by spawn).
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(frame_, nullptr); }

  // The awaiter a weft coroutine uses for `co_await some_task`.
  class awaiter {
   public:
    awaiter(task&& t, detail::promise_base* parent) noexcept
        : frame_(std::exchange(t.frame_, nullptr)), parent_(parent) {}
    awaiter(awaiter&& other) noexcept
        : frame_(std::exchange(other.frame_, nullptr)), parent_(other.parent_) {}
    awaiter(const awaiter&) = delete;
    awaiter& operator=(const awaiter&) = delete;
    awaiter& operator=(awaiter&&) = delete;
    ~awaiter() {
      if (frame_) {
        frame_.destroy();
      }
    }

    bool await_ready() const noexcept { return false; }
    // Runs the child inline. True (suspend the awaiting frame) if the child
    // suspended; false (go on at once) if it finished.
    bool await_suspend(std::coroutine_handle<> awaiting) {
      if (!frame_) {
        throw usage_error("weft: co_await on an empty rt::task (moved-from or default-constructed)");
      }
      promise_type& p = frame_.promise();
      p.continuation = std::noop_coroutine();  // finishing inline returns here
      p.owner = parent_->owner;
      p.slot = parent_->slot;
      frame_.resume();
      if (frame_.done()) {
        return false;  // finished inline: go on at once
      }
      // Suspended on a leaf: its completion resumes us. Only this thread
      // runs this task's frames while it is polled, so nothing can resume
      // the child between resume() returning and here.
      p.continuation = awaiting;
      return true;
    }
    T await_resume() { return frame_.promise().take(); }

   private:
    std::coroutine_handle<promise_type> frame_;
    detail::promise_base* parent_;
  };

 private:
  friend promise_type;
  explicit task(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}

  void reset() noexcept {
    if (frame_) {
      std::exchange(frame_, nullptr).destroy();
    }
  }

  std::coroutine_handle<promise_type> frame_;
};

namespace detail {

template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}

inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}

}  // namespace detail
}  // namespace weft::rt
