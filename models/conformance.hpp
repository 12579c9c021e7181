// Trace conformance: does what the real runtime recorded follow the task
// state model?
//
// Each task's events in a runtime trace (spawn, schedule, wake, poll_start,
// poll_end, cancel, complete) are mapped onto transitions of the task state
// word specification (models/task_state.hpp):
//
//   spawn          a new word: NOTIFIED, JOIN_INTEREST
//   schedule       a queue entry is pushed: needs NOTIFIED, not RUNNING, and
//                  someone who owes the task an entry: the spawn, a
//                  submitting wake or an abort (any queue), or the poller
//                  after to_idle "ok_notified" (the yield queue)
//   wake b=1       to_notified_by_val/by_ref returning "submit"
//   wake b=0       to_notified_by_ref returning "do_nothing"
//   poll_start     to_running returning "success", taking a queue entry
//                  that a schedule event pushed
//   poll_end a=0   the poll returned pending; to_idle follows (untraced)
//   poll_end a=1   the poll finished; complete follows
//   cancel         to_running "cancelled", to_idle "cancelled" or
//                  to_shutdown "cancel_now"
//   complete       to_complete
//
// Some transitions leave no event (a by-value wake that finds the task
// running or queued, abort(), a shutdown that finds it running, to_idle
// itself); the checker lets them happen silently between events. It tracks
// the set of words the task can be in and reports the first event that no
// word in that set allows. The runtime records each event right after the
// transition it names, with no scheduling point in between, so under the
// simulator the trace's order is the order of the transitions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/trace/event.hpp"

namespace weft::models {

struct conformance_error {
  std::size_t index = 0;  // position of the offending event in the trace
  std::uint64_t task = 0;
  std::string message;    // what the event was and what the model allowed
};

// Checks the task lifecycle events of `events` (other kinds are ignored).
std::optional<conformance_error> check_task_conformance(const std::vector<trace::event>& events);

}  // namespace weft::models
