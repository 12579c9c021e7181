// rt::select and rt::join_all: wait for the first of several operations, or
// for all of them, inside one task.
//
//   auto r = co_await rt::select(rx.recv(), rt::sleep(1s), fetch(url));
//   switch (r.index()) {
//     case 0: use(std::get<0>(r)); break;   // a message came first
//     case 1: break;                        // one second passed
//     case 2: use(std::get<2>(r)); break;   // fetch() finished first
//   }
//
//   std::vector<int> all = co_await rt::join_all(std::move(tasks));
//
// A branch is a weft task (run inline, in this task, like an awaited task),
// a leaf future, or anything whose operator co_await gives one (a
// join_handle). select polls the branches in the order given — the first
// listed wins a tie, Tokio's `biased;` — and when one completes, the others
// are cancelled on the spot: task branches' frames are destroyed, leaf
// futures are dropped (which deregisters their wakers and timers). The
// result is a std::variant indexed like the branches (std::monostate for a
// void branch). An exception in the winning branch is rethrown from the
// co_await.
//
// join_all runs every task to completion and returns their results in
// order; if any threw, it rethrows the first (by position) after all ended.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/context.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/task.hpp"

namespace weft::rt {
namespace detail {

// The task this thread is polling (a branch runs inside it).
inline task_header* polling_task() noexcept {
  const context* cx = current_context::get();
  return cx != nullptr ? cx->current : nullptr;
}

// A branch that is a task: its frames run with their own poll slot.
template <class T>
class task_branch {
 public:
  using value_type = T;

  explicit task_branch(task<T>&& t) : frame_(t.release()) {
    if (!frame_) throw usage_error("weft: an empty rt::task given to select/join_all");
  }
  task_branch(task_branch&& other) noexcept
      : frame_(std::exchange(other.frame_, nullptr)), slot_(other.slot_), started_(other.started_) {
    WEFT_ASSERT(!started_, "a select branch cannot move once started");
  }
  task_branch& operator=(task_branch&&) = delete;
  ~task_branch() { cancel(); }

  // On behalf of the polling task `owner`: true once the branch finished.
  bool poll(task_header* owner) noexcept {
    if (done_) return true;
    if (!started_) {
      task_promise<T>& p = frame_.promise();
      p.owner = owner;
      p.slot = &slot_;
      p.continuation = std::noop_coroutine();  // returns here when done
      slot_.leaf = frame_;
      started_ = true;
    }
    if (slot_.pending != nullptr) {
      if (!harness::poll_leaf(owner, *slot_.pending)) return false;
      slot_.pending = nullptr;
    }
    slot_.leaf.resume();
    if (frame_.done()) {
      done_ = true;
      return true;
    }
    WEFT_ASSERT(slot_.pending != nullptr, "a select branch suspended without a leaf future");
    return false;
  }
  T take() { return frame_.promise().take(); }
  void cancel() noexcept {
    if (frame_) std::exchange(frame_, nullptr).destroy();
  }

 private:
  std::coroutine_handle<task_promise<T>> frame_;
  poll_slot slot_;
  bool started_ = false;
  bool done_ = false;
};

// A branch that is a leaf future (held by value, or by reference for an
// lvalue the caller keeps).
template <class L>
class leaf_branch {
 public:
  using leaf_type = std::remove_reference_t<L>;
  using value_type = decltype(std::declval<leaf_type&>().await_resume());

  explicit leaf_branch(L&& leaf) : leaf_(std::forward<L>(leaf)) {}
  bool poll(task_header* owner) noexcept { return harness::poll_leaf(owner, leaf_); }
  decltype(auto) take() { return leaf_.await_resume(); }
  void cancel() noexcept {}  // dropped with the select

