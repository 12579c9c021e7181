// rt::expected<T, E>: a value or the error that prevented it, for
// operations whose failure is part of normal use (a closed channel, a
// refused connection) and should not need a try block.
//
//   rt::expected<std::size_t, net::io_error> r = co_await stream.read(buf);
//   if (!r) { log(r.error().what()); co_return; }
//   use(*r);
//   std::size_t n = r.value();   // or: throws the error (E must be an exception
//                                // type, or it is wrapped in bad_expected_access)
//
// A subset of C++23's std::expected, which weft's C++20 cannot use yet.
#pragma once

#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace weft::rt {

template <class E>
class unexpected {
 public:
  explicit unexpected(E error) : error_(std::move(error)) {}
  E& error() & noexcept { return error_; }
  E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

class bad_expected_access : public std::logic_error {
 public:
  bad_expected_access() : std::logic_error("weft: value() of an expected that holds an error") {}
};

namespace detail {
template <class E>
[[noreturn]] void throw_error(const E& e) {
  if constexpr (std::is_base_of_v<std::exception, E>) {
    throw e;
  } else {
    throw bad_expected_access();
  }
}
}  // namespace detail

template <class T, class E>
class [[nodiscard]] expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(implicit)
  expected(unexpected<E> u) : v_(std::in_place_index<1>, std::move(u).error()) {}  // NOLINT

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    if (!has_value()) detail::throw_error(std::get<1>(v_));
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!has_value()) detail::throw_error(std::get<1>(v_));
    return std::move(std::get<0>(v_));
  }
  T& operator*() & noexcept { return std::get<0>(v_); }
  T&& operator*() && noexcept { return std::move(std::get<0>(v_)); }
  T* operator->() noexcept { return &std::get<0>(v_); }
  E& error() & noexcept { return std::get<1>(v_); }
  E&& error() && noexcept { return std::move(std::get<1>(v_)); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] expected<void, E> {
 public:
  expected() = default;
  expected(unexpected<E> u) : error_(std::move(u).error()) {}  // NOLINT

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (error_) detail::throw_error(*error_);
  }
  E& error() & noexcept { return *error_; }
  E&& error() && noexcept { return std::move(*error_); }

 private:
  std::optional<E> error_;
};

}  // namespace weft::rt
