// The task state word, as a specification: each transition of
// runtime/task/state.hpp written as a plain function on an abstract word
// (flags and a reference count, not packed bits). The model checker
// (task_state.cpp) composes these into pollers, wakers and a join handle;
// the refinement test (tests/models/refinement_test.cpp) runs random
// sequences of them against the real atomic word and compares every result
// and every resulting word.
#pragma once

#include <cstdint>
#include <string>

namespace weft::models::task_word {

struct word {
  std::uint8_t running = 0, complete = 0, notified = 1, cancelled = 0, join_interest = 1, join_waker = 0;
  std::uint8_t refs = 3;  // owned list, initial queue entry, join handle
  friend bool operator==(const word&, const word&) = default;
};

// Each returns the name of the result (the real enum's enumerator name) and
// updates `w`. A precondition the real code asserts is reported as
// "precondition" with `w` unchanged.

inline std::string to_running(word& w) {
  if (!w.notified) return "precondition";
  if (w.running || w.complete) {  // a stale queue entry: drop its reference
    if (w.refs == 0) return "precondition";
    --w.refs;
    return w.refs == 0 ? "dealloc" : "failed";
  }
  w.running = 1;
  w.notified = 0;
  return w.cancelled ? "cancelled" : "success";
}

inline std::string to_idle(word& w, bool lose_notified = false) {
  if (!w.running) return "precondition";
  if (w.cancelled) return "cancelled";
  w.running = 0;
  if (!w.notified || lose_notified) {
    if (w.refs == 0) return "precondition";
    --w.refs;
    return w.refs == 0 ? "ok_dealloc" : "ok";
  }
  ++w.refs;  // the poller keeps its reference and adds one for the new queue entry
  return "ok_notified";
}

inline std::string to_complete(word& w) {
  if (!w.running || w.complete) return "precondition";
  w.running = 0;
  w.complete = 1;
  return "complete";
}

// Drops `n` references after completion; "last" if that freed the cell.
inline std::string to_terminal(word& w, std::uint8_t n) {
  if (w.refs < n) return "precondition";
  w.refs = static_cast<std::uint8_t>(w.refs - n);
  return w.refs == 0 ? "last" : "not_last";
}

// `ignore_running`: the bug variant that forgets to set NOTIFIED on a
// running task (the wake is lost).
inline std::string to_notified_by_val(word& w, bool ignore_running = false) {
  if (w.refs == 0) return "precondition";
  if (w.running) {
    // The poller holds a reference of its own: the waker's cannot be the last.
    if (w.refs <= 1) return "precondition";
    if (!ignore_running) w.notified = 1;
    --w.refs;
    return "do_nothing";
  }
  if (w.complete || w.notified) {
    --w.refs;
    return w.refs == 0 ? "dealloc" : "do_nothing";
  }
  w.notified = 1;
  ++w.refs;
  return "submit";
}

inline std::string to_notified_by_ref(word& w, bool ignore_running = false) {
  if (w.complete || w.notified) return "do_nothing";
  if (w.running) {
    if (!ignore_running) w.notified = 1;
    return "do_nothing";
  }
  w.notified = 1;
  ++w.refs;
  return "submit";
}

// abort(): "submit" if the caller must queue the task.
inline std::string to_notified_and_cancel(word& w) {
  if (w.cancelled || w.complete) return "no_submit";
  w.cancelled = 1;
  if (w.running) {
    w.notified = 1;
    return "no_submit";
  }
  if (w.notified) return "no_submit";
  w.notified = 1;
  ++w.refs;
  return "submit";
}

// Runtime shutdown: "cancel_now" if the caller took RUNNING.
inline std::string to_shutdown(word& w) {
  w.cancelled = 1;
  if (!w.running && !w.complete) {
    w.running = 1;
    return "cancel_now";
  }
  return "leave";
}

// The join handle's side: "completed" (nothing changed: the output belongs
// to the handle) or "ok".
inline std::string unset_join_interest(word& w) {
  if (!w.join_interest) return "precondition";
  if (w.complete) return "completed";
  w.join_interest = 0;
  return "ok";
}
inline std::string set_join_waker(word& w) {
  if (!w.join_interest || w.join_waker) return "precondition";
  if (w.complete) return "completed";
  w.join_waker = 1;
  return "ok";
}
inline std::string unset_join_waker(word& w) {
  if (!w.join_interest || !w.join_waker) return "precondition";
  if (w.complete) return "completed";
  w.join_waker = 0;
  return "ok";
}

inline std::string ref_inc(word& w) {
  if (w.refs == 0) return "precondition";
  ++w.refs;
  return "ok";
}
inline std::string ref_dec(word& w) {
  if (w.refs == 0) return "precondition";
  --w.refs;
  return w.refs == 0 ? "last" : "not_last";
}

}  // namespace weft::models::task_word
