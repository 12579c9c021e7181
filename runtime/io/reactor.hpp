// The reactor interface: where a parked worker waits for I/O.
//
// The runtime's driver (runtime/driver.hpp) owns one reactor. The worker that
// holds the driver when it parks calls poll() with a timeout (the next timer
// deadline); poll() returns when an I/O event was dispatched to its wakers,
// when unpark() was called from any thread, or when the timeout ran out.
//
// Backends:
//   * io/core_reactor    the reactor core on an OS door: the real one
//                        (io/real_door, epoll) or, in the deterministic
//                        world, the simulated kernel (sim/net/kernel);
//   * io/parker_reactor  no I/O at all: a parked thread with a timeout.
// io/default_reactor.hpp picks one per flavour; it is, with runtime/sys, the
// only place that looks at the flavour.
#pragma once

#include <chrono>
#include <optional>

namespace weft::rt::io {

class net_backend;

class reactor {
 public:
  virtual ~reactor() = default;

  // Waits for I/O readiness, unpark() or `timeout` (nullopt: no limit), and
  // dispatches whatever became ready. Called by one thread at a time.
  virtual void poll(std::optional<std::chrono::nanoseconds> timeout) = 0;
  // Makes a poll() in progress (or the next one) return promptly.
  virtual void unpark() noexcept = 0;
  // Sockets, if this reactor has them (null: timers only).
  virtual net_backend* net() noexcept { return nullptr; }
  // The runtime has shut down and its workers are gone: complete whatever
  // is still queued (cancelled operations), so nothing keeps tasks alive.
  virtual void shutdown() {}
};

}  // namespace weft::rt::io
