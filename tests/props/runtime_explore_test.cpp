// The runtime's own concurrency, explored: every check runs under dfs:2
// (every interleaving with at most two preemptions, which must be exhausted)
// and pct:3.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
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
#include "sim/core/executor.hpp"
#include "tests/props/runtime_checks.hpp"

namespace weft::props {
namespace {

static_assert(sys::is_simulated, "this suite runs against the sim flavour");

using rt::detail::task_header;

// ---- running a check ----

strategy_spec strategy(const std::string& text) {
  std::string error;
  const auto s = parse_strategy(text, error);
  EXPECT_TRUE(s.has_value()) << error;
  return s.value_or(strategy_spec{});
}

explore_options options_for(const std::string& name, const std::string& strat, std::uint64_t iterations) {
  explore_options o;
  o.name = name;
  o.strategy = strategy(strat);
  o.iterations = iterations;
#if defined(__SANITIZE_ADDRESS__)
  o.stack_size = 1024 * 1024;  // ASan's frames are large
#endif
  return o;
}

explore_result run(const std::string& name, const std::string& strat, std::uint64_t iterations,
                   const std::function<void()>& body) {
  const explore_result r = explore(options_for(name, strat, iterations), body);
  std::cout << "[" << name << "] " << r.summary();
  return r;
}

// dfs:2 must check every schedule within the bound in fewer than `budget`.
void expect_exhausted(const std::string& name, const std::function<void()>& body, std::uint64_t budget) {
  const explore_result r = run(name, "dfs:2", budget, body);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_TRUE(r.exhausted) << r.summary();
}

void expect_pct_clean(const std::string& name, const std::function<void()>& body, std::uint64_t iterations = 2'000) {
  const explore_result r = run(name, "pct:3", iterations, body);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_EQ(r.schedules, iterations);
}

// ---- 1. the local queue ----

TEST(LocalQueue, PushPopStealAndOverflowLoseNothing_Dfs2) {
  expect_exhausted("local-queue", runtime_checks::local_queue_push_pop_steal, 200'000);
}
TEST(LocalQueue, PushPopStealAndOverflowLoseNothing_Pct3) {
  expect_pct_clean("local-queue", runtime_checks::local_queue_push_pop_steal);
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
  for (task_header* t = q.pop_n(2, count); t != nullptr;) {
    task_header* next = t->queue_next;
    order.push_back(t->id);
    t = next;
  }
  WEFT_ASSERT(count <= 2, "pop_n took more than asked");
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

TEST(InjectQueue, TwoProducersOneConsumer_Dfs2) { expect_exhausted("inject", inject_push_push_pop, 200'000); }
TEST(InjectQueue, TwoProducersOneConsumer_Pct3) { expect_pct_clean("inject", inject_push_push_pop); }
TEST(InjectQueue, CloseRacesPushes_Dfs2) { expect_exhausted("inject-close", inject_close_races_push, 200'000); }
TEST(InjectQueue, CloseRacesPushes_Pct3) { expect_pct_clean("inject-close", inject_close_races_push); }

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

TEST(TaskState, WakeVsTwoPollers_Dfs2) { expect_exhausted("state-two-pollers", state_model::wake_vs_two_pollers, 200'000); }
TEST(TaskState, WakeVsTwoPollers_Pct3) { expect_pct_clean("state-two-pollers", state_model::wake_vs_two_pollers); }
TEST(TaskState, WakeVsAbortVsJoinDrop_Dfs2) {
  expect_exhausted("state-abort", state_model::wake_vs_abort_vs_join_drop, 200'000);
}
TEST(TaskState, WakeVsAbortVsJoinDrop_Pct3) { expect_pct_clean("state-abort", state_model::wake_vs_abort_vs_join_drop); }
TEST(TaskState, WakeVsPollVsShutdown_Dfs2) {
  expect_exhausted("state-shutdown", state_model::wake_vs_poll_vs_shutdown, 200'000);
}
TEST(TaskState, WakeVsPollVsShutdown_Pct3) { expect_pct_clean("state-shutdown", state_model::wake_vs_poll_vs_shutdown); }

}  // namespace
}  // namespace weft::props
