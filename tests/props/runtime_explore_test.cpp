// The runtime's own concurrency, explored: the real local and inject
// queues, the task state word, the sync primitives and the multi_thread
// scheduler (compiled against the sim flavour of runtime/sys, where every
// atomic, lock and park is a scheduling point), each check run under dfs:2
// (every interleaving with at most two preemptions; each must be exhausted)
// and under pct:3 (2,000 schedules). A check is a small body with two or
// three simulated threads besides main; it fails on a WEFT_ASSERT (the
// runtime's own or the check's), a deadlock or lost wakeup, a data race on
// a sys::cell, or livelock.
//
// Schedules dfs:2 takes to exhaust each check, and time (2-core machine):
//
//   check                release (-O2)            asan+ubsan (-O1)
//   local-queue              281   < 0.01 s                0.01 s
//   inject                   469   < 0.01 s                0.01 s
//   inject-close             677   < 0.01 s                0.02 s
//   state-two-pollers      1,074   < 0.01 s                0.03 s
//   state-abort            1,057   < 0.01 s                0.03 s
//   state-shutdown         1,499   < 0.01 s                0.04 s
//   oneshot                   52   < 0.01 s              < 0.01 s
//   oneshot-rx-drop           30   < 0.01 s              < 0.01 s
//   oneshot-tx-drop           27   < 0.01 s              < 0.01 s
//   mpsc                  83,333     0.81 s                6.3 s
//   mpsc-close             3,807     0.02 s                0.15 s
//   notify                    30   < 0.01 s              < 0.01 s
//   notify-pass-on           481   < 0.01 s                0.01 s
//   notify-waiters            52   < 0.01 s              < 0.01 s
//   semaphore              1,767   < 0.01 s                0.04 s
//   rt-oneshot               327   < 0.01 s                0.02 s
//   rt-mpsc-bounded      168,357     2.5 s                 20 s
//   rt-mpsc-notify        27,595     0.26 s                2.4 s
//   mt-shutdown          469,866     6.3 s                56 s
//   mt-fan-out           586,278     9.3 s             82-95 s
//
// pct:3, 2,000 schedules per check: 0.2 s in all in release, 1.8 s under
// ASan. The whole binary (ctest -R '^Explore'): 16 s in release, 2 min 24 s
// to 2 min 37 s under ASan+UBSan (build/asan). The two multi_thread checks
// are nearly all of it; they are kept exhaustive because they are the only
// ones that run the real scheduler, parker and shutdown end to end.
//
// Replaying a failure: the report's "reproduce:" line sets WEFT_SCHEDULE to
// the shrunk schedule and filters to the one test.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "props/explore.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/state.hpp"
#include "runtime/task/thread_waker.hpp"
#include "tests/props/runtime_checks.hpp"

