// The task state word: one atomic 64-bit integer that says where a spawned
// task is in its life, who may touch which part of its cell, and how many
// references keep the cell alive.
//
// Bits
// ----
//   RUNNING        a thread holds the right to poll the task (or to cancel it).
//   COMPLETE       the task finished: its output (value, exception or
//                  "cancelled") is stored. Never cleared once set.
//                  Lifecycle: idle = neither bit, running = RUNNING,
//                  complete = COMPLETE. Both at once never happens.
//   NOTIFIED       the task has a pending notification: it sits in a run
//                  queue, or it was woken while running and the poller must
//                  queue it again when the poll ends.
//   CANCELLED      abort() or runtime shutdown asked the task to stop; the
//                  next poll destroys the coroutine instead of resuming it.
//   JOIN_INTEREST  a join_handle exists. While set, the output belongs to the
//                  handle; once cleared, the runtime drops the output itself.
//   JOIN_WAKER     the join_handle stored a waker in the cell. While set, the
//                  waker slot belongs to the runtime (read only, to wake the
//                  joiner on completion); while clear, to the join_handle.
//   bits 6..63     reference count, in units of REF_ONE.
//
// References
// ----------
// A task is created with three: one for the owned-task list (dropped when the
// task is released after completing), one for the initial notification (the
// queue entry), one for the join_handle. Every waker holds one; every queue
// entry holds one. The cell is freed by whoever drops the count to zero, and
// exactly once: the decrement that sees the count reach zero is unique.
//
// Transitions (every one is a single CAS or fetch-op on the word)
// ----------------------------------------------------------------
//   to_running        idle+NOTIFIED -> RUNNING, NOTIFIED cleared so that wakes
//                     during the poll are seen. Fails (and drops the queue
//                     entry's reference) if the task is running or complete,
//                     e.g. it was shut down while queued.
//   to_idle           RUNNING -> idle after a poll that did not finish. If
//                     NOTIFIED was set during the poll, the poller keeps its
//                     reference and gains one for the new queue entry
//                     (ok_notified). If CANCELLED was set, the poller keeps
//                     RUNNING and cancels instead.
//   to_complete       RUNNING -> COMPLETE (one fetch_xor).
//   to_terminal(n)    drops n references after completion.
//   to_notified_by_val / _by_ref
//                     a wake. Running: set NOTIFIED, nothing else (the poller
//                     requeues). Complete: nothing. Already NOTIFIED: by
//                     value, drop the waker's reference; by reference, write
//                     the word back unchanged (a release, see below).
//                     Idle: set NOTIFIED, add a reference for the queue entry,
//                     and the caller submits the task to its scheduler.
//                     By-value wakes consume the waker's reference (after
//                     the submit, so the cell outlives the call).
//   to_notified_and_cancel
//                     abort(): set CANCELLED; if idle and not queued, also
//                     NOTIFIED with a new reference, so the cancellation runs
//                     on a worker at the next poll.
//   to_shutdown       set CANCELLED and, if idle, take RUNNING so the caller
//                     may cancel the task on the spot.
//   unset_join_interest / set_join_waker / unset_join_waker
//                     the join_handle's side; each fails once COMPLETE is set,
//                     which hands the output to the handle.
//
// Memory orders: transitions that hand over the cell's contents (the
// coroutine frame, the output, the waker slot) are acq_rel, so whatever the
// previous owner wrote is visible to the next. Reference increments are
// relaxed (a reference can only be copied from one already held); decrements
// are acq_rel so the thread that frees the cell sees every earlier use of it.
// A wake must release what the waker wrote before it to the poll it leads
// to: every wake of a task not complete writes the word (acq_rel), even a
// by-reference wake that finds NOTIFIED already set and changes nothing.
// Writing nothing there loses a wake-up under weak memory: the queued
// poll's to_running reads an older store of the word, synchronises with an
// earlier waker only, and may miss this one's data (catalogue:
// wake-by-ref-release, explored under weak memory; the same hole was found
// in Tokio as tokio-rs/tokio#7589).
//
// The model in models/ (task state word) checks these transitions
// exhaustively; tests/runtime/state_test.cpp checks them one by one.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/defect.hpp"

