// A hierarchical timer wheel: 6 levels of 64 slots, 1 ms ticks.
//
// Level k's slots each cover 64^k ticks, so the whole wheel spans 64^6 ms
// (about 2.2 years); later deadlines are clamped to its end. A timer lives
// in the lowest level whose slot boundaries separate its deadline from the
// wheel's current time (`elapsed`): a timer due within the current 64-tick
// window sits in level 0 at slot `deadline % 64`; one due later in the
// current 4096-tick window sits in level 1; and so on.
//
// Advancing the wheel to `now` repeatedly takes the earliest occupied slot
// (lower levels always come first: a level's window lies entirely before
// the next level's occupied slots), sets `elapsed` to that slot's start, and
// empties it: timers whose deadline has come fire; the rest move down to a
// finer level (cascade). So each timer is touched at most once per level.
//
// Scanning a level for its earliest slot starts at the current slot on level
// 0, but at the slot after it above level 0: there the current slot can only
// hold timers of the next turn (a deadline clamped to the end of the wheel),
// which come after every other slot of the level.
//
// Invariants (checked by WEFT_ASSERT and by models/ timer wheel model):
//   * a timer never fires before its deadline tick;
//   * once elapsed >= deadline, the next poll fires it;
//   * a cancelled timer never fires;
//   * every level's occupied-bitmask bit is set iff its slot list is non-empty.
//
// The wheel is plain single-threaded data; the time driver (driver.hpp)
// guards it with a lock and turns ticks into clock time.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace weft::rt::detail {

struct timer_entry {
  std::uint64_t deadline = 0;  // in ticks
  timer_entry* prev = nullptr;
  timer_entry* next = nullptr;
  std::uint8_t level = 0;
  std::uint8_t slot = 0;
  bool linked = false;   // in one of the wheel's slots
  bool expired = false;  // due, in the list of entries poll() has yet to hand out
  // In the wheel in either way: remove() takes it out.
  bool in_wheel() const noexcept { return linked || expired; }
};

class timer_wheel {
 public:
  static constexpr unsigned num_levels = 6;
  static constexpr unsigned slots_per_level = 64;
  static constexpr unsigned bits_per_level = 6;
  // The largest deadline the wheel can hold, relative to elapsed.
  static constexpr std::uint64_t max_span = (std::uint64_t{1} << (bits_per_level * num_levels)) - 1;

  timer_wheel() = default;
  timer_wheel(const timer_wheel&) = delete;
  timer_wheel& operator=(const timer_wheel&) = delete;

  // Adds `e` (deadline set by the caller). Returns false, without adding,
  // if the deadline has already passed (deadline <= elapsed): the caller
  // fires it at once.
  bool insert(timer_entry* e) noexcept;
  // Removes an entry that is in the wheel (linked, or due and not yet
  // handed out by poll(): a caller that drains in batches may cancel
  // between them).
  void remove(timer_entry* e) noexcept;
  // Advances to `now` and returns one expired entry (unlinked), or null
  // when none is due. Call until it returns null.
  timer_entry* poll(std::uint64_t now) noexcept;
  // The tick at which the next poll could return an entry, if any.
  std::optional<std::uint64_t> next_expiration() const noexcept;

  std::uint64_t elapsed() const noexcept { return elapsed_; }
  std::size_t size() const noexcept { return size_; }

 private:
  struct level_slots {
    std::uint64_t occupied = 0;
    std::array<timer_entry*, slots_per_level> heads{};
  };
  struct expiration {
    unsigned level;
    unsigned slot;
    std::uint64_t deadline;  // the tick at which that slot starts
  };

  static unsigned level_for(std::uint64_t elapsed, std::uint64_t when) noexcept;
  std::optional<expiration> next_expiration_at(unsigned level) const noexcept;
  std::optional<expiration> earliest() const noexcept;
  void link(timer_entry* e, unsigned level) noexcept;
  void unlink(timer_entry* e) noexcept;
  void process(const expiration& exp) noexcept;

  std::uint64_t elapsed_ = 0;
  std::size_t size_ = 0;
  timer_entry* expired_ = nullptr;  // due entries waiting to be handed out (doubly linked)
  std::array<level_slots, num_levels> levels_{};
};

}  // namespace weft::rt::detail