namespace weft::props {
namespace {

static_assert(sys::is_simulated, "this suite runs against the sim flavour");

using rt::detail::task_header;

// ---- running a check ----
//
// A failure prints the explorer's report ("weft: FOUND ...") with the
// shrunk schedule and a line that replays it: WEFT_SCHEDULE=<schedule> and
// a --gtest_filter naming the one test (a schedule only fits its own check).

strategy_spec strategy(const std::string& text) {
  std::string error;
  const auto s = parse_strategy(text, error);
  EXPECT_TRUE(s.has_value()) << error;
  return s.value_or(strategy_spec{});
}

std::optional<std::string> schedule_to_replay() {
  const char* s = std::getenv("WEFT_SCHEDULE");
  if (s == nullptr || *s == '\0') return std::nullopt;
  return std::string(s);
}

explore_options options_for(const std::string& name, const std::string& strat, std::uint64_t iterations) {
  explore_options o;
  o.name = name;
  o.strategy = strategy(strat);
  o.iterations = iterations;
#if defined(__SANITIZE_ADDRESS__)
  o.stack_size = 1024 * 1024;  // ASan's frames are large
#endif
  const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
  o.repro = std::string("WEFT_SCHEDULE={} weft_runtime_explore_tests --gtest_filter=") +
            (test != nullptr ? std::string(test->test_suite_name()) + "." + test->name() : std::string("*"));
  if (const auto replay = schedule_to_replay()) {
    o.strategy.which = strategy_spec::kind::replay;
    o.strategy.schedule = *replay;
  }
  return o;
}

// `weak`: under weak memory (sim/core/memory.hpp).
explore_result run(const std::string& name, const std::string& strat, std::uint64_t iterations,
                   const std::function<void()>& body, bool weak = false) {
  explore_options o = options_for(name, strat, iterations);
  o.weak_memory = weak;
  const explore_result r = explore(o, body);
  std::cout << "[" << name << (weak ? ", weak memory" : "") << "] " << r.summary();
  return r;
}

// No failure, and (unless replaying one schedule) every schedule or class checked.
void expect_clean(const explore_result& r, bool must_exhaust) {
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  if (!schedule_to_replay() && must_exhaust) {
    EXPECT_TRUE(r.exhausted) << r.summary();
  }
}

// dfs:2 must check every schedule within the bound in fewer than `budget`.
void expect_exhausted(const std::string& name, const std::function<void()>& body, std::uint64_t budget) {
  expect_clean(run(name, "dfs:2", budget, body), true);
}

void expect_pct_clean(const std::string& name, const std::function<void()>& body, std::uint64_t iterations = 2'000) {
  const explore_result r = run(name, "pct:3", iterations, body);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  if (!schedule_to_replay()) {
    EXPECT_EQ(r.schedules, iterations);
  }
}

// dpor must exhaust every class of interleavings (no preemption bound) in
// fewer than `budget` runs. Only the checks whose classes are few enough
// for CI; docs/explore.md has the counts for all of them.
void expect_dpor_exhausted(const std::string& name, const std::function<void()>& body, std::uint64_t budget) {
  expect_clean(run(name, "dpor", budget, body), true);
}

// ---- 1. the local queue ----

// Both strategies must also reach both overflow paths and the steal.
TEST(ExploreLocalQueue, PushPopStealAndOverflowLoseNothingUnderDfs2) {
  runtime_checks::local_queue_coverage seen;
  expect_exhausted("local-queue", [&seen] { runtime_checks::local_queue_push_pop_steal(&seen); }, 200'000);
  if (schedule_to_replay()) return;
  EXPECT_GT(seen.overflow_half, 0u);
  EXPECT_GT(seen.overflow_single, 0u);
  EXPECT_GT(seen.steals, 0u);
}
TEST(ExploreLocalQueue, PushPopStealAndOverflowLoseNothingUnderPct3) {
  runtime_checks::local_queue_coverage seen;
  expect_pct_clean("local-queue", [&seen] { runtime_checks::local_queue_push_pop_steal(&seen); });
  if (schedule_to_replay()) return;
  EXPECT_GT(seen.overflow_half, 0u);
  EXPECT_GT(seen.overflow_single, 0u);
  EXPECT_GT(seen.steals, 0u);
}

// ---- 2. the inject queue ----

// Two producers push (one a single task twice, the other a batch of two and
// then a single task) while main pops, one at a time and in bounded batches.
// Every task is popped exactly once, each producer's tasks in its order.
void inject_push_push_pop() {
  constexpr std::size_t n = 5;
  const runtime_checks::fake_tasks tasks(n);
  rt::detail::inject_queue q;
  sys::thread a("producer-a", [&] {
    WEFT_ASSERT(q.push(tasks[0]), "push to an open queue refused");
    WEFT_ASSERT(q.push(tasks[1]), "push to an open queue refused");
  });
  sys::thread b("producer-b", [&] {
    tasks[2]->queue_next = tasks[3];
    tasks[3]->queue_next = nullptr;
    WEFT_ASSERT(q.push_batch(tasks[2], tasks[3], 2), "batch push to an open queue refused");
    WEFT_ASSERT(q.push(tasks[4]), "push to an open queue refused");
  });
  std::vector<std::uint64_t> order;
  if (task_header* t = q.pop()) order.push_back(t->id);
  std::size_t count = 0;
  std::size_t linked = 0;
  for (task_header* t = q.pop_n(2, count); t != nullptr; ++linked) {
    task_header* next = t->queue_next;
    order.push_back(t->id);
    t = next;
  }
  WEFT_ASSERT(count <= 2 && linked == count, "pop_n took more than asked, or miscounted its batch");
  a.join();
  b.join();
  while (task_header* t = q.pop()) order.push_back(t->id);
  WEFT_ASSERT(q.is_empty() && q.len() == 0, "a drained inject queue reports a length");
  WEFT_ASSERT(order.size() == n, "a task was lost or popped twice");
  std::vector<std::size_t> position(n, n);
  for (std::size_t i = 0; i < order.size(); ++i) {
    WEFT_ASSERT(position[order[i]] == n, "a task was popped twice");
    position[order[i]] = i;
  }
  WEFT_ASSERT(position[0] < position[1], "producer a's tasks out of order");
  WEFT_ASSERT(position[3] == position[2] + 1, "a batch was split or reordered");
  WEFT_ASSERT(position[3] < position[4], "producer b's tasks out of order");
}

// The same producers while main pops once and closes the queue: a push is
// refused only after the close (so never before an accepted one from the
// same producer), nothing refused is in the queue, everything accepted is
// popped exactly once, and only the first close reports closing it.
void inject_close_races_push() {
  constexpr std::size_t n = 5;
  const runtime_checks::fake_tasks tasks(n);
  rt::detail::inject_queue q;
  std::vector<int> accepted(n, -1);  // per task: written by its producer only
  sys::thread a("producer-a", [&] {
    accepted[0] = q.push(tasks[0]) ? 1 : 0;
    accepted[1] = q.push(tasks[1]) ? 1 : 0;
  });
  sys::thread b("producer-b", [&] {
    tasks[2]->queue_next = tasks[3];
    tasks[3]->queue_next = nullptr;
    accepted[2] = accepted[3] = q.push_batch(tasks[2], tasks[3], 2) ? 1 : 0;
    accepted[4] = q.push(tasks[4]) ? 1 : 0;
  });
  std::vector<int> popped(n, 0);
  if (task_header* t = q.pop()) ++popped[t->id];
  WEFT_ASSERT(q.close(), "the first close did not report closing");
  WEFT_ASSERT(!q.close(), "a second close reported closing");
  WEFT_ASSERT(q.is_closed(), "a closed queue reports open");
  a.join();
  b.join();
  while (task_header* t = q.pop()) ++popped[t->id];
  WEFT_ASSERT(q.is_empty(), "a drained inject queue reports a length");
  for (std::size_t i = 0; i < n; ++i) {
    WEFT_ASSERT(accepted[i] == 0 || accepted[i] == 1, "a push did not happen");
    WEFT_ASSERT(popped[i] == accepted[i], "an accepted task was lost or popped twice, or a refused one queued");
  }
  WEFT_ASSERT(accepted[0] >= accepted[1], "a push was accepted after an earlier one was refused");
  WEFT_ASSERT(accepted[2] >= accepted[4], "a push was accepted after an earlier one was refused");
}

TEST(ExploreInjectQueue, TwoProducersOneConsumerUnderDfs2) { expect_exhausted("inject", inject_push_push_pop, 200'000); }
TEST(ExploreInjectQueue, TwoProducersOneConsumerUnderPct3) { expect_pct_clean("inject", inject_push_push_pop); }
TEST(ExploreInjectQueue, CloseRacesPushesUnderDfs2) { expect_exhausted("inject-close", inject_close_races_push, 200'000); }
TEST(ExploreInjectQueue, CloseRacesPushesUnderPct3) { expect_pct_clean("inject-close", inject_close_races_push); }

// ---- 3. the task state word ----
//
// The real transitions of runtime/task/state.hpp, driven by a harness that
// follows runtime/task/harness.cpp step for step (poll, complete, cancel,
// wake by value and by reference, abort, join-handle drop, shutdown) but
// whose "scheduler" is a counter of queue entries and whose "task" waits for
// an event flag. Counters record what the state word promises:
//   - at most one thread holds RUNNING (polls or cancels) at a time;
//   - a wake is never lost: once the event is set and woken, the task
//     completes (the final drain polls every queue entry left);
//   - the cell is freed exactly once, when the last reference goes;
//   - a finished task's output is dropped exactly once (by the completer
//     when nobody joins, else by the join handle), a cancelled one's never;
//     the output lives in a sys::cell, so a hand-over the state word does not
//     order is reported as a data race.
namespace state_model {

using rt::detail::state_snapshot;

enum output : int { pending = 0, finished = 1, cancelled = 2, dropped = 3 };

struct model_task {
  explicit model_task(std::uint64_t extra_refs)
      : state(state_snapshot::initial + extra_refs * state_snapshot::ref_one) {}
  rt::detail::task_state state;   // NOTIFIED, JOIN_INTEREST, refs: owned list, queue entry, join + extra
  sys::atomic<int> queued{1};     // queue entries; the first is the spawn's
  sys::atomic<int> running{0};    // threads holding RUNNING
  sys::atomic<int> frees{0};
  sys::atomic<bool> in_owned{true};
  sys::atomic<bool> event{false};  // what the task waits for
  sys::cell<int> out{pending};
};

void freed(model_task& m) {
  WEFT_ASSERT(m.frees.fetch_add(1, std::memory_order_acq_rel) == 0, "task cell freed twice");
  WEFT_ASSERT(m.state.load().ref_count() == 0, "task cell freed while referenced");
}
void drop_reference(model_task& m) {
  if (m.state.ref_dec()) freed(m);
}
void submit(model_task& m) { m.queued.fetch_add(1, std::memory_order_acq_rel); }
bool take_entry(model_task& m) {
  int q = m.queued.load(std::memory_order_acquire);
  while (q > 0) {
    if (m.queued.compare_exchange_weak(q, q - 1, std::memory_order_acq_rel, std::memory_order_acquire)) return true;
  }
  return false;
}
void enter(model_task& m) {
  WEFT_ASSERT(m.running.fetch_add(1, std::memory_order_acq_rel) == 0, "two threads hold RUNNING");
}
void leave(model_task& m) { m.running.fetch_sub(1, std::memory_order_acq_rel); }

void drop_output(model_task& m) {
  m.out.with_mut([](int& o) {
    WEFT_ASSERT(o != dropped, "output dropped twice");
    WEFT_ASSERT(o != pending, "output dropped before the task completed");
    if (o == finished) o = dropped;
  });
}

// harness::complete: the caller holds RUNNING and one reference.
void complete(model_task& m) {
  const std::uint64_t refs = m.in_owned.exchange(false, std::memory_order_acq_rel) ? 2 : 1;
  leave(m);
  const state_snapshot snap = m.state.transition_to_complete();
  if (!snap.is_join_interested()) drop_output(m);
  if (m.state.transition_to_terminal(refs)) freed(m);
}
void cancel_and_complete(model_task& m) {
  m.out.with_mut([](int& o) {
    WEFT_ASSERT(o == pending, "a completed task cancelled");
    o = cancelled;
  });
  complete(m);
}

// harness::poll: consumes the queue entry's reference.
void poll(model_task& m) {
  switch (m.state.transition_to_running()) {
    case rt::detail::to_running::success:
      break;
    case rt::detail::to_running::cancelled:
      enter(m);
      cancel_and_complete(m);
      return;
    case rt::detail::to_running::failed:
      return;
    case rt::detail::to_running::dealloc:
      freed(m);
      return;
  }
  enter(m);
  if (m.event.load(std::memory_order_acquire)) {
    m.out.with_mut([](int& o) {
      WEFT_ASSERT(o == pending, "a task completed twice");
      o = finished;
    });
    complete(m);
    return;
  }
  leave(m);
  switch (m.state.transition_to_idle()) {
    case rt::detail::to_idle::ok:
      return;
    case rt::detail::to_idle::ok_notified:
      submit(m);
      drop_reference(m);
      return;
    case rt::detail::to_idle::ok_dealloc:
      freed(m);
      return;
    case rt::detail::to_idle::cancelled:
      enter(m);
      cancel_and_complete(m);
      return;
  }
}

void poll_queued(model_task& m, int at_most) {
  for (int i = 0; i < at_most && take_entry(m); ++i) poll(m);
}

// harness::wake_by_val: consumes the waker's reference.
void wake_by_val(model_task& m) {
  switch (m.state.transition_to_notified_by_val()) {
    case rt::detail::to_notified_by_val::submit:
      submit(m);
      drop_reference(m);
      return;
    case rt::detail::to_notified_by_val::dealloc:
      freed(m);
      return;
    case rt::detail::to_notified_by_val::do_nothing:
      return;
  }
}
void wake_by_ref(model_task& m) {
  if (m.state.transition_to_notified_by_ref() == rt::detail::to_notified_by_ref::submit) submit(m);
}
void abort(model_task& m) {
  if (m.state.transition_to_notified_and_cancel()) submit(m);
}
void drop_join_handle(model_task& m) {
  if (m.state.drop_join_handle_fast()) return;
  state_snapshot seen(0);
  if (!m.state.unset_join_interest(seen)) drop_output(m);
  drop_reference(m);
}
// One task of a shutdown sweep: the owned list's reference.
void shutdown(model_task& m) {
  if (!m.in_owned.exchange(false, std::memory_order_acq_rel)) return;  // completed: released itself
  if (!m.state.transition_to_shutdown()) {
    drop_reference(m);
    return;
  }
  enter(m);
  cancel_and_complete(m);
}

// After every other thread is done: poll what is queued, then check the end.
void drain_and_check(model_task& m, bool may_be_cancelled) {
  while (take_entry(m)) poll(m);
  const state_snapshot s = m.state.load();
  WEFT_ASSERT(s.is_complete(), "a wake was lost: the event is set but the task never completed");
  WEFT_ASSERT(m.frees.load(std::memory_order_acquire) == 1, "task cell never freed (a reference leaked)");
  WEFT_ASSERT(m.running.load(std::memory_order_acquire) == 0, "RUNNING still counted");
  const int o = m.out.get();
  WEFT_ASSERT(o == dropped || (may_be_cancelled && o == cancelled), "the output was not dropped exactly once");
}

// Two pollers and a waker (by reference, then dropping its reference);
// main drops the join handle while they run.
void wake_vs_two_pollers() {
  model_task m(1);  // + the waker's reference
  sys::thread worker("worker-2", [&] { poll_queued(m, 2); });
  sys::thread waker("waker", [&] {
    m.event.store(true, std::memory_order_release);
    wake_by_ref(m);
    drop_reference(m);
  });
  poll_queued(m, 2);
  drop_join_handle(m);
  worker.join();
  waker.join();
  drain_and_check(m, false);
}

// A wake by value races an abort and the join handle's drop; main polls.
void wake_vs_abort_vs_join_drop() {
  model_task m(1);
  sys::thread waker("waker", [&] {
    m.event.store(true, std::memory_order_release);
    wake_by_val(m);
  });
  sys::thread joiner("joiner", [&] {
    abort(m);
    drop_join_handle(m);
  });
  poll_queued(m, 3);
  waker.join();
  joiner.join();
  drain_and_check(m, true);
}

// A runtime shutdown sweep races a poll and a wake: stale queue entries
// (the task cancelled while queued) must drop their references.
void wake_vs_poll_vs_shutdown() {
  model_task m(1);
  sys::thread waker("waker", [&] {
    m.event.store(true, std::memory_order_release);
    wake_by_val(m);
  });
  sys::thread sweeper("shutdown", [&] { shutdown(m); });
  poll_queued(m, 2);
  drop_join_handle(m);
  waker.join();
  sweeper.join();
  drain_and_check(m, true);
}

}  // namespace state_model

TEST(ExploreTaskState, WakeVsTwoPollersUnderDfs2) { expect_exhausted("state-two-pollers", state_model::wake_vs_two_pollers, 200'000); }
TEST(ExploreTaskState, WakeVsTwoPollersUnderPct3) { expect_pct_clean("state-two-pollers", state_model::wake_vs_two_pollers); }
TEST(ExploreTaskState, WakeVsAbortVsJoinDropUnderDfs2) {
  expect_exhausted("state-abort", state_model::wake_vs_abort_vs_join_drop, 200'000);
}
TEST(ExploreTaskState, WakeVsAbortVsJoinDropUnderPct3) { expect_pct_clean("state-abort", state_model::wake_vs_abort_vs_join_drop); }
TEST(ExploreTaskState, WakeVsPollVsShutdownUnderDfs2) {
  expect_exhausted("state-shutdown", state_model::wake_vs_poll_vs_shutdown, 200'000);
}
TEST(ExploreTaskState, WakeVsPollVsShutdownUnderPct3) { expect_pct_clean("state-shutdown", state_model::wake_vs_poll_vs_shutdown); }


// ---- 4. runtime/sync ----
//
// Plain simulated threads stand in for tasks: each waits on the real leaf
// futures with rt::detail::block_until_ready, which polls with a waker that
// unparks the thread (the waker block_on and join_handle::wait() use), so a
// lost wake leaves a thread parked forever and the explorer reports it.
// The last check drives the same primitives with task wakers inside a
// current_thread runtime.

// A waker that does nothing: what a future kept from an earlier poll by
// another task (the next poll replaces it).
void* noop_clone(void* data) noexcept { return data; }
void noop_wake(void*) noexcept {}
void noop_drop(void*) noexcept {}
constexpr rt::waker_vtable noop_vtable = {&noop_clone, &noop_wake, &noop_wake, &noop_drop};
rt::waker noop_waker() {
  static int target = 0;
  return rt::waker(&noop_vtable, &target);
}

void wait(rt::leaf_future& leaf) { rt::detail::block_until_ready(leaf); }

// oneshot: send races the receiver's polls, the first of which stored
// another waker (so the second replaces it while the sender may read it).
void oneshot_send_vs_recv() {
  auto channel = rt::oneshot<int>();
  sys::thread sender("sender", [&] {
    WEFT_ASSERT(channel.first.send(7).has_value(), "a send to a live receiver failed");
  });
  auto f = channel.second.operator co_await();
  if (!f.poll(noop_waker())) wait(f);
  auto v = f.await_resume();
  WEFT_ASSERT(v.has_value() && *v == 7, "the receiver did not get the value sent");
  sender.join();
}

// oneshot: the receiver (after one poll) goes away while the sender sends.
// The value is delivered and dropped with the channel, or handed back:
// either way it is destroyed exactly once.
void oneshot_send_vs_receiver_drop() {
  const auto payload = std::make_shared<int>(7);
  {
    auto channel = rt::oneshot<std::shared_ptr<int>>();
    sys::thread sender("sender", [&] {
      auto r = channel.first.send(payload);
      if (!r) WEFT_ASSERT(r.error().value == payload, "a refused send did not hand the value back");
    });
    {
      auto rx = std::move(channel.second);
      auto f = rx.operator co_await();
      if (f.poll(noop_waker())) {
        WEFT_ASSERT(f.await_resume().has_value(), "a ready receiver without the value");
      }
    }
    sender.join();
  }
  WEFT_ASSERT(payload.use_count() == 1, "the value sent leaked or was destroyed twice");
}

// oneshot: the sender is dropped unsent while the receiver waits.
void oneshot_sender_drop_vs_recv() {
  auto channel = rt::oneshot<int>();
  sys::thread sender("sender", [&] { const auto gone = std::move(channel.first); });
  auto f = channel.second.operator co_await();
  wait(f);
  WEFT_ASSERT(!f.await_resume().has_value(), "a receiver got a value nobody sent");
  sender.join();
}

// A sender on a plain thread: sends `first` and `first + 1`, waiting for
// room, then drops its handle.
void send_two_and_go(std::optional<rt::mpsc::sender<int>>& tx, int first) {
  for (int v = first; v < first + 2; ++v) {
    auto f = tx->send(v);
    wait(f);
    WEFT_ASSERT(f.await_resume().has_value(), "a send to an open channel failed");
  }
  tx.reset();
}

// mpsc, bounded(1): two senders (copies of one) send two values each, and
// go; main receives until the channel reports closed. Every value arrives
// exactly once, each sender's in order, and closing is observed.
void mpsc_two_senders() {
  auto channel = rt::mpsc::bounded<int>(1);
  std::optional<rt::mpsc::sender<int>> a(std::move(channel.first));
  std::optional<rt::mpsc::sender<int>> b(*a);
  sys::thread ta("sender-a", [&] { send_two_and_go(a, 10); });
  sys::thread tb("sender-b", [&] { send_two_and_go(b, 20); });
  std::vector<int> got;
  for (;;) {
    auto f = channel.second.recv();
    wait(f);
    const std::optional<int> v = f.await_resume();
    if (!v) break;
    got.push_back(*v);
  }
  ta.join();
  tb.join();
  WEFT_ASSERT(got.size() == 4, "a message was lost or duplicated");
  int next_a = 10;
  int next_b = 20;
  for (const int v : got) {
    if (v < 20) {
      WEFT_ASSERT(v == next_a++, "sender a's messages out of order or duplicated");
    } else {
      WEFT_ASSERT(v == next_b++, "sender b's messages out of order or duplicated");
    }
  }
}

// mpsc, bounded(1): main receives one message and closes the receiver while
// both senders send; a send waiting for room then fails with its value
// back. Every value is received or handed back, exactly once.
void mpsc_close_vs_senders() {
  auto channel = rt::mpsc::bounded<int>(1);
  std::optional<rt::mpsc::sender<int>> a(std::move(channel.first));
  std::optional<rt::mpsc::sender<int>> b(*a);
  auto& rx = channel.second;
  int back_a = 0;
  int back_b = 0;
  const auto produce = [](std::optional<rt::mpsc::sender<int>>& tx, int value, int& back) {
    auto f = tx->send(value);
    wait(f);
    if (auto r = f.await_resume(); !r) back = r.error().value;
    tx.reset();
  };
  sys::thread ta("sender-a", [&] { produce(a, 1, back_a); });
  sys::thread tb("sender-b", [&] { produce(b, 2, back_b); });
  std::vector<int> got;
  {
    auto f = rx.recv();
    wait(f);
    const std::optional<int> v = f.await_resume();
    WEFT_ASSERT(v.has_value(), "the first message never came");
    got.push_back(*v);
  }
  rx.close();
  ta.join();
  tb.join();
  for (;;) {
    auto r = rx.try_recv();
    if (!r) {
      WEFT_ASSERT(r.error() == rt::try_recv_error::closed, "a drained channel without senders is not closed");
      break;
    }
    got.push_back(*r);
  }
  int seen_1 = back_a == 1 ? 1 : 0;
  int seen_2 = back_b == 2 ? 1 : 0;
  WEFT_ASSERT(back_a == 0 || back_a == 1, "sender a got back a value it did not send");
  WEFT_ASSERT(back_b == 0 || back_b == 2, "sender b got back a value it did not send");
  for (const int v : got) (v == 1 ? seen_1 : seen_2) += 1;
  WEFT_ASSERT(seen_1 == 1 && seen_2 == 1, "a value was lost or delivered twice");
}

// notify: notify_one races the registration of notified(): no notification
// is lost (a notify before the wait leaves a permit).
void notify_one_vs_notified() {
  rt::notify n;
  sys::thread notifier("notifier", [&] { n.notify_one(); });
  auto f = n.notified();
  wait(f);
  notifier.join();
}

// notify: a waiter chosen by notify_one that goes away before seeing it
// passes the notification on; the other waiter (or the permit) gets it.
// If the first one did consume it, main notifies once more.
void notify_pass_on() {
  rt::notify n;
  bool first_observed = false;
  sys::thread w1("waiter-1", [&] {
    auto f = n.notified();
    first_observed = f.poll(noop_waker());
  });
  sys::thread w2("waiter-2", [&] {
    auto f = n.notified();
    wait(f);
  });
  n.notify_one();
  w1.join();
  if (first_observed) n.notify_one();
  w2.join();
}

// notify: notify_waiters wakes every notified() created before it, polled
// yet or not.
void notify_waiters_vs_created() {
  rt::notify n;
  sys::atomic<bool> created{false};
  sys::thread waiter("waiter", [&] {
    auto f = n.notified();
    created.store(true, std::memory_order_release);
    wait(f);
  });
  while (!created.load(std::memory_order_acquire)) sys::spin_hint();
  n.notify_waiters();
  waiter.join();
}

// semaphore(2): one thread takes two permits at once, two others one each;
// the permits held never exceed two, and all come back.
void semaphore_permits_bounded() {
  rt::semaphore sem(2);
  sys::atomic<int> held{0};
  const auto use = [&](std::size_t count) {
    auto f = sem.acquire_many(count);
    wait(f);
    auto p = f.await_resume();
    WEFT_ASSERT(p.has_value() && p->count() == count, "an acquire on an open semaphore failed");
    const int now = held.fetch_add(static_cast<int>(count), std::memory_order_acq_rel) + static_cast<int>(count);
    WEFT_ASSERT(now <= 2, "more permits held than the semaphore has");
    held.fetch_sub(static_cast<int>(count), std::memory_order_acq_rel);
  };
  sys::thread both("take-two", [&] { use(2); });
  sys::thread one("take-one", [&] { use(1); });
  use(1);
  both.join();
  one.join();
  WEFT_ASSERT(sem.available_permits() == 2, "permits were lost or made up");
}

TEST(ExploreOneshot, SendVsRecvUnderDfs2) { expect_exhausted("oneshot", oneshot_send_vs_recv, 200'000); }
TEST(ExploreOneshot, SendVsRecvUnderPct3) { expect_pct_clean("oneshot", oneshot_send_vs_recv); }
TEST(ExploreOneshot, SendVsReceiverDropUnderDfs2) { expect_exhausted("oneshot-rx-drop", oneshot_send_vs_receiver_drop, 200'000); }
TEST(ExploreOneshot, SendVsReceiverDropUnderPct3) { expect_pct_clean("oneshot-rx-drop", oneshot_send_vs_receiver_drop); }
TEST(ExploreOneshot, SenderDropVsRecvUnderDfs2) { expect_exhausted("oneshot-tx-drop", oneshot_sender_drop_vs_recv, 200'000); }
TEST(ExploreOneshot, SenderDropVsRecvUnderPct3) { expect_pct_clean("oneshot-tx-drop", oneshot_sender_drop_vs_recv); }
TEST(ExploreMpsc, TwoSendersOneReceiverUnderDfs2) { expect_exhausted("mpsc", mpsc_two_senders, 200'000); }
TEST(ExploreMpsc, TwoSendersOneReceiverUnderPct3) { expect_pct_clean("mpsc", mpsc_two_senders); }
TEST(ExploreMpsc, CloseVsSendersUnderDfs2) { expect_exhausted("mpsc-close", mpsc_close_vs_senders, 200'000); }
TEST(ExploreMpsc, CloseVsSendersUnderPct3) { expect_pct_clean("mpsc-close", mpsc_close_vs_senders); }
TEST(ExploreNotify, NotifyOneVsNotifiedUnderDfs2) { expect_exhausted("notify", notify_one_vs_notified, 200'000); }
TEST(ExploreNotify, NotifyOneVsNotifiedUnderPct3) { expect_pct_clean("notify", notify_one_vs_notified); }
TEST(ExploreNotify, PassOnUnderDfs2) { expect_exhausted("notify-pass-on", notify_pass_on, 200'000); }
TEST(ExploreNotify, PassOnUnderPct3) { expect_pct_clean("notify-pass-on", notify_pass_on); }
TEST(ExploreNotify, NotifyWaitersVsCreatedUnderDfs2) { expect_exhausted("notify-waiters", notify_waiters_vs_created, 200'000); }
TEST(ExploreNotify, NotifyWaitersVsCreatedUnderPct3) { expect_pct_clean("notify-waiters", notify_waiters_vs_created); }
TEST(ExploreSemaphore, PermitsNeverExceedTheCountUnderDfs2) { expect_exhausted("semaphore", semaphore_permits_bounded, 200'000); }
TEST(ExploreSemaphore, PermitsNeverExceedTheCountUnderPct3) { expect_pct_clean("semaphore", semaphore_permits_bounded); }


// ---- 4b. sync with task wakers, inside a current_thread runtime ----

rt::runtime small_current_thread() { return rt::builder::current_thread().enable_io(false).build(); }

rt::task<int> receive_one(rt::oneshot_receiver<int> rx) {
  auto v = co_await rx;
  co_return v ? *v : -1;
}

// A task in block_on waits for a oneshot that a foreign thread completes:
// the wake goes through the inject queue and unparks the driving thread.
void oneshot_from_a_foreign_thread() {
  rt::runtime runtime = small_current_thread();
  auto channel = rt::oneshot<int>();
  sys::thread sender("sender", [&] {
    WEFT_ASSERT(channel.first.send(7).has_value(), "a send to a live receiver failed");
  });
  const int v = runtime.block_on(receive_one(std::move(channel.second)));
  WEFT_ASSERT(v == 7, "the task did not get the value sent");
  sender.join();
}

rt::task<int> receive_all(rt::mpsc::receiver<int> rx) {
  int sum = 0;
  while (const std::optional<int> v = co_await rx.recv()) sum += *v;
  co_return sum;
}

rt::task<> notify_after(std::shared_ptr<rt::notify> n, rt::mpsc::unbounded_sender<int> tx) {
  co_await n->notified();
  WEFT_ASSERT(tx.send(100).has_value(), "a send to a live receiver failed");
}

// Two foreign senders into an unbounded channel and a notify, all awaited by
// tasks of a current_thread runtime: the channel closes when both senders
// and the spawned task's copy are gone, every value is summed once.
void mpsc_and_notify_from_foreign_threads() {
  rt::runtime runtime = small_current_thread();
  auto channel = rt::mpsc::unbounded<int>();
  auto n = std::make_shared<rt::notify>();
  std::optional<rt::mpsc::unbounded_sender<int>> a(std::move(channel.first));
  std::optional<rt::mpsc::unbounded_sender<int>> b(*a);
  runtime.spawn(notify_after(n, *a)).detach();
  sys::thread ta("sender-a", [&] {
    WEFT_ASSERT(a->send(1).has_value(), "a send to a live receiver failed");
    a.reset();
  });
  sys::thread tb("sender-b", [&] {
    WEFT_ASSERT(b->send(10).has_value(), "a send to a live receiver failed");
    n->notify_one();
    b.reset();
  });
  const int sum = runtime.block_on(receive_all(std::move(channel.second)));
  WEFT_ASSERT(sum == 111, "a message was lost or duplicated");
  ta.join();
  tb.join();
}

// Two foreign threads send two values each into a bounded(1) channel whose
// receiver is a task: the task is woken through the same waker every time
// (several senders may wake it at once), and senders wait for room.
void bounded_mpsc_from_foreign_threads() {
  rt::runtime runtime = small_current_thread();
  auto channel = rt::mpsc::bounded<int>(1);
  std::optional<rt::mpsc::sender<int>> a(std::move(channel.first));
  std::optional<rt::mpsc::sender<int>> b(*a);
  sys::thread ta("sender-a", [&] { send_two_and_go(a, 1); });
  sys::thread tb("sender-b", [&] { send_two_and_go(b, 10); });
  const int sum = runtime.block_on(receive_all(std::move(channel.second)));
  WEFT_ASSERT(sum == 1 + 2 + 10 + 11, "a message was lost or duplicated");
  ta.join();
  tb.join();
}

TEST(ExploreSyncInRuntime, OneshotFromAForeignThreadUnderDfs2) {
  expect_exhausted("rt-oneshot", oneshot_from_a_foreign_thread, 200'000);
}
TEST(ExploreSyncInRuntime, OneshotFromAForeignThreadUnderPct3) { expect_pct_clean("rt-oneshot", oneshot_from_a_foreign_thread); }
TEST(ExploreSyncInRuntime, BoundedMpscFromForeignThreadsUnderDfs2) {
  expect_exhausted("rt-mpsc-bounded", bounded_mpsc_from_foreign_threads, 200'000);
}
TEST(ExploreSyncInRuntime, BoundedMpscFromForeignThreadsUnderPct3) {
  expect_pct_clean("rt-mpsc-bounded", bounded_mpsc_from_foreign_threads);
}
TEST(ExploreSyncInRuntime, MpscAndNotifyFromForeignThreadsUnderDfs2) {
  expect_exhausted("rt-mpsc-notify", mpsc_and_notify_from_foreign_threads, 200'000);
}
TEST(ExploreSyncInRuntime, MpscAndNotifyFromForeignThreadsUnderPct3) {
  expect_pct_clean("rt-mpsc-notify", mpsc_and_notify_from_foreign_threads);
}

// ---- 5. multi_thread shutdown while tasks wake each other ----

// Counts live task frames, so a frame shutdown forgot to destroy shows.
struct frame_guard {
  explicit frame_guard(sys::atomic<int>* counter) : alive(counter) { alive->fetch_add(1, std::memory_order_relaxed); }
  frame_guard(const frame_guard&) = delete;
  frame_guard& operator=(const frame_guard&) = delete;
  ~frame_guard() { alive->fetch_sub(1, std::memory_order_acq_rel); }
  sys::atomic<int>* alive;
};

// Waits for its turn and passes it to the other, `rounds` times, then
// waits once more if `linger` (for a turn that never comes: only shutdown
// ends it).
rt::task<> ping_pong(std::shared_ptr<rt::notify> mine, std::shared_ptr<rt::notify> other, int rounds, bool linger,
                     sys::atomic<int>* alive) {
  const frame_guard guard(alive);
  for (int i = 0; i < rounds; ++i) {
    co_await mine->notified();
    other->notify_one();
  }
  if (linger) co_await mine->notified();
}

rt::task<> start_ping_pong(std::shared_ptr<rt::notify> a, std::shared_ptr<rt::notify> b, sys::atomic<int>* alive) {
  const frame_guard guard(alive);
  rt::spawn(ping_pong(a, b, 1, false, alive)).detach();
  rt::spawn(ping_pong(b, a, 1, true, alive)).detach();
  a->notify_one();
  co_return;
}

// A multi_thread runtime with two workers (local queues of 4, no LIFO slot,
// the driver and the shutdown flag checked every other tick) starts two
// tasks that wake each other, and is dropped at once: shutdown races the
// wakes, and always finds at least one task waiting for a turn that never
// comes (idle, its waiter node linked in a notify) or still queued. Nothing
// may deadlock or assert, and every task frame must be destroyed by the time
// the runtime is gone.
void multi_thread_shutdown_during_ping_pong() {
  sys::atomic<int> alive{0};
  {
    rt::runtime runtime = rt::builder::multi_thread()
                              .worker_threads(2)
                              .enable_io(false)
                              .local_queue_capacity(4)
                              .lifo_slot(false)
                              .event_interval(2)
                              .build();
    auto a = std::make_shared<rt::notify>();
    auto b = std::make_shared<rt::notify>();
    runtime.block_on(start_ping_pong(a, b, &alive));
  }
  WEFT_ASSERT(alive.load(std::memory_order_acquire) == 0, "a task frame outlived its runtime");
}

TEST(ExploreMultiThreadShutdown, WhileTasksWakeEachOtherUnderDfs2) {
  expect_exhausted("mt-shutdown", multi_thread_shutdown_during_ping_pong, 5'000'000);
}
TEST(ExploreMultiThreadShutdown, WhileTasksWakeEachOtherUnderPct3) {
  expect_pct_clean("mt-shutdown", multi_thread_shutdown_during_ping_pong);
}


// ---- 5b. multi_thread fan-out: overflow and stealing in the real scheduler ----

rt::task<int> square_after_yield(int x, sys::atomic<int>* alive) {
  const frame_guard guard(alive);
  co_await rt::yield_now();
  co_return x * x;
}

rt::task<int> fan_out(int n, sys::atomic<int>* alive) {
  const frame_guard guard(alive);
  std::vector<rt::join_handle<int>> hs;
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(square_after_yield(i, alive)));
  int sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

// Two workers with local queues of 2 and no LIFO slot: the root task spawns
// three tasks onto its worker's queue (the third push overflows half of it,
// plus itself, to the inject queue) while the other worker steals; each task
// yields once (requeued behind the others, overflowing again). Every result
// arrives once; nothing leaks.
//
// With `coverage`, the runtime's metrics are read before the drop (a few
// more scheduling points, so only the pct run does it) to count the runs
// that overflowed and stole.
struct fan_out_coverage {
  std::uint64_t overflowed = 0;
  std::uint64_t stole = 0;
};

void multi_thread_fan_out(fan_out_coverage* coverage) {
  sys::atomic<int> alive{0};
  {
    rt::runtime runtime = rt::builder::multi_thread()
                              .worker_threads(2)
                              .enable_io(false)
                              .local_queue_capacity(2)
                              .lifo_slot(false)
                              .build();
    const int sum = runtime.block_on(fan_out(3, &alive));
    WEFT_ASSERT(sum == 0 + 1 + 4, "a result was lost or counted twice");
    if (coverage != nullptr) {
      const rt::runtime_metrics m = runtime.metrics();
      std::uint64_t overflows = 0;
      std::uint64_t steals = 0;
      for (const rt::worker_metrics& w : m.workers) {
        overflows += w.overflows;
        steals += w.steal_operations;
      }
      coverage->overflowed += overflows > 0 ? 1 : 0;
      coverage->stole += steals > 0 ? 1 : 0;
    }
  }
  WEFT_ASSERT(alive.load(std::memory_order_acquire) == 0, "a task frame outlived its runtime");
}

TEST(ExploreMultiThreadFanOut, OverflowAndStealUnderDfs2) {
  expect_exhausted("mt-fan-out", [] { multi_thread_fan_out(nullptr); }, 5'000'000);
}
TEST(ExploreMultiThreadFanOut, OverflowAndStealUnderPct3) {
  fan_out_coverage seen;
  expect_pct_clean("mt-fan-out", [&seen] { multi_thread_fan_out(&seen); });
  if (schedule_to_replay()) return;
  EXPECT_GT(seen.overflowed, 0u);
  EXPECT_GT(seen.stole, 0u);
}

}  // namespace
}  // namespace weft::props

// ---- every interleaving, by partial-order reduction ----

namespace weft::props {
namespace {
TEST(ExploreDpor, InjectQueueExhausts) { expect_dpor_exhausted("inject", inject_push_push_pop, 100'000); }
TEST(ExploreDpor, InjectCloseExhausts) { expect_dpor_exhausted("inject-close", inject_close_races_push, 100'000); }
TEST(ExploreDpor, OneshotExhausts) {
  expect_dpor_exhausted("oneshot", oneshot_send_vs_recv, 10'000);
  expect_dpor_exhausted("oneshot-rx-drop", oneshot_send_vs_receiver_drop, 10'000);
  expect_dpor_exhausted("oneshot-tx-drop", oneshot_sender_drop_vs_recv, 10'000);
}
TEST(ExploreDpor, MpscCloseExhausts) { expect_dpor_exhausted("mpsc-close", mpsc_close_vs_senders, 100'000); }
TEST(ExploreDpor, NotifyExhausts) {
  expect_dpor_exhausted("notify", notify_one_vs_notified, 10'000);
  expect_dpor_exhausted("notify-pass-on", notify_pass_on, 10'000);
  expect_dpor_exhausted("notify-waiters", notify_waiters_vs_created, 10'000);
}
TEST(ExploreDpor, SemaphoreExhausts) { expect_dpor_exhausted("semaphore", semaphore_permits_bounded, 200'000); }
TEST(ExploreDpor, RuntimeOneshotExhausts) { expect_dpor_exhausted("rt-oneshot", oneshot_from_a_foreign_thread, 10'000); }
}  // namespace
}  // namespace weft::props

// ---- every interleaving and every store each load may read: dpor under weak memory ----
//
// The same checks with sys::atomic following the C++ memory model
// (sim/core/memory.hpp): a missing acquire, release or fence in the runtime
// shows up here as a wrong value read. docs/explore.md has the counts.
// The local queue (4.5 M classes), the task state word and mpsc with two
// senders (not exhausted in 100 M runs) are more than CI can afford: the
// suite runs them under pct:3 and weak memory, and dpor on demand
// (docs/explore.md):
//   weft_runtime_explore_tests --gtest_also_run_disabled_tests --gtest_filter='ExploreWeakMemory.*' 

namespace weft::props {
namespace {

// dpor (or `strat`) under weak memory: no failure within `budget` runs,
// and, if `must_exhaust`, every class checked.
void expect_weak_clean(const std::string& name, const std::function<void()>& body, std::uint64_t budget,
                       bool must_exhaust = true, const std::string& strat = "dpor") {
  expect_clean(run(name, strat, budget, body, true), must_exhaust);
}
void expect_weak_dpor_exhausted(const std::string& name, const std::function<void()>& body, std::uint64_t budget) {
  expect_weak_clean(name, body, budget);
}

constexpr std::uint64_t on_demand_budget = 100'000'000;
TEST(ExploreWeakMemory, DISABLED_LocalQueueExhausts) {
  expect_weak_dpor_exhausted("local-queue", [] { runtime_checks::local_queue_push_pop_steal(); }, on_demand_budget);
}
TEST(ExploreWeakMemory, InjectQueueExhausts) {
  expect_weak_dpor_exhausted("inject", inject_push_push_pop, 1'000'000);
  expect_weak_dpor_exhausted("inject-close", inject_close_races_push, 1'000'000);
}
constexpr std::uint64_t on_demand_runs = 10'000'000;  // per check: about 80 s each
TEST(ExploreWeakMemory, DISABLED_TaskStateUnderDpor) {
  expect_weak_clean("state-two-pollers", state_model::wake_vs_two_pollers, on_demand_runs, false);
  expect_weak_clean("state-abort", state_model::wake_vs_abort_vs_join_drop, on_demand_runs, false);
  expect_weak_clean("state-shutdown", state_model::wake_vs_poll_vs_shutdown, on_demand_runs, false);
}
TEST(ExploreWeakMemory, TaskStateUnderPct3) {
  expect_weak_clean("state-two-pollers", state_model::wake_vs_two_pollers, 2'000, false, "pct:3");
  expect_weak_clean("state-abort", state_model::wake_vs_abort_vs_join_drop, 2'000, false, "pct:3");
  expect_weak_clean("state-shutdown", state_model::wake_vs_poll_vs_shutdown, 2'000, false, "pct:3");
}
TEST(ExploreWeakMemory, LocalQueueAndMpscUnderPct3) {
  expect_weak_clean("local-queue", [] { runtime_checks::local_queue_push_pop_steal(); }, 2'000, false, "pct:3");
  expect_weak_clean("mpsc", mpsc_two_senders, 2'000, false, "pct:3");
}
TEST(ExploreWeakMemory, OneshotExhausts) {
  expect_weak_dpor_exhausted("oneshot", oneshot_send_vs_recv, 1'000'000);
  expect_weak_dpor_exhausted("oneshot-rx-drop", oneshot_send_vs_receiver_drop, 1'000'000);
  expect_weak_dpor_exhausted("oneshot-tx-drop", oneshot_sender_drop_vs_recv, 1'000'000);
}
TEST(ExploreWeakMemory, MpscCloseExhausts) { expect_weak_dpor_exhausted("mpsc-close", mpsc_close_vs_senders, 1'000'000); }
TEST(ExploreWeakMemory, DISABLED_MpscTwoSendersUnderDpor) {
  expect_weak_clean("mpsc", mpsc_two_senders, on_demand_runs, false);
}
TEST(ExploreWeakMemory, NotifyExhausts) {
  expect_weak_dpor_exhausted("notify", notify_one_vs_notified, 1'000'000);
  expect_weak_dpor_exhausted("notify-pass-on", notify_pass_on, 1'000'000);
  expect_weak_dpor_exhausted("notify-waiters", notify_waiters_vs_created, 1'000'000);
}
// The whole multi_thread scheduler (workers, parking, shutdown, stealing)
// and the runtime's channels woken from other threads, under weak memory.
TEST(ExploreWeakMemory, MultiThreadRuntimeUnderPct3) {
  expect_weak_clean("mt-shutdown", multi_thread_shutdown_during_ping_pong, 2'000, false, "pct:3");
  expect_weak_clean("mt-fan-out", [] { multi_thread_fan_out(nullptr); }, 2'000, false, "pct:3");
  expect_weak_clean("rt-mpsc-notify", mpsc_and_notify_from_foreign_threads, 2'000, false, "pct:3");
}
// The semaphore's lock-free paths give dpor 2.5 M classes under weak memory
// (19 s in release): on demand; the suite runs pct:3.
TEST(ExploreWeakMemory, DISABLED_SemaphoreExhausts) {
  expect_weak_dpor_exhausted("semaphore", semaphore_permits_bounded, on_demand_budget);
}
TEST(ExploreWeakMemory, SemaphoreUnderPct3) {
  expect_weak_clean("semaphore", semaphore_permits_bounded, 2'000, false, "pct:3");
}
TEST(ExploreWeakMemory, RuntimeOneshotWithParkExhausts) {
  expect_weak_dpor_exhausted("rt-oneshot", oneshot_from_a_foreign_thread, 1'000'000);
}

}  // namespace
}  // namespace weft::props
