// sys::parker, real flavour: block a thread until another thread unparks it.
//
// A parker holds at most one token. unpark() stores the token (and wakes the
// owner if it is parked); park() consumes it, blocking until one is there.
// So an unpark that races ahead of the park is never lost, and many unparks
// before one park collapse into one wakeup. Only the owning thread parks.
//
// Protocol: one 32-bit state word and the Linux futex on it.
//   EMPTY (0)     no token, owner not blocked
//   NOTIFIED (1)  a token is waiting
//   PARKED (-1)   the owner is blocked (or about to block) in futex_wait
// park:    fetch_sub(1): NOTIFIED->EMPTY returns at once; EMPTY->PARKED
//          waits on the futex while the word is PARKED, then takes the
//          token with a CAS NOTIFIED->EMPTY (a wakeup without it is
//          spurious: wait again).
// unpark:  exchange(NOTIFIED); if it was PARKED, futex_wake the owner.
// futex_wait only sleeps if the word still holds PARKED, so a wake that
// lands between the fetch_sub and the wait is never lost. The token hands
// over memory: unpark's exchange is release, park's acquiring read pairs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weft::sys {

class parker {
 public:
  parker() = default;
  parker(const parker&) = delete;
  parker& operator=(const parker&) = delete;

  // Blocks until a token is available, then consumes it.
  void park();
  // As park(), but returns after `timeout` at the latest. Returns true if it
  // consumed a token, false on timeout (or a spurious wakeup).
  bool park_for(std::chrono::nanoseconds timeout);
  // Makes a token available, waking the owner if it is parked.
  void unpark();

 private:
  static constexpr std::int32_t empty = 0;
  static constexpr std::int32_t notified = 1;
  static constexpr std::int32_t parked = -1;
  std::atomic<std::int32_t> state_{empty};
};

}  // namespace weft::sys
