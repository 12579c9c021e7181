// The task state word, one transition at a time.
#include "runtime/task/state.hpp"

#include <gtest/gtest.h>

namespace weft::rt::detail {
namespace {

using snap = state_snapshot;
constexpr std::uint64_t ref = snap::ref_one;

TEST(TaskState, StartsNotifiedWithThreeReferencesAndJoinInterest) {
  task_state s;
  const snap v = s.load();
  EXPECT_TRUE(v.is_idle());
  EXPECT_TRUE(v.is_notified());
  EXPECT_TRUE(v.is_join_interested());
  EXPECT_FALSE(v.has_join_waker());
  EXPECT_FALSE(v.is_cancelled());
  EXPECT_EQ(v.ref_count(), 3u);
  EXPECT_EQ(v.describe(), "NOTIFIED|JOIN_INTEREST refs=3");
}

TEST(TaskState, ToRunningClearsNotifiedAndSetsRunning) {
  task_state s;
  EXPECT_EQ(s.transition_to_running(), to_running::success);
  const snap v = s.load();
  EXPECT_TRUE(v.is_running());
  EXPECT_FALSE(v.is_notified());
  EXPECT_EQ(v.ref_count(), 3u);
}

TEST(TaskState, ToRunningReportsCancellation) {
  task_state s(snap::notified | snap::cancelled | 2 * ref);
  EXPECT_EQ(s.transition_to_running(), to_running::cancelled);
  EXPECT_TRUE(s.load().is_running());
}

TEST(TaskState, ToRunningOnARunningTaskDropsTheStaleEntry) {
  task_state s(snap::running | snap::notified | 2 * ref);
  EXPECT_EQ(s.transition_to_running(), to_running::failed);
  EXPECT_EQ(s.load().ref_count(), 1u);
}

TEST(TaskState, ToRunningOnACompleteTaskWithLastReferenceDeallocates) {
  task_state s(snap::complete | snap::notified | 1 * ref);
  EXPECT_EQ(s.transition_to_running(), to_running::dealloc);
  EXPECT_EQ(s.load().ref_count(), 0u);
}

TEST(TaskState, ToIdleConsumesThePollReference) {
  task_state s(snap::running | 2 * ref);
  EXPECT_EQ(s.transition_to_idle(), to_idle::ok);
  EXPECT_TRUE(s.load().is_idle());
  EXPECT_EQ(s.load().ref_count(), 1u);
}

TEST(TaskState, ToIdleWithLastReferenceDeallocates) {
  task_state s(snap::running | 1 * ref);
  EXPECT_EQ(s.transition_to_idle(), to_idle::ok_dealloc);
}

TEST(TaskState, WakeDuringPollMakesTheTaskRequeued) {
  task_state s(snap::running | 2 * ref);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::do_nothing);
  EXPECT_TRUE(s.load().is_notified());
  // The poller keeps its reference and gains one for the new queue entry.
  EXPECT_EQ(s.transition_to_idle(), to_idle::ok_notified);
  EXPECT_EQ(s.load().ref_count(), 3u);
  EXPECT_TRUE(s.load().is_idle());
  EXPECT_TRUE(s.load().is_notified());
}

TEST(TaskState, ToIdleOnACancelledTaskLeavesItRunning) {
  task_state s(snap::running | snap::cancelled | 2 * ref);
  EXPECT_EQ(s.transition_to_idle(), to_idle::cancelled);
  EXPECT_TRUE(s.load().is_running());
  EXPECT_EQ(s.load().ref_count(), 2u);
}

TEST(TaskState, CompleteFlipsRunningToComplete) {
  task_state s(snap::running | snap::join_interest | 2 * ref);
  const snap after = s.transition_to_complete();
  EXPECT_TRUE(after.is_complete());
  EXPECT_FALSE(after.is_running());
  EXPECT_TRUE(after.is_join_interested());
  EXPECT_FALSE(s.transition_to_terminal(1));
  EXPECT_TRUE(s.transition_to_terminal(1));
}

TEST(TaskState, WakeByRefOnIdleSubmitsWithANewReference) {
  task_state s(1 * ref);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::submit);
  EXPECT_TRUE(s.load().is_notified());
  EXPECT_EQ(s.load().ref_count(), 2u);
}

TEST(TaskState, DuplicateWakesAreHarmless) {
  task_state s(1 * ref);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::submit);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::do_nothing);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::do_nothing);
  EXPECT_EQ(s.load().ref_count(), 2u);
}

TEST(TaskState, WakeOfACompleteTaskDoesNothing) {
  task_state s(snap::complete | 2 * ref);
  EXPECT_EQ(s.transition_to_notified_by_ref(), to_notified_by_ref::do_nothing);
  EXPECT_EQ(s.load().bits(), snap::complete | 2 * ref);
}

