// sys::atomic<T>, real flavour: a zero-cost wrapper over std::atomic<T>.
//
// The interface is the subset the runtime uses, and every operation names its
// memory order explicitly. The sim flavour implements the same interface with
// each call a scheduling point (runtime/sys/sim/atomic.hpp).
#pragma once

#include <atomic>
#include <type_traits>

namespace weft::sys {

template <class T>
class atomic {
  static_assert(std::is_trivially_copyable_v<T>, "sys::atomic<T> needs a trivially copyable T");

 public:
  constexpr atomic() noexcept : value_{} {}
  constexpr explicit atomic(T initial) noexcept : value_(initial) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order order) const noexcept { return value_.load(order); }
  void store(T desired, std::memory_order order) noexcept { value_.store(desired, order); }
  T exchange(T desired, std::memory_order order) noexcept {
    return value_.exchange(desired, order);
  }

  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) noexcept {
    return value_.compare_exchange_weak(expected, desired, success, failure);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure) noexcept {
    return value_.compare_exchange_strong(expected, desired, success, failure);
  }

  T fetch_add(T delta, std::memory_order order) noexcept
    requires std::is_integral_v<T>
  {
    return value_.fetch_add(delta, order);
  }
  T fetch_sub(T delta, std::memory_order order) noexcept
    requires std::is_integral_v<T>
  {
    return value_.fetch_sub(delta, order);
  }
  T fetch_or(T bits, std::memory_order order) noexcept
    requires std::is_integral_v<T>
  {
    return value_.fetch_or(bits, order);
  }
  T fetch_and(T bits, std::memory_order order) noexcept
    requires std::is_integral_v<T>
  {
    return value_.fetch_and(bits, order);
  }
  T fetch_xor(T bits, std::memory_order order) noexcept
    requires std::is_integral_v<T>
  {
    return value_.fetch_xor(bits, order);
  }

  // A read by the only thread that ever writes this atomic (a queue's owner
  // reading its own tail). It needs no ordering; the sim flavour does not
  // make it a scheduling point because no other thread can change the value.
  T unsync_load() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<T> value_;
};

// std::atomic_thread_fence; the sim flavour models it (runtime/sys/sim/atomic.hpp).
inline void atomic_thread_fence(std::memory_order order) noexcept { std::atomic_thread_fence(order); }

}  // namespace weft::sys
