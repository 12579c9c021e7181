// The harness: every operation on a task cell that is not specific to its
// output type. Polling, completing, cancelling, waking, joining, freeing.
//
// Reference discipline (see runtime/task/state.hpp): each function says
// which reference it consumes. A caller that passes a task to the scheduler
// always holds a reference of its own until the call returns, so the cell
// cannot be freed under it even if another worker runs the task at once.
#pragma once

#include <coroutine>

#include "runtime/task/header.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail::harness {

// Polls `t` once: resumes it if its leaf future is ready, then completes it,
// parks it (idle) or requeues it. Consumes the queue entry's reference.
// Runs on a thread whose context belongs to t's scheduler.
void poll(task_header* t) noexcept;

// Cancels `t` if it is idle, or marks it so its current poll ends in
// cancellation. Consumes one reference (the owned list's, in a shutdown
// sweep).
void shutdown(task_header* t, bool by_runtime) noexcept;

// Drops one reference, freeing the cell if it was the last.
void drop_reference(task_header* t) noexcept;

// Wakes `t`; by_val consumes the caller's reference, by_ref does not.
void wake_by_val(task_header* t) noexcept;
void wake_by_ref(task_header* t) noexcept;

// abort(): asks for cancellation at the task's next suspension point.
// The caller holds a reference (not consumed).
void abort(task_header* t) noexcept;

// Join side. poll_join returns true once `t` has completed (the output can be
// taken); otherwise it stores `w` to be woken on completion.
bool poll_join(task_header* t, const waker& w) noexcept;
// Destroys the root frame and with it the result, if still there. Only the
// owner of the output may call it (see header.hpp).
void drop_output(task_header* t) noexcept;
// The join_handle went away: gives up join interest and its reference.
void drop_join_handle(task_header* t) noexcept;

// Polls a leaf future on behalf of task `t` (during t's poll), applying the
// cooperative budget: out of budget, it reports "not ready" and wakes `t`.
bool poll_leaf(task_header* t, leaf_future& leaf) noexcept;

// A waker for `t` holding its own reference, and one borrowed for a call.
waker make_waker(task_header* t) noexcept;
waker_ref borrow_waker(task_header* t) noexcept;

}  // namespace weft::rt::detail::harness
