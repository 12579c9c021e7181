// The timer wheel, as a sequential specification: a set of timers (id ->
// deadline, in ticks) and a clock. The real wheel (runtime/time/wheel.hpp)
// files timers into levels of slots and cascades them down; none of that
// shows here. tests/models/refinement_test.cpp runs random sequences of
// insert / remove / poll on both and compares the results.
//
// Time
// ----
//   now      the time of the latest poll (polls never go back in time).
//   elapsed  the time up to which every due timer has been handed out: it
//            becomes `now` when a poll reports that nothing is due.
// Between the two, the wheel is in the middle of handing out the timers due
// at `now` (a caller may stop polling and come back later, as the time
// driver does between batches).
//
// Polls
// -----
// A poll at `now` hands out one due timer (deadline <= now) that was not
// handed out before, in no particular order, or reports none once every
// due timer has been handed out. A timer is handed out exactly once, never
// before its deadline. Which timers are due is what this specification
// keeps; which of them a poll picked is for the caller to track.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>

namespace weft::models::spec {

class timer_wheel {
 public:
  using id = std::uint64_t;

  // What insert may answer. `refuse`: the deadline has passed; the caller
  // fires the timer at once. `either`: while a poll is catching up to
  // `now`, a timer due at or before `now` may be refused (the wheel is
  // already past its deadline) or accepted (a later poll at `now` hands it
  // out); both end with the timer firing no later than that.
  enum class admission { accept, refuse, either };

  std::uint64_t elapsed() const { return elapsed_; }
  std::uint64_t now() const { return now_; }
  // Timers not yet due (deadline > now).
  const std::map<id, std::uint64_t>& waiting() const { return waiting_; }
  // Timers due at `now`, handed out or about to be.
  const std::map<id, std::uint64_t>& due() const { return due_; }
  bool is_due(id t) const { return due_.count(t) != 0; }

  admission insert(id t, std::uint64_t deadline) {
    if (deadline <= elapsed_) return admission::refuse;
    if (deadline > now_) {
      waiting_[t] = deadline;
      return admission::accept;
    }
    due_[t] = deadline;
    return admission::either;
  }

  // Cancels a timer: one not due yet, or one due but not handed out yet
  // (a caller that polls in batches may cancel between them). Once removed
  // it is never handed out. Cancelling one already handed out is the
  // caller's no-op; the specification forgets it either way.
  bool can_remove(id t) const { return waiting_.count(t) != 0 || due_.count(t) != 0; }
  void remove(id t) {
    waiting_.erase(t);
    due_.erase(t);
  }

  // A poll at time `t` (never earlier than the previous poll's): every
  // timer whose deadline has come is due.
  void poll_at(std::uint64_t t) {
    now_ = std::max(now_, t);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->second <= now_) {
        due_.insert(*it);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // A poll reported none: every due timer has been handed out.
  void drained() {
    due_.clear();
    elapsed_ = now_;
  }

  // The earliest deadline among the timers not yet due. The wheel's
  // next_expiration() may answer earlier (it is a lower bound: the start of
  // the slot that holds the timer), never later, and has an answer exactly
  // when some timer is still to be handed out.
  std::optional<std::uint64_t> earliest_waiting() const {
    std::optional<std::uint64_t> best;
    for (const auto& [t, deadline] : waiting_) {
      if (!best || deadline < *best) best = deadline;
    }
    return best;
  }

 private:
  std::uint64_t elapsed_ = 0;
  std::uint64_t now_ = 0;
  std::map<id, std::uint64_t> waiting_;
  std::map<id, std::uint64_t> due_;
};

}  // namespace weft::models::spec
