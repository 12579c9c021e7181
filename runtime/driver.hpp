// The driver: the time driver and the reactor, driven by whichever worker
// parks first (Tokio's driver hand-off).
//
// A parking worker tries to take the driver. If it gets it, it sleeps in the
// reactor with a timeout equal to the next timer deadline, then fires the
// timers that came due, and releases the driver. If another worker holds it,
// the parking worker sleeps on its own condvar (scheduler/park.hpp). So
// exactly one thread at a time waits on I/O and timers, no thread spins, and
// workers that are busy leave timers to the one that is idle. Busy workers
// also poll the driver without blocking every event_interval ticks.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "runtime/io/reactor.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/clock.hpp"
#include "runtime/time/time_driver.hpp"

namespace weft::rt::detail {

class driver {
 public:
  driver(sys::clock::time_point start, std::unique_ptr<io::reactor> reactor);
  driver(const driver&) = delete;
  driver& operator=(const driver&) = delete;

  time_driver& time() noexcept { return time_; }
  io::reactor& io() noexcept { return *reactor_; }

  // The hand-off lock: at most one thread parks on the driver.
  bool try_lock() noexcept;
  void unlock() noexcept;

  // Holder only: waits for I/O, unpark() or `timeout` (nullopt: none) —
  // whichever comes first, and no later than the next timer — then fires
  // due timers.
  void park(std::optional<std::chrono::nanoseconds> timeout);
  // Any thread: makes a park() in progress return.
  void unpark() noexcept { reactor_->unpark(); }

 private:
  time_driver time_;
  std::unique_ptr<io::reactor> reactor_;
  sys::atomic<bool> locked_{false};
};

}  // namespace weft::rt::detail
