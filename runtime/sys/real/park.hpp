// sys::parker, real flavour: block a thread until another thread unparks it.
//
// A parker holds at most one token. unpark() stores the token (and wakes the
// owner if it is parked); park() consumes it, blocking until one is there.
// So an unpark that races ahead of the park is never lost, and many unparks
// before one park collapse into one wakeup. Only the owning thread parks.
//
// Protocol (state word, three values):
//   EMPTY --park--> PARKED --unpark--> NOTIFIED --(owner wakes)--> EMPTY
//   EMPTY --unpark--> NOTIFIED --park (returns at once)--> EMPTY
// The mutex is taken by unpark only when the owner may be sleeping, and is
// held across the PARKED->NOTIFIED change's notify so the wakeup cannot fall
// between the owner's check and its wait.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace weft::sys {

class parker {
 public:
  parker() = default;
  parker(const parker&) = delete;
  parker& operator=(const parker&) = delete;

  // Blocks until a token is available, then consumes it.
  void park();
  // As park(), but returns after `timeout` at the latest. Returns true if it
  // consumed a token, false on timeout. May also return false spuriously.
  bool park_for(std::chrono::nanoseconds timeout);
  // Makes a token available, waking the owner if it is parked.
  void unpark();

 private:
  enum : std::uint32_t { empty = 0, parked = 1, notified = 2 };
  std::atomic<std::uint32_t> state_{empty};
  std::mutex mutex_;
  std::condition_variable condvar_;
};

}  // namespace weft::sys
