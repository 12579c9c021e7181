// detail::atomic_waker: one consumer's waker, woken by any number of
// producers without a lock. The receiving side of rt::mpsc uses it.
//
// The consumer checks its condition (a queue is empty), then registers;
// producers make the condition true (publish a message), then call wake().
// No wake is lost: a producer whose wake() comes after the registration
// wakes the registered waker, and one whose wake() comes before it leaves
// NOTIFIED behind, which the registration sees, so the consumer checks again
// instead of sleeping.
//
// State word: WAKER | NOTIFIED | readers << 2
//   WAKER     the slot holds the consumer's waker. Set by the consumer only;
//             while set the consumer does not write the slot.
//   NOTIFIED  a wake() came since the consumer last cleared it. Set by
//             producers, cleared by the consumer (which then checks again).
//   readers   producers reading the slot to wake it. A wake() that finds
//             WAKER set and NOTIFIED clear is owed a wake: it counts itself
//             in, wakes the slot's waker by reference and counts itself out.
//             Several may read at once; while any does, the consumer does
//             not clear WAKER (it spins: a reader holds the slot for one
//             wake_by_ref).
//
// wake():     one RMW (acq_rel) sets NOTIFIED, and adds a reader if this call
//             is owed the wake; that one then wakes and subtracts itself
//             (release). While NOTIFIED stays set (the consumer is awake and
//             busy), a wake() is that one RMW.
// register(): NOTIFIED set -> clear it (acq_rel) and report `notified`.
//             Otherwise keep the stored waker if it wakes the same task, or
//             clear WAKER (CAS, no readers), write the slot and set WAKER
//             (CAS); either CAS fails if NOTIFIED appears meanwhile, and the
//             loop sees it.
// Every transition is an RMW on the word, so a producer's publication
// before its wake() happens-before the consumer's check after clearing
// NOTIFIED; and an RMW reads the latest word, so a wake() after the
// registration sees WAKER: either NOTIFIED is clear and it wakes, or
// NOTIFIED is set and the consumer has yet to clear it and check again.
#pragma once

#include <cstdint>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail {

class atomic_waker {
 public:
  enum class registration {
    registered,  // sleep: a later wake() wakes `w`
    notified,    // a wake() came meanwhile: check the condition again
  };

  // Producer side, after making the consumer's condition true.
  void wake() noexcept {
    std::uint32_t cur = word_.load(std::memory_order_relaxed);
    bool owed = false;
    std::uint32_t next = 0;
    do {
      owed = (cur & (waker_bit | notified_bit)) == waker_bit;
      next = (cur | notified_bit) + (owed ? one_reader : 0);
    } while (!word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel, std::memory_order_relaxed));
    if (owed) {
      slot_.with([](const waker& w) { w.wake_by_ref(); });
      word_.fetch_sub(one_reader, std::memory_order_release);
    }
  }

  // Consumer side, after finding its condition false.
  registration register_waker(const waker& w) noexcept {
    std::uint32_t cur = word_.load(std::memory_order_acquire);
    for (;;) {
      if ((cur & notified_bit) != 0) {
        word_.fetch_and(~notified_bit, std::memory_order_acq_rel);
        return registration::notified;
      }
      if ((cur & waker_bit) != 0) {
        if (slot_.with([&](const waker& stored) { return stored.will_wake(w); })) return registration::registered;
        if (cur >= one_reader) {
          sys::spin_hint();  // a producer is waking the old waker: wait until it is done
          cur = word_.load(std::memory_order_acquire);
          continue;
        }
        if (!word_.compare_exchange_weak(cur, cur & ~waker_bit, std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
          continue;
        }
        cur &= ~waker_bit;
      }
      slot_.with_mut([&](waker& stored) { stored = w; });
      if (word_.compare_exchange_strong(cur, cur | waker_bit, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
        return registration::registered;
      }
    }
  }

 private:
  static constexpr std::uint32_t waker_bit = 1, notified_bit = 2, one_reader = 4;

  sys::atomic<std::uint32_t> word_{0};
  sys::cell<waker> slot_;
};

}  // namespace weft::rt::detail
