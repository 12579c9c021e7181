// sys::atomic<T>, sim flavour: every operation is a scheduling point of the
// deterministic world, so the explorer can interleave simulated threads
// between any two atomic operations.
//
// Simulated threads share one OS thread and run one at a time, so the value
// itself is plain memory: each operation is atomic by construction and the
// world is sequentially consistent. (Weaker orders are recorded for the race
// detector, not simulated.)
#pragma once

#include <atomic>
#include <type_traits>

#include "sim/core/sync.hpp"

namespace weft::sys {

template <class T>
class atomic {
  static_assert(std::is_trivially_copyable_v<T>, "sys::atomic<T> needs a trivially copyable T");

 public:
  constexpr atomic() noexcept : value_{} {}
  constexpr explicit atomic(T initial) noexcept : value_(initial) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order) const {
    step();
    return value_;
  }
  void store(T desired, std::memory_order) {
    step();
    value_ = desired;
  }
  T exchange(T desired, std::memory_order) {
    step();
    T prev = value_;
    value_ = desired;
    return prev;
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    return compare_exchange_strong(expected, desired, success, failure);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order, std::memory_order) {
    step();
    if (value_ == expected) {
      value_ = desired;
      return true;
    }
    expected = value_;
    return false;
  }
  T fetch_add(T delta, std::memory_order) requires std::is_integral_v<T> { return rmw([&](T v) { return static_cast<T>(v + delta); }); }
  T fetch_sub(T delta, std::memory_order) requires std::is_integral_v<T> { return rmw([&](T v) { return static_cast<T>(v - delta); }); }
  T fetch_or(T bits, std::memory_order) requires std::is_integral_v<T> { return rmw([&](T v) { return static_cast<T>(v | bits); }); }
  T fetch_and(T bits, std::memory_order) requires std::is_integral_v<T> { return rmw([&](T v) { return static_cast<T>(v & bits); }); }
  T fetch_xor(T bits, std::memory_order) requires std::is_integral_v<T> { return rmw([&](T v) { return static_cast<T>(v ^ bits); }); }

  // Only the writer reads this way; no other thread can change the value
  // in between, so it is not a scheduling point.
  T unsync_load() const noexcept { return value_; }

 private:
  static void step() { sim::this_world().operation(); }
  template <class Fn>
  T rmw(Fn fn) {
    step();
    T prev = value_;
    value_ = fn(prev);
    return prev;
  }

  T value_;
};

}  // namespace weft::sys
