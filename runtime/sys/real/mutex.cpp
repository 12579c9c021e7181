#include "runtime/sys/real/mutex.hpp"

#include "runtime/sys/real/futex.hpp"

namespace weft::sys {

void mutex::lock_contended() {
  if (spin_ == spin::brief) {
    for (int i = 0; i < 30; ++i) {
      __builtin_ia32_pause();
      if (state_.load(std::memory_order_relaxed) == 0) {
        std::uint32_t expected = 0;
        if (state_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return;
        }
      }
    }
  }
  lock_sleeping();
}

void mutex::lock_sleeping() {
  // Mark it contended; if it was free, we own it (marked 2: an unlock may
  // wake someone needlessly, which is harmless).
  while (state_.exchange(2, std::memory_order_acquire) != 0) {
    detail::futex_wait(state_, 2);
  }
}

void mutex::wake_one() noexcept { detail::futex_wake(state_, 1); }

}  // namespace weft::sys
