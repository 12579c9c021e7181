// sys::mutex, real flavour: a three-state futex mutex.
//
// State: 0 unlocked, 1 locked, 2 locked and someone may be asleep (so
// unlock must wake one): Ulrich Drepper's "Futexes Are Tricky", mutex 3.
// Uncontended, lock is one compare-exchange and unlock one exchange.
//
// Spinning before sleeping is chosen per lock (see `spin`), from
// measurements (bench/peers/compare): spinning on the time driver's lock cut
// the timers workload's median lateness from ~7 ms to ~1 ms (100k tasks
// sleeping 1-100 ms on 2 workers), while spinning on a channel's lock made
// the mpsc workload 3x slower (the two workers handed the lock's cache line
// back and forth on every message instead of one sleeping and the other
// running a batch).
#pragma once

#include <atomic>
#include <cstdint>

namespace weft::sys {

class mutex {
 public:
  // How long a contended lock() spins before it sleeps. `none` suits locks
  // two workers hammer in turn (a channel between a producer and a
  // consumer: sleeping there batches the work on one worker); `brief` suits
  // short critical sections whose waiters should not lose their thread to
  // a sleep (the time driver's wheel).
  enum class spin : std::uint8_t { none, brief };

  mutex() = default;
  explicit mutex(spin s) noexcept : spin_(s) {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock() {
    std::uint32_t expected = 0;
    if (!state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                        std::memory_order_relaxed)) {
      lock_contended();
    }
  }
  bool try_lock() {
    std::uint32_t expected = 0;
    return state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }
  void unlock() {
    if (state_.exchange(0, std::memory_order_release) == 2) {
      wake_one();
    }
  }

  // For sys::condvar only.
  std::atomic<std::uint32_t>& word() noexcept { return state_; }
  // Takes the lock marking it contended (the slow path, and after a
  // condvar wait, when others may be queued).
  void lock_sleeping();

 private:
  void lock_contended();
  void wake_one() noexcept;

  std::atomic<std::uint32_t> state_{0};
  spin spin_ = spin::none;
};

}  // namespace weft::sys
