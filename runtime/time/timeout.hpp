// rt::timeout: an operation with a time limit.
//
//   auto r = co_await rt::timeout(std::chrono::seconds(2), stream.read(buf));
//   if (r.elapsed()) { ... }          // two seconds passed first
//   std::size_t n = r.value();        // or throws rt::timeout_error
//
// On expiry the inner operation is cancelled on the spot: a task's frames
// are destroyed, a leaf future is dropped (deregistering its wakers). If
// the operation completes first, the timer is removed. Same-tick races go
// to the operation.
#pragma once

#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "runtime/task/select.hpp"
#include "runtime/time/sleep.hpp"

namespace weft::rt {

class timeout_error : public std::runtime_error {
 public:
  timeout_error() : std::runtime_error("weft: operation timed out") {}
};

template <class T>
class [[nodiscard]] timeout_result {
 public:
  timeout_result() = default;  // elapsed
  explicit timeout_result(T value) : value_(std::move(value)) {}

  bool elapsed() const noexcept { return !value_.has_value(); }
  explicit operator bool() const noexcept { return value_.has_value(); }
  T& value() & {
    if (!value_) throw timeout_error();
    return *value_;
  }
  T&& value() && {
    if (!value_) throw timeout_error();
    return std::move(*value_);
  }
  T& operator*() & { return value(); }

 private:
  std::optional<T> value_;
};

template <>
class [[nodiscard]] timeout_result<void> {
 public:
  explicit timeout_result(bool completed = false) : completed_(completed) {}
  bool elapsed() const noexcept { return !completed_; }
  explicit operator bool() const noexcept { return completed_; }
  void value() const {
    if (!completed_) throw timeout_error();
  }

 private:
  bool completed_;
};

namespace detail {

template <class Branch>
class timeout_future final : public leaf_future {
 public:
  using value_type = typename Branch::value_type;

  timeout_future(Branch&& op, sleep_future&& timer)
      : leaf_future(/*cooperative=*/false), inner_(std::move(op), leaf_branch<sleep_future>(std::move(timer))) {}

  bool poll(const waker& w) noexcept override { return inner_.poll(w); }

  timeout_result<value_type> await_resume() {
    auto r = inner_.await_resume();
    if (r.index() == 1) return timeout_result<value_type>();
    if constexpr (std::is_void_v<value_type>) {
      return timeout_result<void>(true);
    } else {
      return timeout_result<value_type>(std::move(std::get<0>(r)));
    }
  }

 private:
  select_future<Branch, leaf_branch<sleep_future>> inner_;
};

}  // namespace detail

template <class A>
auto timeout(clock::duration limit, A&& operation) {
  using branch = decltype(detail::make_branch(std::forward<A>(operation)));
  return detail::timeout_future<branch>(detail::make_branch(std::forward<A>(operation)), sleep(limit));
}

}  // namespace weft::rt
