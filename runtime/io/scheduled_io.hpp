// The readiness of one registered descriptor, and the tasks waiting on it:
// the heart of the reactor core (Tokio's ScheduledIo is the design it
// follows). One per registration, owned by the registry (io/registry.hpp).
//
// The word
// --------
// One atomic 64-bit integer:
//   bits 0..4    readiness: ready::readable, writable, read_closed,
//                write_closed, error (io/door.hpp). A hint that the call it
//                names may succeed; the call itself is the truth.
//   bit  5       SHUTDOWN: the reactor is gone; every poll answers at once.
//   bits 8..23   tick: bumped by every event the driver dispatches here
//                (16 bits, wrapping). It names "the readiness as of event n".
//   bits 32..63  generation of the slot, bumped when the registration is
//                released. Event tokens carry the generation they were
//                registered with, so an event still in flight for a closed
//                descriptor is dropped instead of landing on the slot's
//                next owner.
//
// Transitions
// -----------
//   set_readiness(gen, bits)   driver: if the generation matches, OR in the
//                              bits and bump the tick (one CAS, acq_rel).
//   wake(bits)                 driver, after set_readiness: take the
//                              waiting reader and/or writer under `waiters_`
//                              and wake them outside it.
//   poll_ready(dir, waker)     task: readiness for `dir` set (or SHUTDOWN)?
//                              then answer {tick, bits}. Otherwise store the
//                              waker under `waiters_` and look again before
//                              unlocking: a dispatch that published readiness
//                              before we stored the waker found no waker to
//                              take, so we must see its bits now (the mutex
//                              orders our re-load after its CAS).
//   clear_readiness(event)     task, after the call failed with EAGAIN:
//                              clear the event's readable/writable/error bits
//                              only if the tick is still the event's. If an
//                              event arrived since, the readiness is newer
//                              than our EAGAIN and must stay (one CAS loop,
//                              acq_rel). read_closed/write_closed are sticky.
//   shutdown()                 the reactor shuts down: SHUTDOWN set, every
//                              waiter woken.
//   reset(initial)             registry, when the slot is (re)used: new
//                              generation, readiness `initial`.
//   drop_waiters()             registry, before a release: forget the
//                              stored wakers (dropped outside every lock).
//
// The lost-wakeup argument: a task returns pending only after storing its
// waker and then seeing no readiness under the lock. Any event dispatched
// after that load sets its bits and then takes the lock, so it finds the
// waker. Any event whose bits the task's clear_readiness() would erase is
// one the tick check refuses to erase. The three deliberate defects of
// runtime/sys/defect.hpp each break one of these steps.
//
// A dispatch whose set_readiness() succeeded may still call wake() after
// the slot was released and reused; that wakes the new owner's task once,
// spuriously, which every poller tolerates.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::io {

enum class direction : std::uint8_t { read, write };

// What poll_ready() saw: pass it back to clear_readiness().
struct ready_event {
  std::uint16_t tick = 0;
  std::uint8_t ready = 0;  // the bits of the direction asked for
  bool shutdown = false;
};

class scheduled_io {
 public:
  scheduled_io() = default;
  scheduled_io(const scheduled_io&) = delete;
  scheduled_io& operator=(const scheduled_io&) = delete;

  // Driver side.
  bool set_readiness(std::uint32_t generation, std::uint8_t bits) noexcept;
  void wake(std::uint8_t bits) noexcept;
  // Task side. nullopt: pending, `w` will be woken.
  std::optional<ready_event> poll_ready(direction d, const waker& w);
  void clear_readiness(const ready_event& ev) noexcept;
  // Owner side.
  void shutdown() noexcept;
  std::uint32_t reset(std::uint8_t initial) noexcept;  // returns the new generation
  void drop_waiters() noexcept;

 private:
  sys::atomic<std::uint64_t> word_{0};
  sys::mutex waiters_;
  waker reader_;
  waker writer_;
};

}  // namespace weft::rt::io