TEST(TaskState, WakeByValueSubmitsAndKeepsTheCallersReferenceUntilDropped) {
  task_state s(2 * ref);  // one for the waker, one elsewhere
  EXPECT_EQ(s.transition_to_notified_by_val(), to_notified_by_val::submit);
  EXPECT_EQ(s.load().ref_count(), 3u);  // + queue entry; the caller drops the waker's after
}

TEST(TaskState, WakeByValueOnRunningTaskConsumesTheWakersReference) {
  task_state s(snap::running | 2 * ref);
  EXPECT_EQ(s.transition_to_notified_by_val(), to_notified_by_val::do_nothing);
  EXPECT_EQ(s.load().ref_count(), 1u);
  EXPECT_TRUE(s.load().is_notified());
}

TEST(TaskState, StaleWakeByValueWithLastReferenceDeallocates) {
  task_state s(snap::complete | 1 * ref);
  EXPECT_EQ(s.transition_to_notified_by_val(), to_notified_by_val::dealloc);
}

TEST(TaskState, AbortOfIdleTaskSubmitsOnce) {
  task_state s(snap::join_interest | 2 * ref);
  EXPECT_TRUE(s.transition_to_notified_and_cancel());
  EXPECT_TRUE(s.load().is_cancelled());
  EXPECT_TRUE(s.load().is_notified());
  EXPECT_EQ(s.load().ref_count(), 3u);
  EXPECT_FALSE(s.transition_to_notified_and_cancel());  // second abort: no-op
}

TEST(TaskState, AbortOfQueuedTaskReliesOnTheQueuedEntry) {
  task_state s(snap::notified | 2 * ref);
  EXPECT_FALSE(s.transition_to_notified_and_cancel());
  EXPECT_TRUE(s.load().is_cancelled());
  EXPECT_EQ(s.load().ref_count(), 2u);
}

TEST(TaskState, AbortOfRunningTaskSetsNotifiedSoThePollerRequeues) {
  task_state s(snap::running | 2 * ref);
  EXPECT_FALSE(s.transition_to_notified_and_cancel());
  EXPECT_TRUE(s.load().is_cancelled());
  EXPECT_TRUE(s.load().is_notified());
}

TEST(TaskState, AbortOfCompleteTaskDoesNothing) {
  task_state s(snap::complete | 1 * ref);
  EXPECT_FALSE(s.transition_to_notified_and_cancel());
  EXPECT_FALSE(s.load().is_cancelled());
}

TEST(TaskState, ShutdownTakesRunningOnlyWhenIdle) {
  task_state idle(1 * ref);
  EXPECT_TRUE(idle.transition_to_shutdown());
  EXPECT_TRUE(idle.load().is_running());
  EXPECT_TRUE(idle.load().is_cancelled());

  task_state running(snap::running | 1 * ref);
  EXPECT_FALSE(running.transition_to_shutdown());
  EXPECT_TRUE(running.load().is_cancelled());
}

TEST(TaskState, JoinInterestCannotBeDroppedAfterCompletion) {
  task_state s(snap::complete | snap::join_interest | 1 * ref);
  snap seen(0);
  EXPECT_FALSE(s.unset_join_interest(seen));
  EXPECT_TRUE(seen.is_complete());

  task_state live(snap::join_interest | 2 * ref);
  EXPECT_TRUE(live.unset_join_interest(seen));
  EXPECT_FALSE(live.load().is_join_interested());
}

TEST(TaskState, JoinWakerSetAndUnsetFailOnceComplete) {
  task_state s(snap::join_interest | 2 * ref);
  snap seen(0);
  EXPECT_TRUE(s.set_join_waker(seen));
  EXPECT_TRUE(s.load().has_join_waker());
  EXPECT_TRUE(s.unset_join_waker(seen));
  EXPECT_FALSE(s.load().has_join_waker());

  task_state done(snap::complete | snap::join_interest | 1 * ref);
  EXPECT_FALSE(done.set_join_waker(seen));
}

TEST(TaskState, FastJoinDropOnlyFromTheInitialState) {
  task_state fresh;
  EXPECT_TRUE(fresh.drop_join_handle_fast());
  EXPECT_FALSE(fresh.load().is_join_interested());
  EXPECT_EQ(fresh.load().ref_count(), 2u);

  task_state polled;
  EXPECT_EQ(polled.transition_to_running(), to_running::success);
  EXPECT_FALSE(polled.drop_join_handle_fast());
}

TEST(TaskState, RefCountReportsLastDrop) {
  task_state s(1 * ref);
  s.ref_inc();
  EXPECT_FALSE(s.ref_dec());
  EXPECT_TRUE(s.ref_dec());
}

}  // namespace
}  // namespace weft::rt::detail
