// rt::join_handle<T>: the spawner's handle on a spawned task.
//
//   rt::join_handle<int> h = rt::spawn(compute());
//   h.is_finished();          // has it completed (in any way)?
//   h.abort();                // cancel it at its next suspension point
//   int v = co_await h;       // its value; rethrows its exception;
//                             // throws rt::cancelled_error if it was cancelled
//
// Dropping the handle detaches the task: it keeps running and its output is
// discarded. A handle can be awaited once; awaiting it again (or awaiting a
// moved-from handle) throws rt::usage_error.
#pragma once

#include <coroutine>
#include <new>
#include <utility>

#include "runtime/coop.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"
#include "runtime/task/task.hpp"

namespace weft::rt {

template <class T>
class join_handle;
class runtime;

namespace detail {

// Binds `t` to scheduler `s` and queues it. Defined below.
template <class T>
join_handle<T> spawn_on(scheduler* s, task<T> t);

// Takes the output of completed task `t` (the caller holds join interest):
// the value, or rethrows its exception, or throws cancelled_error.
template <class T>
T take_output(task_header* t) {
  if (t->output_stage.get() == stage::cancelled) {
    throw cancelled_error(t->id);
  }
  WEFT_ASSERT(t->output_stage.get() == stage::finished, "join output taken twice");
  struct drop_after {
    task_header* t;
    ~drop_after() { harness::drop_output(t); }
  } guard{t};
  return task_promise<T>::take_result(frame_layout<T>::result_of_cell(t));
}

}  // namespace detail

template <class T>
class [[nodiscard("dropping a join_handle detaches the task")]] join_handle {
 public:
  join_handle() noexcept = default;
  join_handle(join_handle&& other) noexcept : cell_(std::exchange(other.cell_, nullptr)) {}
  join_handle& operator=(join_handle&& other) noexcept {
    if (this != &other) {
      reset();
      cell_ = std::exchange(other.cell_, nullptr);
    }
    return *this;
  }
  join_handle(const join_handle&) = delete;
  join_handle& operator=(const join_handle&) = delete;
  ~join_handle() { reset(); }

  // Asks the task to stop at its next suspension point. Its join then
  // throws cancelled_error, unless it completed first. Idempotent.
  void abort() const noexcept {
    if (cell_ != nullptr) {
      detail::harness::abort(cell_);
    }
  }
  // True once the task has completed: returned, thrown or been cancelled.
  bool is_finished() const noexcept {
    return cell_ != nullptr && cell_->state.load().is_complete();
  }
  // The task's id (1, 2, ... in spawn order within its runtime); 0 if empty.
  std::uint64_t id() const noexcept { return cell_ != nullptr ? cell_->id : 0; }
  // False once awaited, moved from or detached.
  bool valid() const noexcept { return cell_ != nullptr; }
  // Drops the handle; the task keeps running.
  void detach() noexcept { reset(); }

  // The leaf future of `co_await handle`.
  class join_future final : public leaf_future {
   public:
    explicit join_future(join_handle* h) noexcept : handle_(h) {}
    bool poll(const waker& w) noexcept override {
      return detail::harness::poll_join(handle_->cell_, w);
    }
    T await_resume() {
      detail::task_header* t = std::exchange(handle_->cell_, nullptr);
      struct release_after {
        detail::task_header* t;
        ~release_after() { detail::harness::drop_join_handle(t); }
      } guard{t};
      return detail::take_output<T>(t);
    }

   private:
    join_handle* handle_;
  };

  join_future operator co_await() & {
    if (cell_ == nullptr) {
      throw usage_error(
          "weft: co_await on a join_handle that was already awaited, moved from or detached");
    }
    return join_future(this);
  }
  join_future operator co_await() && { return static_cast<join_handle&>(*this).operator co_await(); }

  // Blocking wait for code outside any runtime (tests, main). Not for use
  // on a worker: it would block the worker. Defined in runtime/runtime.hpp.
  T wait();

 private:
  template <class U>
  friend join_handle<U> detail::spawn_on(detail::scheduler*, task<U>);
  friend class runtime;  // block_on waits on the root task's cell
  explicit join_handle(detail::task_header* cell) noexcept : cell_(cell) {}

  void reset() noexcept {
    if (cell_ != nullptr) {
      detail::harness::drop_join_handle(std::exchange(cell_, nullptr));
    }
  }

  detail::task_header* cell_ = nullptr;
};

namespace detail {

// Non-template part of spawning: wires the cell and hands it to `s`.
void spawn_cell(scheduler* s, task_header* cell);

template <class T>
join_handle<T> spawn_on(scheduler* s, task<T> t) {
  if (!t.valid()) {
    throw usage_error("weft: spawn of an empty rt::task (moved-from or default-constructed)");
  }
  auto frame = t.release();
  using layout = frame_layout<T>;
  auto* cell = ::new (layout::cell_storage(frame.address())) task_header(s, frame);
  layout::adopt(frame.address());
  cell->destroy_result = &layout::destroy_result;
  frame.promise().owner = cell;
  frame.promise().slot = cell->slot.with_mut([](poll_slot& slot) { return &slot; });
  spawn_cell(s, cell);
  return join_handle<T>(cell);
}

}  // namespace detail
}  // namespace weft::rt

#include "runtime/task/thread_waker.hpp"

namespace weft::rt {

template <class T>
T join_handle<T>::wait() {
  join_future f = operator co_await();
  detail::block_until_ready(f);
  return f.await_resume();
}

}  // namespace weft::rt
