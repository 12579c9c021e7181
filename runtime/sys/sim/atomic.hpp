// sys::atomic<T>, sim flavour: every operation is a scheduling point of the
// deterministic world, so the explorer can interleave simulated threads
// between any two atomic operations.
//
// Simulated threads share one OS thread and run one at a time, so the value
// itself is plain memory: each operation is atomic by construction and the
// world is sequentially consistent. The memory orders are not simulated;
// they drive the race detector's happens-before edges (sim/core/race.hpp):
// a release store or RMW read by an acquire load or RMW orders everything
// before the release with everything after the acquire.
#pragma once

#include <atomic>
#include <type_traits>

#include "sim/core/sync.hpp"

namespace weft::sys {

template <class T>
class atomic {
  static_assert(std::is_trivially_copyable_v<T>, "sys::atomic<T> needs a trivially copyable T");

 public:
  atomic() noexcept : value_{} {}
  explicit atomic(T initial) noexcept : value_(initial) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;

  T load(std::memory_order order) const {
    sim::executor& ex = step(false);
    if (acquires(order)) ex.hb_acquire(meta_);
    return value_;
  }
  void store(T desired, std::memory_order order) {
    sim::executor& ex = step(true);
    if (releases(order)) {
      ex.hb_release_store(meta_);
    } else {
      ex.hb_relaxed_store(meta_);
    }
    value_ = desired;
  }
  T exchange(T desired, std::memory_order order) {
    sim::executor& ex = step(true);
    rmw_edges(ex, order);
    T prev = value_;
    value_ = desired;
    return prev;
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    return compare_exchange_strong(expected, desired, success, failure);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure) {
    sim::executor& ex = step(false);  // pending as a read: most CASes in a spin fail
    if (value_ == expected) {
      ex.note_access(&meta_, true);  // a failed CAS only reads
      rmw_edges(ex, success);
      value_ = desired;
      return true;
    }
    if (acquires(failure)) ex.hb_acquire(meta_);  // a failed CAS is a load
    expected = value_;
    return false;
  }
  T fetch_add(T delta, std::memory_order o) requires std::is_integral_v<T> { return rmw(o, [&](T v) { return static_cast<T>(v + delta); }); }
  T fetch_sub(T delta, std::memory_order o) requires std::is_integral_v<T> { return rmw(o, [&](T v) { return static_cast<T>(v - delta); }); }
  T fetch_or(T bits, std::memory_order o) requires std::is_integral_v<T> { return rmw(o, [&](T v) { return static_cast<T>(v | bits); }); }
  T fetch_and(T bits, std::memory_order o) requires std::is_integral_v<T> { return rmw(o, [&](T v) { return static_cast<T>(v & bits); }); }
  T fetch_xor(T bits, std::memory_order o) requires std::is_integral_v<T> { return rmw(o, [&](T v) { return static_cast<T>(v ^ bits); }); }

  // Only the writer reads this way; no other thread can change the value
  // in between, so it is not a scheduling point.
  T unsync_load() const noexcept { return value_; }

 private:
  static bool acquires(std::memory_order o) noexcept {
    return o == std::memory_order_acquire || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst ||
           o == std::memory_order_consume;
  }
  static bool releases(std::memory_order o) noexcept {
    return o == std::memory_order_release || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst;
  }
  // The scheduling point, then the access (recorded in the segment that
  // performs it, for partial-order reduction).
  sim::executor& step(bool write) const {
    sim::executor& ex = sim::this_world();
    ex.operation(&meta_, write);
    ex.note_access(&meta_, write);
    return ex;
  }
  // An RMW reads the latest value (acquire) and extends the release
  // sequence (release joins; relaxed keeps what was released before).
  void rmw_edges(sim::executor& ex, std::memory_order o) {
    if (acquires(o)) ex.hb_acquire(meta_);
    if (releases(o)) ex.hb_release_join(meta_);
  }
  template <class Fn>
  T rmw(std::memory_order o, Fn fn) {
    sim::executor& ex = step(true);
    rmw_edges(ex, o);
    T prev = value_;
    value_ = fn(prev);
    return prev;
  }

  T value_;
  mutable sim::sync_meta meta_;
};

}  // namespace weft::sys
