#include "runtime/task/harness.hpp"

#include <stdexcept>

#include "runtime/context.hpp"
#include "runtime/coop.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/frame_alloc.hpp"
#include "runtime/task/task.hpp"

namespace weft::rt::detail {
namespace {

// ---- the task waker ----

void* waker_clone(void* data) noexcept {
  static_cast<task_header*>(data)->state.ref_inc();
  return data;
}
void waker_wake(void* data) noexcept { harness::wake_by_val(static_cast<task_header*>(data)); }
void waker_wake_by_ref(void* data) noexcept {
  harness::wake_by_ref(static_cast<task_header*>(data));
}
void waker_drop(void* data) noexcept { harness::drop_reference(static_cast<task_header*>(data)); }

constexpr waker_vtable task_waker_vtable = {&waker_clone, &waker_wake, &waker_wake_by_ref,
                                            &waker_drop};

// ---- internals ----

void dealloc(task_header* t) noexcept {
  WEFT_ASSERT(!t->root, "task freed with its coroutine frame still alive");
  if (t->output_stage.get() != stage::consumed) {
    t->destroy_result(t);
  }
  WEFT_ASSERT(t->block_owned, "freeing a cell that does not own its block");
  scheduler* s = t->sched;
  t->~task_header();  // drops the join waker, which may free another task: fine.
  free_cell_block(t);
  s->drop_ref();
}

std::uint64_t current_task_id() noexcept {
  const context* cx = current_context::get();
  return (cx != nullptr && cx->current != nullptr) ? cx->current->id : 0;
}

trace::outcome outcome_of(task_header* t) noexcept {
  switch (t->output_stage.get()) {
    case stage::cancelled:
      return trace::outcome::cancelled;
    case stage::finished:
      return t->root_failed ? trace::outcome::error : trace::outcome::ok;
    default:
      WEFT_ASSERT(false, "completion without an output");
      return trace::outcome::error;
  }
}

// Completes `t`, whose RUNNING bit the caller holds along with one reference.
void complete(task_header* t) noexcept {
  t->sched->trace(trace::kind::complete, t->id, static_cast<std::int64_t>(outcome_of(t)));
  // Leave the owned list first, so that anyone who sees COMPLETE also sees
  // the task gone from the runtime's live count.
  const std::uint64_t refs = t->sched->release(t) ? 2 : 1;
  const state_snapshot snap = t->state.transition_to_complete();
  if (!snap.is_join_interested()) {
    // Nobody will read the output: it is ours to drop.
    harness::drop_output(t);
  } else if (snap.has_join_waker()) {
    // JOIN_WAKER set and COMPLETE now set: the slot is ours to read.
    t->join_waker.with([](const waker& w) { w.wake_by_ref(); });
  }
  if (t->state.transition_to_terminal(refs)) {
    dealloc(t);
  }
}

// Destroys the coroutine frames of `t` (RUNNING held) and completes it.
void cancel_and_complete(task_header* t, bool by_runtime) noexcept {
  t->sched->trace(trace::kind::cancel, t->id, by_runtime ? 1 : 0);
  t->slot.with_mut([](poll_slot& s) { s = poll_slot{}; });
  std::exchange(t->root, nullptr).destroy();
  t->output_stage.set(stage::cancelled);
  complete(t);
}

// Resumes `t` if its leaf is ready. Returns true if the root finished.
bool run(task_header* t) noexcept {
  leaf_future* pending = t->slot.with([](const poll_slot& s) { return s.pending; });
  if (pending != nullptr && !harness::poll_leaf(t, *pending)) {
    return false;
  }
  const std::coroutine_handle<> leaf = t->slot.with_mut([](poll_slot& s) {
    s.pending = nullptr;
    return s.leaf;
  });
  leaf.resume();
  if (t->root.done()) {
    // The result is outside the frame: destroy the frame now, so its
    // parameters (channel senders, guards, ...) go when the task finishes,
    // not when it is joined.
    std::exchange(t->root, nullptr).destroy();
    t->output_stage.set(stage::finished);
    return true;
  }
  WEFT_ASSERT(t->slot.with([](const poll_slot& s) { return s.pending != nullptr; }),
              "a weft task suspended without recording a leaf future");
  return false;
}

}  // namespace

bool await_leaf(task_header* owner, poll_slot* slot, std::coroutine_handle<> frame,
                leaf_future& leaf) {
  if (harness::poll_leaf(owner, leaf)) {
    return true;
  }
  slot->leaf = frame;
  slot->pending = &leaf;
  return false;
}

void mark_root_failed(task_header* t) noexcept { t->root_failed = true; }

void throw_outside_task() {
  throw usage_error(
      "weft: a weft awaitable was awaited in a task that is not running on a weft runtime; "
      "spawn it or pass it to runtime::block_on");
}

namespace harness {

bool poll_leaf(task_header* t, leaf_future& leaf) noexcept {
  if (leaf.cooperative() && !coop::has_budget()) {
    // Out of budget: report "not ready" and ask to be polled again after
    // the others had a turn.
    harness::wake_by_ref(t);
    return false;
  }
  const waker_ref w = harness::borrow_waker(t);
  if (!leaf.poll(w)) {
    return false;
  }
  if (leaf.cooperative()) {
    coop::consume();
  }
  return true;
}

void poll(task_header* t) noexcept {
  switch (t->state.transition_to_running()) {
    case to_running::success:
      break;
    case to_running::cancelled:
      cancel_and_complete(t, /*by_runtime=*/false);
      return;
    case to_running::failed:
      return;
    case to_running::dealloc:
      dealloc(t);
      return;
  }
  context* cx = current_context::get();
  WEFT_ASSERT(cx != nullptr && cx->sched == t->sched, "task polled off its scheduler");
  t->sched->trace(trace::kind::poll_start, t->id);
  task_header* const outer = std::exchange(cx->current, t);
  const bool finished = run(t);
  cx->current = outer;
  t->sched->trace(trace::kind::poll_end, t->id, finished ? 1 : 0);
  if (finished) {
    complete(t);
    return;
  }
  switch (t->state.transition_to_idle()) {
    case to_idle::ok:
      return;
    case to_idle::ok_notified:
      // Two references now: one for the new queue entry, one ours, kept
      // until the scheduler has the task.
      t->sched->schedule_after_poll(t);
      drop_reference(t);
      return;
    case to_idle::ok_dealloc:
      dealloc(t);
      return;
    case to_idle::cancelled:
      cancel_and_complete(t, /*by_runtime=*/false);
      return;
  }
}

void shutdown(task_header* t, bool by_runtime) noexcept {
  if (!t->state.transition_to_shutdown()) {
    // Running elsewhere (its poller will cancel it) or already complete.
    drop_reference(t);
    return;
  }
  cancel_and_complete(t, by_runtime);
}

void drop_reference(task_header* t) noexcept {
  if (t->state.ref_dec()) {
    dealloc(t);
  }
}

void wake_by_val(task_header* t) noexcept {
  switch (t->state.transition_to_notified_by_val()) {
    case to_notified_by_val::submit:
      t->sched->trace(trace::kind::wake, t->id, static_cast<std::int64_t>(current_task_id()), 1);
      t->sched->schedule(t);
      drop_reference(t);
      return;
    case to_notified_by_val::dealloc:
      dealloc(t);
      return;
    case to_notified_by_val::do_nothing:
      return;
  }
}

void wake_by_ref(task_header* t) noexcept {
  if (t->state.transition_to_notified_by_ref() == to_notified_by_ref::submit) {
    t->sched->trace(trace::kind::wake, t->id, static_cast<std::int64_t>(current_task_id()), 1);
    t->sched->schedule(t);
  } else if (t->sched->tracing()) {
    t->sched->trace(trace::kind::wake, t->id, static_cast<std::int64_t>(current_task_id()), 0);
  }
}

void abort(task_header* t) noexcept {
  if (t->state.transition_to_notified_and_cancel()) {
    t->sched->schedule(t);
  }
}

namespace {
bool store_join_waker(task_header* t, const waker& w) noexcept {
  t->join_waker.with_mut([&](waker& slot) { slot = w; });
  state_snapshot seen(0);
  if (!t->state.set_join_waker(seen)) {
    // Completed meanwhile: the slot is still ours; empty it.
    t->join_waker.with_mut([](waker& slot) { slot.reset(); });
    return false;
  }
  return true;
}
}  // namespace

bool poll_join(task_header* t, const waker& w) noexcept {
  state_snapshot snap = t->state.load();
  if (snap.is_complete()) {
    return true;
  }
  if (snap.has_join_waker()) {
    if (t->join_waker.with([&](const waker& cur) { return cur.will_wake(w); })) {
      return false;  // the stored waker already wakes this task
    }
    // Take the slot back before replacing the waker in it.
    if (!t->state.unset_join_waker(snap)) {
      return true;  // completed first
    }
  }
  return !store_join_waker(t, w);
}

void drop_output(task_header* t) noexcept {
  if (t->output_stage.get() == stage::finished) {
    t->destroy_result(t);
    t->output_stage.set(stage::consumed);
  }
}

void drop_join_handle(task_header* t) noexcept {
  if (t->state.drop_join_handle_fast()) {
    return;
  }
  state_snapshot seen(0);
  if (!t->state.unset_join_interest(seen)) {
    drop_output(t);  // completed: the output is the handle's to drop
  }
  drop_reference(t);
}

waker make_waker(task_header* t) noexcept {
  t->state.ref_inc();
  return waker(&task_waker_vtable, t);
}

waker_ref borrow_waker(task_header* t) noexcept { return waker_ref(&task_waker_vtable, t); }

}  // namespace harness
}  // namespace weft::rt::detail