namespace weft::rt::detail {

class state_snapshot {
 public:
  static constexpr std::uint64_t running = 1u << 0;
  static constexpr std::uint64_t complete = 1u << 1;
  static constexpr std::uint64_t lifecycle_mask = running | complete;
  static constexpr std::uint64_t notified = 1u << 2;
  static constexpr std::uint64_t cancelled = 1u << 3;
  static constexpr std::uint64_t join_interest = 1u << 4;
  static constexpr std::uint64_t join_waker = 1u << 5;
  static constexpr std::uint64_t flag_mask = (1u << 6) - 1;
  static constexpr unsigned ref_shift = 6;
  static constexpr std::uint64_t ref_one = std::uint64_t{1} << ref_shift;
  static constexpr std::uint64_t initial =
      ref_one * 3 | join_interest | notified;

  constexpr explicit state_snapshot(std::uint64_t bits) noexcept : bits_(bits) {}

  constexpr std::uint64_t bits() const noexcept { return bits_; }
  constexpr bool is_idle() const noexcept { return (bits_ & lifecycle_mask) == 0; }
  constexpr bool is_running() const noexcept { return (bits_ & running) != 0; }
  constexpr bool is_complete() const noexcept { return (bits_ & complete) != 0; }
  constexpr bool is_notified() const noexcept { return (bits_ & notified) != 0; }
  constexpr bool is_cancelled() const noexcept { return (bits_ & cancelled) != 0; }
  constexpr bool is_join_interested() const noexcept { return (bits_ & join_interest) != 0; }
  constexpr bool has_join_waker() const noexcept { return (bits_ & join_waker) != 0; }
  constexpr std::uint64_t ref_count() const noexcept { return bits_ >> ref_shift; }

  // "RUNNING|NOTIFIED refs=2", for assertion messages and tests.
  std::string describe() const;

  friend constexpr bool operator==(state_snapshot, state_snapshot) = default;

 private:
  std::uint64_t bits_;
};

enum class to_running { success, cancelled, failed, dealloc };
enum class to_idle { ok, ok_notified, ok_dealloc, cancelled };
enum class to_notified_by_val { do_nothing, submit, dealloc };
enum class to_notified_by_ref { do_nothing, submit };

class task_state {
 public:
  using snapshot = state_snapshot;

  task_state() noexcept : word_(snapshot::initial) {}
  explicit task_state(std::uint64_t bits) noexcept : word_(bits) {}  // for tests

  snapshot load() const noexcept { return snapshot(word_.load(std::memory_order_acquire)); }

  to_running transition_to_running() noexcept;
  to_idle transition_to_idle() noexcept;
  // Returns the state after the transition.
  snapshot transition_to_complete() noexcept;
  // Drops `count` references; true if that freed the last one.
  bool transition_to_terminal(std::uint64_t count) noexcept;
  to_notified_by_val transition_to_notified_by_val() noexcept;
  to_notified_by_ref transition_to_notified_by_ref() noexcept;
  // True if the caller must submit the task (a new reference was added).
  bool transition_to_notified_and_cancel() noexcept;
  // True if the caller now holds RUNNING and must cancel the task.
  bool transition_to_shutdown() noexcept;

  // Join side. Each returns false (and leaves the word alone) if the task
  // completed first; `out` receives the state seen last either way.
  bool unset_join_interest(snapshot& out) noexcept;
  bool set_join_waker(snapshot& out) noexcept;
  bool unset_join_waker(snapshot& out) noexcept;
  // Fast path for a join_handle dropped before anything happened to the task.
  bool drop_join_handle_fast() noexcept;

  void ref_inc() noexcept;
  // True if this dropped the last reference.
  bool ref_dec() noexcept;

 private:
  // Applies `step` in a CAS loop. `step(snapshot cur, std::uint64_t& next)`
  // returns {result, write}; when write is false nothing is stored.
  template <class Step>
  auto update(Step step) noexcept;

