// wake-by-ref-release: the runtime's own task state word, woken by
// reference while the task is already queued.
//
// A waker publishes an event (a flag) and wakes the task by reference. If
// the task is already NOTIFIED (queued by an earlier wake), the old
// transition_to_notified_by_ref changed nothing and so stored nothing. The
// worker that then polls the task synchronises, through its to_running
// RMW, with the newest store of the state word — written by the earlier
// wake, before the flag was set — so under the C++ memory model the poll
// may read the flag as unset, return pending and go idle: the task sleeps
// with its event delivered (a lost wake-up). Under sequential consistency
// it cannot happen, which is why a nearly sequentially consistent checker
// misses it; Tokio had the same hole (found by Miri's weak-memory emulation,
// tokio-rs/tokio#7589; fixed with a release RMW, #7622).
//
// The bug twin switches on sys::defect::wake_by_ref_unreleased, which
// restores the old path in runtime/task/state.hpp; the fixed twin runs the
// state word as it is. Both explored under weak memory.
#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/defect.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/state.hpp"

namespace weft::examples {
namespace {

using rt::detail::state_snapshot;
using rt::detail::task_state;
using rt::detail::to_idle;
using rt::detail::to_notified_by_ref;

void wake_by_ref_release() {
  task_state state(state_snapshot::ref_one * 2);  // idle, not queued
  sys::atomic<bool> event{false};
  sys::atomic<bool> queued{false};  // a one-entry run queue
  bool saw_event = false;           // what the task's last poll saw
  sys::thread waker("waker", [&] {
    if (state.transition_to_notified_by_ref() == to_notified_by_ref::submit) queued.store(true, std::memory_order_release);
    event.store(true, std::memory_order_release);
    if (state.transition_to_notified_by_ref() == to_notified_by_ref::submit) queued.store(true, std::memory_order_release);
  });
  sys::thread worker("worker", [&] {
    while (!queued.load(std::memory_order_acquire)) sys::yield_thread();
    to_idle after = to_idle::ok_notified;
    while (after == to_idle::ok_notified) {  // woken during the poll: poll again
      state.transition_to_running();
      saw_event = event.load(std::memory_order_acquire);
      after = state.transition_to_idle();
    }
  });
  waker.join();
  worker.join();
  WEFT_ASSERT(state.load().is_notified() || saw_event,
              "lost wake-up: the task went idle without seeing the event its last wake was for");
}

}  // namespace

std::vector<check> wake_by_ref_release_checks() {
  return {{"wake-by-ref-release", "bug",
           "the task state word's by-reference wake of a queued task stores nothing, so releases nothing",
           wake_by_ref_release, true, sys::defect_bit(sys::defect::wake_by_ref_unreleased)},
          {"wake-by-ref-release-fixed", "fixed", "wake-by-ref-release with the wake written back as a release RMW",
           wake_by_ref_release, true, 0}};
}

}  // namespace weft::examples
