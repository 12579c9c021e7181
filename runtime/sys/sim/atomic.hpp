// sys::atomic<T>, sim flavour: every operation is a scheduling point of the
// deterministic world, so the explorer can interleave simulated threads
// between any two atomic operations.
//
// Simulated threads share one OS thread and run one at a time, so the value
// itself is plain memory: each operation is atomic by construction. By
// default the world is sequentially consistent: a load returns the last
// store, and the memory orders only drive the race detector's
// happens-before edges (sim/core/race.hpp): a release store or RMW read by
// an acquire load or RMW orders everything before the release with
// everything after the acquire.
//
// Under weak memory (executor_options::weak_memory) each atomic of at most
// 8 bytes also keeps its recent stores (sim::memory_location), and the
// executor decides which one a load reads and where a store goes, as the
// C++ memory model allows (sim/core/memory.hpp). `value_` is then always
// the newest store in modification order.
#pragma once

#include <atomic>
#include <cstring>
#include <memory>
#include <type_traits>

#include "sim/core/memory.hpp"
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
    if constexpr (weak_capable) {
      if (ex.weak_memory()) [[unlikely]] {
        sim::memory_location& h = history(ex);
        const std::size_t i = ex.memory_pick_read(h);
        ex.memory_read(h, i, order);
        return from_bits(h.stores[i].bits);
      }
    }
    if (acquires(order)) {
      ex.hb_acquire(meta_);
    } else {
      ex.hb_relaxed_load(meta_);
    }
    return value_;
  }
  void store(T desired, std::memory_order order) {
    sim::executor& ex = step(true);
    if constexpr (weak_capable) {
      if (ex.weak_memory()) [[unlikely]] {
        sim::memory_location& h = history(ex);
        ex.memory_write(h, to_bits(desired), order);
        value_ = from_bits(h.stores.back().bits);
        return;
      }
    }
    if (releases(order)) {
      ex.hb_release_store(meta_);
    } else {
      ex.hb_relaxed_store(meta_);
    }
    value_ = desired;
  }
  T exchange(T desired, std::memory_order order) {
    return rmw(order, [&](T) { return desired; });
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    return compare_exchange_strong(expected, desired, success, failure);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure) {
    sim::executor& ex = step(false);  // pending as a read: most CASes in a spin fail
    if constexpr (weak_capable) {
      if (ex.weak_memory()) [[unlikely]] return weak_compare_exchange(ex, expected, desired, success, failure);
    }
    if (value_ == expected) {
      ex.note_access(&meta_, true);  // a failed CAS only reads
      rmw_edges(ex, success);
      value_ = desired;
      return true;
    }
    if (acquires(failure)) {
      ex.hb_acquire(meta_);  // a failed CAS is a load
    } else {
      ex.hb_relaxed_load(meta_);
    }
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
  static constexpr bool weak_capable = sizeof(T) <= sizeof(std::uint64_t);
  static std::uint64_t to_bits(const T& v) noexcept {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    return bits;
  }
  static T from_bits(std::uint64_t bits) noexcept {
    T v;
    std::memcpy(&v, &bits, sizeof(T));
    return v;
  }
  // This atomic's stores in this run (weak memory).
  sim::memory_location& history(sim::executor& ex) const {
    if (history_ == nullptr) history_ = std::make_unique<sim::memory_location>();
    ex.memory_begin(*history_, to_bits(value_));
    return *history_;
  }
  // Under weak memory a compare-exchange reads like a load (an older store
  // too, if its value differs from `expected`), and succeeds only on the
  // newest store.
  bool weak_compare_exchange(sim::executor& ex, T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    sim::memory_location& h = history(ex);
    const std::uint64_t want = to_bits(expected);
    const std::size_t i = ex.memory_pick_read(h, &want);
    if (i + 1 == h.stores.size() && h.stores[i].bits == want) {
      ex.note_access(&meta_, true);
      ex.memory_rmw(h, to_bits(desired), success);
      value_ = desired;
      return true;
    }
    ex.memory_read(h, i, failure);
    expected = from_bits(h.stores[i].bits);
    return false;
  }
  static constexpr bool acquires(std::memory_order o) noexcept { return sim::acquires(o); }
  static constexpr bool releases(std::memory_order o) noexcept { return sim::releases(o); }
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
    if constexpr (weak_capable) {
      if (ex.weak_memory()) [[unlikely]] {
        const T prev = value_;  // the newest store: an RMW reads it
        const T next = fn(prev);
        ex.memory_rmw(history(ex), to_bits(next), o);
        value_ = next;
        return prev;
      }
    }
    rmw_edges(ex, o);
    T prev = value_;
    value_ = fn(prev);
    return prev;
  }

  T value_;
  mutable sim::sync_meta meta_;
  mutable std::unique_ptr<sim::memory_location> history_;  // weak memory only
};

// std::atomic_thread_fence: under weak memory, what the C++ model says a
// fence does (sim/core/memory.hpp); otherwise it orders the race
// detector's happens-before (a release fence before a relaxed store, an
// acquire fence after a relaxed load).
inline void atomic_thread_fence(std::memory_order order) { sim::this_world().memory_fence(order); }

}  // namespace weft::sys