  sys::atomic<std::uint64_t> word_;
};

// ---- implementation (inline: every poll and wake runs through here) ----

template <class Step>
auto task_state::update(Step step) noexcept {
  std::uint64_t cur = word_.load(std::memory_order_acquire);
  for (;;) {
    std::uint64_t next = cur;
    auto [result, write] = step(snapshot(cur), next);
    if (!write) {
      return result;
    }
    if (word_.compare_exchange_weak(cur, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return result;
    }
  }
}

inline to_running task_state::transition_to_running() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.is_notified(), "a task is polled only from a queue entry (NOTIFIED)");
    if (!cur.is_idle()) {
      // Running elsewhere or already complete (shut down while queued): this
      // queue entry is stale. Drop its reference.
      WEFT_ASSERT(cur.ref_count() > 0, "queue entry without a reference");
      next -= snapshot::ref_one;
      const bool last = snapshot(next).ref_count() == 0;
      return std::pair{last ? to_running::dealloc : to_running::failed, true};
    }
    next |= snapshot::running;
    next &= ~snapshot::notified;
    return std::pair{cur.is_cancelled() ? to_running::cancelled : to_running::success, true};
  });
}

inline to_idle task_state::transition_to_idle() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.is_running(), "transition_to_idle on a task that is not running");
    if (cur.is_cancelled()) {
      return std::pair{to_idle::cancelled, false};
    }
    next &= ~snapshot::running;
    if (!cur.is_notified()) {
      // The poll consumed the queue entry's reference.
      WEFT_ASSERT(cur.ref_count() > 0, "running task without a reference");
      next -= snapshot::ref_one;
      const bool last = snapshot(next).ref_count() == 0;
      return std::pair{last ? to_idle::ok_dealloc : to_idle::ok, true};
    }
    // Woken during the poll: keep our reference, add one for the new entry.
    next += snapshot::ref_one;
    return std::pair{to_idle::ok_notified, true};
  });
}

inline state_snapshot task_state::transition_to_complete() noexcept {
  constexpr std::uint64_t delta = snapshot::running | snapshot::complete;
  const snapshot prev(word_.fetch_xor(delta, std::memory_order_acq_rel));
  WEFT_ASSERT(prev.is_running(), "transition_to_complete on a task that is not running");
  WEFT_ASSERT(!prev.is_complete(), "task completed twice");
  return snapshot(prev.bits() ^ delta);
}

inline bool task_state::transition_to_terminal(std::uint64_t count) noexcept {
  const snapshot prev(word_.fetch_sub(count * snapshot::ref_one, std::memory_order_acq_rel));
  WEFT_ASSERT(prev.ref_count() >= count, "reference count underflow at completion");
  return prev.ref_count() == count;
}

inline to_notified_by_val task_state::transition_to_notified_by_val() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.ref_count() > 0, "wake through a waker that holds no reference");
    if (cur.is_running()) {
      // The poller will requeue; the waker's reference is no longer needed
      // (the poller holds one of its own).
      next |= snapshot::notified;
      next -= snapshot::ref_one;
      WEFT_ASSERT(snapshot(next).ref_count() > 0, "running task without a reference");
      return std::pair{to_notified_by_val::do_nothing, true};
    }
    if (cur.is_complete() || cur.is_notified()) {
      next -= snapshot::ref_one;
      const bool last = snapshot(next).ref_count() == 0;
      return std::pair{last ? to_notified_by_val::dealloc : to_notified_by_val::do_nothing, true};
    }
    // Idle and not queued: add a reference for the queue entry. The caller
    // keeps the waker's until schedule() returns, then drops it, so the
    // cell outlives the call even if another worker runs the task at once.
    next |= snapshot::notified;
    next += snapshot::ref_one;
    return std::pair{to_notified_by_val::submit, true};
  });
}

