#include "runtime/time/wheel.hpp"

#include <bit>

#include "runtime/sys/assert.hpp"

namespace weft::rt::detail {
namespace {

constexpr std::uint64_t slot_range(unsigned level) noexcept {
  return std::uint64_t{1} << (timer_wheel::bits_per_level * level);
}
constexpr std::uint64_t level_range(unsigned level) noexcept { return slot_range(level + 1); }
constexpr unsigned slot_of(std::uint64_t tick, unsigned level) noexcept {
  return static_cast<unsigned>((tick >> (timer_wheel::bits_per_level * level)) &
                               (timer_wheel::slots_per_level - 1));
}

}  // namespace

unsigned timer_wheel::level_for(std::uint64_t elapsed, std::uint64_t when) noexcept {
  // The highest bit in which `when` differs from `elapsed` decides the
  // level; the low bits are masked in so level 0 is the floor.
  std::uint64_t masked = (elapsed ^ when) | (slots_per_level - 1);
  if (masked > max_span) {
    masked = max_span;
  }
  const unsigned significant = 63 - static_cast<unsigned>(std::countl_zero(masked));
  return significant / bits_per_level;
}

bool timer_wheel::insert(timer_entry* e) noexcept {
  WEFT_ASSERT(!e->in_wheel(), "timer inserted twice");
  if (e->deadline <= elapsed_) {
    return false;
  }
  WEFT_ASSERT(e->deadline - elapsed_ <= max_span, "timer deadline beyond the wheel's span");
  link(e, level_for(elapsed_, e->deadline));
  return true;
}

void timer_wheel::link(timer_entry* e, unsigned level) noexcept {
  const unsigned slot = slot_of(e->deadline, level);
  level_slots& l = levels_[level];
  e->level = static_cast<std::uint8_t>(level);
  e->slot = static_cast<std::uint8_t>(slot);
  e->prev = nullptr;
  e->next = l.heads[slot];
  if (e->next != nullptr) e->next->prev = e;
  l.heads[slot] = e;
  l.occupied |= std::uint64_t{1} << slot;
  e->linked = true;
  ++size_;
}

void timer_wheel::unlink(timer_entry* e) noexcept {
  level_slots& l = levels_[e->level];
  if (e->prev != nullptr) {
    e->prev->next = e->next;
  } else {
    WEFT_ASSERT(l.heads[e->slot] == e, "timer slot list out of step");
    l.heads[e->slot] = e->next;
  }
  if (e->next != nullptr) e->next->prev = e->prev;
  if (l.heads[e->slot] == nullptr) {
    l.occupied &= ~(std::uint64_t{1} << e->slot);
  }
  e->prev = e->next = nullptr;
  e->linked = false;
  WEFT_ASSERT(size_ > 0, "timer count underflow");
  --size_;
}

void timer_wheel::remove(timer_entry* e) noexcept {
  WEFT_ASSERT(e->in_wheel(), "removing a timer that is not in the wheel");
  if (e->linked) {
    unlink(e);
    return;
  }
  // Due but not handed out yet.
  if (e->prev != nullptr) {
    e->prev->next = e->next;
  } else {
    WEFT_ASSERT(expired_ == e, "expired list out of step");
    expired_ = e->next;
  }
  if (e->next != nullptr) e->next->prev = e->prev;
  e->prev = e->next = nullptr;
  e->expired = false;
}

std::optional<timer_wheel::expiration> timer_wheel::next_expiration_at(unsigned level) const noexcept {
  const std::uint64_t occupied = levels_[level].occupied;
  if (occupied == 0) {
    return std::nullopt;
  }
  const unsigned now_slot = slot_of(elapsed_, level);
  // The first occupied slot going round from now_slot (level 0) or from the
  // slot after it (above level 0, where now_slot holds next-turn timers only
  // and so comes last).
  const unsigned start = level == 0 ? now_slot : (now_slot + 1) % slots_per_level;
  const unsigned distance = static_cast<unsigned>(std::countr_zero(std::rotr(occupied, static_cast<int>(start))));
  const unsigned slot = (start + distance) % slots_per_level;
  const std::uint64_t level_start = elapsed_ & ~(level_range(level) - 1);
  std::uint64_t deadline = level_start + slot * slot_range(level);
  // Above level 0 an occupied slot at or before the current one can only
  // hold timers from the next turn of the level (a deadline that crossed
  // the level's window).
  if (slot < now_slot || (level > 0 && slot == now_slot)) {
    deadline += level_range(level);
  }
  return expiration{level, slot, deadline};
}

std::optional<timer_wheel::expiration> timer_wheel::earliest() const noexcept {
  for (unsigned level = 0; level < num_levels; ++level) {
    if (auto exp = next_expiration_at(level)) {
      return exp;
    }
  }
  return std::nullopt;
}

std::optional<std::uint64_t> timer_wheel::next_expiration() const noexcept {
  if (expired_ != nullptr) {
    return elapsed_;
  }
  if (auto exp = earliest()) {
    return exp->deadline;
  }
  return std::nullopt;
}

void timer_wheel::process(const expiration& exp) noexcept {
  WEFT_ASSERT(exp.deadline >= elapsed_, "the wheel went backwards");
  elapsed_ = exp.deadline;
  level_slots& l = levels_[exp.level];
  timer_entry* e = l.heads[exp.slot];
  while (e != nullptr) {
    timer_entry* next = e->next;
    unlink(e);
    if (e->deadline <= elapsed_) {
      // Due: handed out by poll(), removable until then.
      e->prev = nullptr;
      e->next = expired_;
      if (expired_ != nullptr) expired_->prev = e;
      expired_ = e;
      e->expired = true;
    } else {
      // Due later within this slot: move down to a finer level.
      const unsigned level = level_for(elapsed_, e->deadline);
      WEFT_ASSERT(level < exp.level, "a cascading timer did not move down");
      link(e, level);
    }
    e = next;
  }
}

timer_entry* timer_wheel::poll(std::uint64_t now) noexcept {
  for (;;) {
    if (expired_ != nullptr) {
      timer_entry* e = expired_;
      expired_ = e->next;
      if (expired_ != nullptr) expired_->prev = nullptr;
      e->next = nullptr;
      e->expired = false;
      WEFT_ASSERT(e->deadline <= now, "a timer fired before its deadline");
      return e;
    }
    const auto exp = earliest();
    if (!exp || exp->deadline > now) {
      if (now > elapsed_) elapsed_ = now;
      return nullptr;
    }
    process(*exp);
  }
}

}  // namespace weft::rt::detail