 private:
  L leaf_;
};

template <class A>
auto make_branch(A&& a) {
  using plain = std::remove_cvref_t<A>;
  if constexpr (is_task<plain>::value) {
    static_assert(std::is_rvalue_reference_v<A&&>, "pass tasks to select by value (std::move)");
    return task_branch<typename plain::value_type>(std::move(a));
  } else if constexpr (has_member_co_await<A>) {
    using leaf = std::remove_cvref_t<decltype(std::forward<A>(a).operator co_await())>;
    return leaf_branch<leaf>(std::forward<A>(a).operator co_await());
  } else if constexpr (leaf_like<A>) {
    if constexpr (std::is_lvalue_reference_v<A>) {
      return leaf_branch<plain&>(a);
    } else {
      return leaf_branch<plain>(std::move(a));
    }
  } else {
    static_assert(always_false<A>, "a select branch must be a weft task or an rt::leaf_future");
  }
}

template <class T>
using stored_t = std::conditional_t<std::is_void_v<T>, std::monostate, std::remove_cvref_t<T>>;

template <class... B>
class select_future final : public leaf_future {
 public:
  using result_type = std::variant<stored_t<typename B::value_type>...>;

  // Completing the select spends no budget of its own: its branches do.
  explicit select_future(B&&... branches)
      : leaf_future(/*cooperative=*/false), branches_(std::move(branches)...) {}

  bool poll(const waker&) noexcept override {
    task_header* owner = polling_task();
    WEFT_ASSERT(owner != nullptr, "select polled outside a task");
    return poll_from<0>(owner);
  }

  result_type await_resume() {
    WEFT_ASSERT(winner_ < sizeof...(B), "select resumed without a winner");
    cancel_losers(std::index_sequence_for<B...>{});
    return take_winner<0>();
  }

 private:
  template <std::size_t I>
  bool poll_from(task_header* owner) noexcept {
    if constexpr (I == sizeof...(B)) {
      return false;
    } else {
      if (std::get<I>(branches_).poll(owner)) {
        winner_ = I;
        return true;
      }
      return poll_from<I + 1>(owner);
    }
  }

  template <std::size_t... I>
  void cancel_losers(std::index_sequence<I...>) noexcept {
    ((I != winner_ ? std::get<I>(branches_).cancel() : void()), ...);
  }

  template <std::size_t I>
  result_type take_winner() {
    if constexpr (I + 1 == sizeof...(B)) {
      return take_one<I>();
    } else {
      return I == winner_ ? take_one<I>() : take_winner<I + 1>();
    }
  }

  template <std::size_t I>
  result_type take_one() {
    auto& branch = std::get<I>(branches_);
    if constexpr (std::is_void_v<typename std::tuple_element_t<I, std::tuple<B...>>::value_type>) {
      branch.take();
      return result_type(std::in_place_index<I>);
    } else {
      return result_type(std::in_place_index<I>, branch.take());
    }
  }

  std::tuple<B...> branches_;
  std::size_t winner_ = sizeof...(B);
};

template <class T>
class join_all_future final : public leaf_future {
 public:
  explicit join_all_future(std::vector<task<T>> tasks) : leaf_future(/*cooperative=*/false) {
    branches_.reserve(tasks.size());
    for (task<T>& t : tasks) branches_.emplace_back(std::move(t));
  }

  bool poll(const waker&) noexcept override {
    task_header* owner = polling_task();
    WEFT_ASSERT(owner != nullptr, "join_all polled outside a task");
    bool all = true;
    for (task_branch<T>& b : branches_) {
      if (!b.poll(owner)) all = false;
    }
    return all;
  }

  auto await_resume() {
    if constexpr (std::is_void_v<T>) {
      std::exception_ptr first;
      for (task_branch<T>& b : branches_) {
        try {
          b.take();
        } catch (...) {
          if (!first) first = std::current_exception();
        }
      }
      if (first) std::rethrow_exception(first);
    } else {
      std::vector<T> out;
      out.reserve(branches_.size());
      std::exception_ptr first;
      for (task_branch<T>& b : branches_) {
        try {
          out.push_back(b.take());
        } catch (...) {
          if (!first) first = std::current_exception();
        }
      }
      if (first) std::rethrow_exception(first);
      return out;
    }
  }

 private:
  std::vector<task_branch<T>> branches_;
};

}  // namespace detail

template <class... A>
auto select(A&&... branches) {
  static_assert(sizeof...(A) >= 1, "select needs at least one branch");
  return detail::select_future<decltype(detail::make_branch(std::forward<A>(branches)))...>(
      detail::make_branch(std::forward<A>(branches))...);
}

template <class T>
detail::join_all_future<T> join_all(std::vector<task<T>> tasks) {
  return detail::join_all_future<T>(std::move(tasks));
}

}  // namespace weft::rt
