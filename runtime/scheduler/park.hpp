// How a worker sleeps: on the driver if it is free, otherwise on its own
// condition variable (Tokio's multi_thread park.rs).
//
// State word (sys::atomic<uint32>):
//   EMPTY           running, no pending notification
//   PARKED_CONDVAR  asleep on the condvar
//   PARKED_DRIVER   asleep in the driver (reactor + timers)
//   NOTIFIED        a notification is pending: the next park returns at once
//
// park:   NOTIFIED -> EMPTY returns at once. Otherwise take the driver if
//         it is free and move EMPTY -> PARKED_DRIVER, or else EMPTY ->
//         PARKED_CONDVAR (under the mutex), and sleep. On waking, whatever
//         the cause (notification, timeout, I/O), the state returns to EMPTY.
// unpark: swap in NOTIFIED; if the worker was PARKED_CONDVAR, lock and
//         unlock the mutex (so the notify cannot fall between its check and
//         its wait) and notify the condvar; if PARKED_DRIVER, unpark the
//         driver.
// A notification is never lost: it is either seen by the CAS that would have
// parked, or it finds the parked state and wakes the sleeper.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "runtime/driver.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::rt::detail {

class worker_parker {
 public:
  explicit worker_parker(driver& d) noexcept : driver_(d) {}
  worker_parker(const worker_parker&) = delete;
  worker_parker& operator=(const worker_parker&) = delete;

  // The owning worker only. `timeout` nullopt: until notified.
  void park(std::optional<std::chrono::nanoseconds> timeout);
  // Any thread.
  void unpark();

 private:
  enum : std::uint32_t { empty = 0, parked_condvar = 1, parked_driver = 2, notified = 3 };

  void park_on_condvar(std::optional<std::chrono::nanoseconds> timeout);
  void park_on_driver(std::optional<std::chrono::nanoseconds> timeout);

  driver& driver_;
  sys::atomic<std::uint32_t> state_{empty};
  sys::mutex mutex_;
  sys::condvar condvar_;
};

}  // namespace weft::rt::detail
