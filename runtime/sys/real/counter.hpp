// sys::counter: a statistics counter (metrics), never part of a protocol.
//
// Counters are read by other threads (metrics snapshots) so they are atomics,
// but nothing is ordered by them. In the sim flavour they are not scheduling
// points: exploring interleavings of metric updates would find nothing.
#pragma once

#include <atomic>
#include <cstdint>

namespace weft::sys {

class counter {
 public:
  // Adds `n`; use when only one thread ever writes this counter (a worker's
  // own metrics): a load and a store, no locked instruction.
  void add_owned(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Adds `n` from any thread.
  void add_shared(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub_shared(std::uint64_t n = 1) noexcept { value_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::uint64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
  std::uint64_t load() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace weft::sys
