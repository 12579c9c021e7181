#include "runtime/io/scheduled_io.hpp"

#include <mutex>

#include "runtime/io/door.hpp"
#include "runtime/sys/defect.hpp"

namespace weft::rt::io {
namespace {

constexpr std::uint64_t readiness_mask = ready::all;
constexpr std::uint64_t shutdown_bit = 1u << 5;
constexpr unsigned tick_shift = 8;
constexpr std::uint64_t tick_mask = std::uint64_t{0xffff} << tick_shift;
constexpr unsigned generation_shift = 32;
// What clear_readiness() may clear; the closed bits never go away.
constexpr std::uint8_t clearable = ready::readable | ready::writable | ready::error;

constexpr std::uint8_t interest(direction d) noexcept {
  return d == direction::read ? ready::readable | ready::read_closed | ready::error
                              : ready::writable | ready::write_closed | ready::error;
}
constexpr std::uint16_t tick_of(std::uint64_t w) noexcept {
  return static_cast<std::uint16_t>((w & tick_mask) >> tick_shift);
}
constexpr std::uint32_t generation_of(std::uint64_t w) noexcept {
  return static_cast<std::uint32_t>(w >> generation_shift);
}

std::optional<ready_event> ready_for(std::uint64_t w, direction d) noexcept {
  const auto bits = static_cast<std::uint8_t>(w & interest(d));
  const bool gone = (w & shutdown_bit) != 0;
  if (bits == 0 && !gone) return std::nullopt;
  return ready_event{tick_of(w), bits, gone};
}

}  // namespace

bool scheduled_io::set_readiness(std::uint32_t generation, std::uint8_t bits) noexcept {
  std::uint64_t cur = word_.load(std::memory_order_acquire);
  for (;;) {
    if (generation_of(cur) != generation) return false;  // a late event for a released slot
    const std::uint64_t tick = (tick_of(cur) + 1u) & 0xffffu;
    const std::uint64_t next = (cur & ~tick_mask) | (tick << tick_shift) | (bits & readiness_mask);
    if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel, std::memory_order_acquire)) {
      return true;
    }
  }
}

void scheduled_io::wake(std::uint8_t bits) noexcept {
  waker r;
  waker w;
  {
    std::lock_guard lock(waiters_);
    if ((bits & interest(direction::read)) != 0) r = std::move(reader_);
    if ((bits & interest(direction::write)) != 0) w = std::move(writer_);
  }
  std::move(r).wake();
  std::move(w).wake();
}

std::optional<ready_event> scheduled_io::poll_ready(direction d, const waker& w) {
  if (auto ev = ready_for(word_.load(std::memory_order_acquire), d)) return ev;
  std::lock_guard lock(waiters_);
  waker& slot = d == direction::read ? reader_ : writer_;
  if (!slot.will_wake(w)) slot = w;
  if (sys::defect_on(sys::defect::reactor_unchecked_waker)) return std::nullopt;
  // A dispatch that set readiness before we stored the waker found none.
  return ready_for(word_.load(std::memory_order_acquire), d);
}

void scheduled_io::clear_readiness(const ready_event& ev) noexcept {
  const std::uint64_t clear = ev.ready & clearable;
  const bool check_tick = !sys::defect_on(sys::defect::reactor_clear_ignores_tick);
  std::uint64_t cur = word_.load(std::memory_order_acquire);
  for (;;) {
    if (check_tick && tick_of(cur) != ev.tick) return;  // an event arrived since: keep it
    const std::uint64_t next = cur & ~clear;
    if (next == cur) return;
    if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel, std::memory_order_acquire)) return;
  }
}

void scheduled_io::shutdown() noexcept {
  word_.fetch_or(shutdown_bit, std::memory_order_acq_rel);
  wake(ready::all);
}

std::uint32_t scheduled_io::reset(std::uint8_t initial) noexcept {
  const std::uint64_t cur = word_.load(std::memory_order_acquire);
  const std::uint32_t generation = generation_of(cur) + 1;
  word_.store((std::uint64_t{generation} << generation_shift) | (initial & readiness_mask),
              std::memory_order_release);
  return generation;
}

void scheduled_io::drop_waiters() noexcept {
  waker r;
  waker w;
  {
    std::lock_guard lock(waiters_);
    r = std::move(reader_);
    w = std::move(writer_);
  }
}

}  // namespace weft::rt::io