inline to_notified_by_ref task_state::transition_to_notified_by_ref() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    if (cur.is_complete()) {
      return std::pair{to_notified_by_ref::do_nothing, false};
    }
    if (cur.is_notified()) {
      // Already queued, nothing to change; but the poll that entry leads to
      // must see what this waker wrote before waking. Its to_running RMW
      // reads the newest store of the word: write the word back unchanged
      // (an acq_rel RMW) so that store carries this thread's release.
      const bool release = !sys::defect_on(sys::defect::wake_by_ref_unreleased);
      return std::pair{to_notified_by_ref::do_nothing, release};
    }
    next |= snapshot::notified;
    if (cur.is_running()) {
      return std::pair{to_notified_by_ref::do_nothing, true};
    }
    next += snapshot::ref_one;
    return std::pair{to_notified_by_ref::submit, true};
  });
}

inline bool task_state::transition_to_notified_and_cancel() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    if (cur.is_cancelled() || cur.is_complete()) {
      return std::pair{false, false};
    }
    next |= snapshot::cancelled;
    if (cur.is_running()) {
      // NOTIFIED makes the poller requeue the task, and the next poll
      // cancels it.
      next |= snapshot::notified;
      return std::pair{false, true};
    }
    if (cur.is_notified()) {
      return std::pair{false, true};  // the queued entry will cancel it
    }
    next |= snapshot::notified;
    next += snapshot::ref_one;
    return std::pair{true, true};
  });
}

inline bool task_state::transition_to_shutdown() noexcept {
  return update([](snapshot cur, std::uint64_t& next) {
    next |= snapshot::cancelled;
    if (cur.is_idle()) {
      next |= snapshot::running;
    }
    return std::pair{cur.is_idle(), true};
  });
}

inline bool task_state::unset_join_interest(snapshot& out) noexcept {
  return update([&out](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.is_join_interested(), "join interest dropped twice");
    out = cur;
    if (cur.is_complete()) {
      return std::pair{false, false};
    }
    next &= ~snapshot::join_interest;
    out = snapshot(next);
    return std::pair{true, true};
  });
}

inline bool task_state::set_join_waker(snapshot& out) noexcept {
  return update([&out](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.is_join_interested(), "join waker set without join interest");
    WEFT_ASSERT(!cur.has_join_waker(), "join waker set twice");
    out = cur;
    if (cur.is_complete()) {
      return std::pair{false, false};
    }
    next |= snapshot::join_waker;
    out = snapshot(next);
    return std::pair{true, true};
  });
}

inline bool task_state::unset_join_waker(snapshot& out) noexcept {
  return update([&out](snapshot cur, std::uint64_t& next) {
    WEFT_ASSERT(cur.is_join_interested(), "join waker unset without join interest");
    WEFT_ASSERT(cur.has_join_waker(), "join waker unset when not set");
    out = cur;
    if (cur.is_complete()) {
      return std::pair{false, false};
    }
    next &= ~snapshot::join_waker;
    out = snapshot(next);
    return std::pair{true, true};
  });
}

inline bool task_state::drop_join_handle_fast() noexcept {
  std::uint64_t expected = snapshot::initial;
  // Relaxed on failure: nothing was read. Release on success: the handle did
  // nothing that needs publishing, but release keeps the reference drop
  // ordered like every other decrement.
  return word_.compare_exchange_strong(
      expected, (snapshot::initial - snapshot::ref_one) & ~snapshot::join_interest,
      std::memory_order_release, std::memory_order_relaxed);
}

inline void task_state::ref_inc() noexcept {
  const snapshot prev(word_.fetch_add(snapshot::ref_one, std::memory_order_relaxed));
  WEFT_ASSERT(prev.ref_count() > 0, "reference taken on a freed task");
  WEFT_ASSERT(prev.ref_count() < (std::uint64_t{1} << 40), "reference count overflow");
}

inline bool task_state::ref_dec() noexcept {
  const snapshot prev(word_.fetch_sub(snapshot::ref_one, std::memory_order_acq_rel));
  WEFT_ASSERT(prev.ref_count() > 0, "reference count underflow");
  return prev.ref_count() == 1;
}

}  // namespace weft::rt::detail
