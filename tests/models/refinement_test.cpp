// Refinement tests: random command sequences run on a real runtime structure
// and on its sequential specification (models/task_state.hpp, models/spec/),
// one command at a time, comparing every result and every observable part of
// the state after each command. A command is only generated where the
// specification allows it; everything the real code asserts on lies outside
// those preconditions.
//
// On a failure, rapidcheck prints the shrunk command sequence (each command
// shows itself) and the message names the command and the value that
// differed, real first, specification second.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <coroutine>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/spec/local_queue.hpp"
#include "models/spec/mpsc.hpp"
#include "models/spec/oneshot.hpp"
#include "models/spec/timer_wheel.hpp"
#include "models/task_state.hpp"
#include "runtime/scheduler/inject_queue.hpp"
#include "runtime/scheduler/multi_thread/local_queue.hpp"
#include "runtime/sync/mpsc.hpp"
#include "runtime/sync/oneshot.hpp"
#include "runtime/task/header.hpp"
#include "runtime/task/state.hpp"
#include "runtime/time/wheel.hpp"

namespace weft::models {
namespace {

// ---- showing values in failure messages ----

template <class T>
std::string str(const T& v);

template <class T>
std::string str_one(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    return std::to_string(v);
  } else if constexpr (std::is_convertible_v<const T&, std::string>) {
    return std::string(v);
  } else {
    std::string out = "[";
    bool first = true;
    for (const auto& x : v) {
      out += (first ? "" : ", ") + str(x);
      first = false;
    }
    return out + "]";
  }
}

template <class T>
std::string str(const T& v) {
  return str_one(v);
}
template <class T>
std::string str(const std::optional<T>& v) {
  return v ? str(*v) : std::string("none");
}

// Fails the case unless the real value equals the specification's.
template <class A, class B>
void same(const std::string& where, const std::string& what, const A& real, const B& spec) {
  if (real == spec) return;
  RC_FAIL(where + ": " + what + " differs: real " + str(real) + ", spec " + str(spec));
}

void holds(const std::string& where, bool condition, const std::string& what) {
  if (!condition) RC_FAIL(where + ": " + what);
}

// A generator of one command of type Cmd for model state `s`, to combine
// with rc::gen::weightedOneOf: some commands are wanted more often.
template <class Cmd>
rc::Gen<std::shared_ptr<const typename Cmd::CommandType>> one(const typename Cmd::Model& s) {
  return rc::state::gen::execOneOfWithArgs<Cmd>()(s);
}

// The text a command shows itself as, for failure messages.
template <class Cmd>
std::string name_of(const Cmd& c) {
  std::ostringstream os;
  c.show(os);
  return os.str();
}

// =====================================================================
// Task state word
// =====================================================================

namespace tw = task_word;
using rt::detail::state_snapshot;
using rt::detail::task_state;

enum class word_op {
  to_running,
  to_idle,
  to_complete,
  to_notified_by_val,
  to_notified_by_ref,
  to_notified_and_cancel,
  to_shutdown,
  unset_join_interest,
  set_join_waker,
  unset_join_waker,
  ref_inc,
  ref_dec,
  to_terminal,
};

const char* op_name(word_op op) {
  switch (op) {
    case word_op::to_running: return "to_running";
    case word_op::to_idle: return "to_idle";
    case word_op::to_complete: return "to_complete";
    case word_op::to_notified_by_val: return "to_notified_by_val";
    case word_op::to_notified_by_ref: return "to_notified_by_ref";
    case word_op::to_notified_and_cancel: return "to_notified_and_cancel";
    case word_op::to_shutdown: return "to_shutdown";
    case word_op::unset_join_interest: return "unset_join_interest";
    case word_op::set_join_waker: return "set_join_waker";
    case word_op::unset_join_waker: return "unset_join_waker";
    case word_op::ref_inc: return "ref_inc";
    case word_op::ref_dec: return "ref_dec";
    case word_op::to_terminal: return "to_terminal";
  }
  return "?";
}

std::string spec_step(word_op op, std::uint8_t n, tw::word& w) {
  switch (op) {
    case word_op::to_running: return tw::to_running(w);
    case word_op::to_idle: return tw::to_idle(w);
    case word_op::to_complete: return tw::to_complete(w);
    case word_op::to_notified_by_val: return tw::to_notified_by_val(w);
    case word_op::to_notified_by_ref: return tw::to_notified_by_ref(w);
    case word_op::to_notified_and_cancel: return tw::to_notified_and_cancel(w);
    case word_op::to_shutdown: return tw::to_shutdown(w);
    case word_op::unset_join_interest: return tw::unset_join_interest(w);
    case word_op::set_join_waker: return tw::set_join_waker(w);
    case word_op::unset_join_waker: return tw::unset_join_waker(w);
    case word_op::ref_inc: return tw::ref_inc(w);
    case word_op::ref_dec: return tw::ref_dec(w);
    case word_op::to_terminal: return tw::to_terminal(w, n);
  }
  return "?";
}

// Runs `op` on the real word; returns the result's name. `reported` gets the
// snapshot the call handed back, for the calls that hand one back.
std::string real_step(word_op op, std::uint8_t n, task_state& s, std::optional<state_snapshot>& reported) {
  using namespace rt::detail;
  state_snapshot out(0);
  switch (op) {
    case word_op::to_running:
      switch (s.transition_to_running()) {
        case to_running::success: return "success";
        case to_running::cancelled: return "cancelled";
        case to_running::failed: return "failed";
        case to_running::dealloc: return "dealloc";
      }
      return "?";
    case word_op::to_idle:
      switch (s.transition_to_idle()) {
        case to_idle::ok: return "ok";
        case to_idle::ok_notified: return "ok_notified";
        case to_idle::ok_dealloc: return "ok_dealloc";
        case to_idle::cancelled: return "cancelled";
      }
      return "?";
    case word_op::to_complete:
      reported = s.transition_to_complete();
      return "complete";
    case word_op::to_notified_by_val:
      switch (s.transition_to_notified_by_val()) {
        case to_notified_by_val::do_nothing: return "do_nothing";
        case to_notified_by_val::submit: return "submit";
        case to_notified_by_val::dealloc: return "dealloc";
      }
      return "?";
    case word_op::to_notified_by_ref:
      switch (s.transition_to_notified_by_ref()) {
        case to_notified_by_ref::do_nothing: return "do_nothing";
        case to_notified_by_ref::submit: return "submit";
      }
      return "?";
    case word_op::to_notified_and_cancel:
      return s.transition_to_notified_and_cancel() ? "submit" : "no_submit";
    case word_op::to_shutdown:
      return s.transition_to_shutdown() ? "cancel_now" : "leave";
    case word_op::unset_join_interest: {
      const bool ok = s.unset_join_interest(out);
      reported = out;
      return ok ? "ok" : "completed";
    }
    case word_op::set_join_waker: {
      const bool ok = s.set_join_waker(out);
      reported = out;
      return ok ? "ok" : "completed";
    }
    case word_op::unset_join_waker: {
      const bool ok = s.unset_join_waker(out);
      reported = out;
      return ok ? "ok" : "completed";
    }
    case word_op::ref_inc:
      s.ref_inc();
      return "ok";
    case word_op::ref_dec:
      return s.ref_dec() ? "last" : "not_last";
    case word_op::to_terminal:
      return s.transition_to_terminal(n) ? "last" : "not_last";
  }
  return "?";
}

std::string show_word(const tw::word& w) {
  std::string out;
  auto flag = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += '|';
    out += name;
  };
  flag(w.running, "RUNNING");
  flag(w.complete, "COMPLETE");
  flag(w.notified, "NOTIFIED");
  flag(w.cancelled, "CANCELLED");
  flag(w.join_interest, "JOIN_INTEREST");
  flag(w.join_waker, "JOIN_WAKER");
  return (out.empty() ? "-" : out) + " refs=" + std::to_string(w.refs);
}

// Compares every field of the real word with the specification's.
void same_word(const std::string& where, state_snapshot real, const tw::word& spec) {
  const std::string both = " (real " + real.describe() + ", spec " + show_word(spec) + ")";
  same(where, "RUNNING" + both, real.is_running(), spec.running != 0);
  same(where, "COMPLETE" + both, real.is_complete(), spec.complete != 0);
  same(where, "NOTIFIED" + both, real.is_notified(), spec.notified != 0);
  same(where, "CANCELLED" + both, real.is_cancelled(), spec.cancelled != 0);
  same(where, "JOIN_INTEREST" + both, real.is_join_interested(), spec.join_interest != 0);
  same(where, "JOIN_WAKER" + both, real.has_join_waker(), spec.join_waker != 0);
  same(where, "ref count" + both, real.ref_count(), std::uint64_t{spec.refs});
}

struct word_command : rc::state::Command<tw::word, task_state> {
  word_op op;
  std::uint8_t n = 1;  // to_terminal's count

  // Weighted towards polls and wakes, so that sequences go round the
  // idle / notified / running cycle before a cancel or shutdown ends it.
  word_command()
      : op(*rc::gen::weightedElement<word_op>({
            {8, word_op::to_running},
            {8, word_op::to_idle},
            {1, word_op::to_complete},
            {4, word_op::to_notified_by_val},
            {4, word_op::to_notified_by_ref},
            {1, word_op::to_notified_and_cancel},
            {1, word_op::to_shutdown},
            {1, word_op::unset_join_interest},
            {2, word_op::set_join_waker},
            {2, word_op::unset_join_waker},
            {3, word_op::ref_inc},
            {2, word_op::ref_dec},
            {1, word_op::to_terminal},
        })) {
    if (op == word_op::to_terminal) n = *rc::gen::inRange<std::uint8_t>(1, 4);
  }

  void checkPreconditions(const tw::word& s0) const override {
    tw::word w = s0;
    RC_PRE(spec_step(op, n, w) != "precondition");
    // The specification counts references in 8 bits.
    RC_PRE(s0.refs < 200);
  }

  void apply(tw::word& s0) const override { spec_step(op, n, s0); }

  void run(const tw::word& s0, task_state& real) const override {
    const std::string where = name_of(*this) + " from " + show_word(s0);
    tw::word expected = s0;
    const std::string spec_result = spec_step(op, n, expected);
    std::optional<state_snapshot> reported;
    const std::string real_result = real_step(op, n, real, reported);
    same(where, "result", real_result, spec_result);
    same_word(where, real.load(), expected);
    if (reported) same_word(where + " (the snapshot it returned)", *reported, expected);
  }

  void show(std::ostream& os) const override {
    os << op_name(op);
    if (op == word_op::to_terminal) os << '(' << int{n} << ')';
  }
};

RC_GTEST_PROP(Refinement, TaskStateRefinesModel, ()) {
  task_state real;
  const tw::word initial;
  same_word("initial word", real.load(), initial);
  rc::state::check(initial, real, rc::state::gen::execOneOfWithArgs<word_command>());
}

// =====================================================================
// Local run queue: two workers' queues and the inject queue
// =====================================================================

using rt::detail::inject_queue;
using rt::detail::local_queue;
using rt::detail::task_header;

struct lq_model {
  explicit lq_model(std::size_t capacity) : queues{spec::local_queue(capacity), spec::local_queue(capacity)} {}
  spec::local_queue queues[2];
  std::deque<std::uint64_t> inject;
  std::uint64_t next_id = 0;
};

struct lq_real {
  explicit lq_real(std::size_t capacity) : a(capacity), b(capacity) {}
  lq_real(const lq_real&) = delete;
  lq_real& operator=(const lq_real&) = delete;
  ~lq_real() {
    // The queues assert that they are empty when destroyed.
    while (a.pop() != nullptr) {
    }
    while (b.pop() != nullptr) {
    }
    while (inject.pop() != nullptr) {
    }
  }

  local_queue& queue(int i) { return i == 0 ? a : b; }

  // The task cell for `id` (queue-only tests need cells, not tasks: no
  // scheduler, no frame).
  task_header* cell(std::uint64_t id) {
    auto& c = cells[id];
    if (!c) {
      c = std::make_unique<task_header>(nullptr, std::coroutine_handle<>());
      c->id = id;
      c->root = nullptr;
    }
    return c.get();
  }

  std::map<std::uint64_t, std::unique_ptr<task_header>> cells;  // outlives the queues
  local_queue a, b;
  inject_queue inject;
};

std::optional<std::uint64_t> id_of(const task_header* t) {
  if (t == nullptr) return std::nullopt;
  return t->id;
}

const char* qname(int q) { return q == 0 ? "A" : "B"; }

// What every command checks afterwards: the lengths and the room of both
// queues and the length of the inject queue.
void same_queues(const std::string& where, lq_real& real, const lq_model& spec) {
  for (int q = 0; q < 2; ++q) {
    const std::string name = std::string("queue ") + qname(q);
    same(where, name + " len (spec holds " + str(spec.queues[q].items()) + ")", real.queue(q).len(),
         spec.queues[q].len());
    same(where, name + " room", real.queue(q).room(), spec.queues[q].room());
    same(where, name + " has_tasks", real.queue(q).has_tasks(), spec.queues[q].len() != 0);
  }
  same(where, "inject len (spec holds " + str(spec.inject) + ")", real.inject.len(), spec.inject.size());
}

using lq_command = rc::state::Command<lq_model, lq_real>;

struct lq_push : lq_command {
  int q = *rc::gen::inRange(0, 2);
  void apply(lq_model& s) const override {
    s.queues[q].push(s.next_id, s.inject);
    ++s.next_id;
  }
  void run(const lq_model& s0, lq_real& real) const override {
    const std::string where = name_of(*this) + " of task " + str(s0.next_id);
    lq_model s = s0;
    const std::size_t spec_moved = s.queues[q].push(s.next_id, s.inject);
    const std::size_t real_moved = real.queue(q).push_back(real.cell(s0.next_id), real.inject);
    same(where, "tasks moved to the inject queue", real_moved, spec_moved);
    same_queues(where, real, s);
  }
  void show(std::ostream& os) const override { os << "push(" << qname(q) << ")"; }
};

struct lq_pop : lq_command {
  int q = *rc::gen::inRange(0, 2);
  void apply(lq_model& s) const override { s.queues[q].pop(); }
  void run(const lq_model& s0, lq_real& real) const override {
    const std::string where = name_of(*this);
    lq_model s = s0;
    const auto spec_task = s.queues[q].pop();
    same(where, "popped task", id_of(real.queue(q).pop()), spec_task);
    same_queues(where, real, s);
  }
  void show(std::ostream& os) const override { os << "pop(" << qname(q) << ")"; }
};

struct lq_steal : lq_command {
  int from = *rc::gen::inRange(0, 2);
  void apply(lq_model& s) const override { s.queues[from].steal_half_into(s.queues[1 - from]); }
  void run(const lq_model& s0, lq_real& real) const override {
    const std::string where = name_of(*this);
    lq_model s = s0;
    const auto spec_result = s.queues[from].steal_half_into(s.queues[1 - from]);
    std::size_t stolen = 0;
    task_header* run_now = real.queue(from).steal_into(real.queue(1 - from), stolen);
    same(where, "task to run now", id_of(run_now), spec_result.run_now);
    same(where, "stolen count", stolen, spec_result.stolen);
    same_queues(where, real, s);
  }
  void show(std::ostream& os) const override { os << "steal(" << qname(1 - from) << " from " << qname(from) << ")"; }
};

// A worker refilling its queue from the inject queue: at most `max` tasks,
// and no more than fit.
struct lq_refill : lq_command {
  int q = *rc::gen::inRange(0, 2);
  std::size_t max = *rc::gen::inRange<std::size_t>(1, 9);

  static std::size_t take(const lq_model& s, int q, std::size_t max) {
    return std::min({max, s.queues[q].room(), s.inject.size()});
  }
  void apply(lq_model& s) const override {
    const std::size_t n = take(s, q, max);
    std::deque<std::uint64_t> batch(s.inject.begin(), s.inject.begin() + static_cast<std::ptrdiff_t>(n));
    s.inject.erase(s.inject.begin(), s.inject.begin() + static_cast<std::ptrdiff_t>(n));
    s.queues[q].push_fitting(batch);
  }
  void run(const lq_model& s0, lq_real& real) const override {
    const std::string where = name_of(*this);
    lq_model s = s0;
    apply(s);
    const std::size_t want = std::min(max, real.queue(q).room());
    std::size_t count = 0;
    task_header* first = real.inject.pop_n(want, count);
    same(where, "tasks taken from the inject queue", count, take(s0, q, max));
    std::vector<std::uint64_t> ids;
    for (task_header* t = first; t != nullptr && ids.size() < count; t = t->queue_next) ids.push_back(t->id);
    const std::vector<std::uint64_t> spec_ids(s0.inject.begin(), s0.inject.begin() + static_cast<std::ptrdiff_t>(count));
    same(where, "tasks taken from the inject queue", ids, spec_ids);
    if (count > 0) real.queue(q).push_batch_fitting(first, count);
    same_queues(where, real, s);
  }
  void show(std::ostream& os) const override { os << "refill(" << qname(q) << ", max " << max << ")"; }
};

struct lq_inject_pop : lq_command {
  void apply(lq_model& s) const override {
    if (!s.inject.empty()) s.inject.pop_front();
  }
  void run(const lq_model& s0, lq_real& real) const override {
    const std::string where = name_of(*this);
    lq_model s = s0;
    std::optional<std::uint64_t> spec_task;
    if (!s.inject.empty()) {
      spec_task = s.inject.front();
      s.inject.pop_front();
    }
    same(where, "popped task", id_of(real.inject.pop()), spec_task);
    same_queues(where, real, s);
  }
  void show(std::ostream& os) const override { os << "pop(inject)"; }
};

RC_GTEST_PROP(Refinement, LocalQueueRefinesModel, ()) {
  const std::size_t capacity = *rc::gen::element<std::size_t>(4, 8);
  lq_real real(capacity);
  // Pushes come most often, so that the queues fill up and overflow.
  rc::state::check(lq_model(capacity), real, [](const lq_model& s) {
    return rc::gen::weightedOneOf<std::shared_ptr<const lq_command>>({
        {6, one<lq_push>(s)},
        {3, one<lq_pop>(s)},
        {3, one<lq_steal>(s)},
        {2, one<lq_refill>(s)},
        {1, one<lq_inject_pop>(s)},
    });
  });
}

// =====================================================================
// oneshot
// =====================================================================

struct os_model {
  spec::oneshot spec;
  int next_value = 1;
};

struct os_real {
  os_real() {
    auto [tx, rx] = rt::oneshot<int>();
    sender.emplace(std::move(tx));
    receiver.emplace(std::move(rx));
  }
  std::optional<rt::oneshot_sender<int>> sender;
  std::optional<rt::oneshot_receiver<int>> receiver;
};

void same_oneshot(const std::string& where, os_real& real, const os_model& s) {
  same(where, "sender present", real.sender.has_value(), s.spec.has_sender());
  same(where, "receiver present", real.receiver.has_value(), s.spec.has_receiver());
  if (real.sender) same(where, "sender is_closed()", real.sender->is_closed(), s.spec.sender_is_closed());
}

using os_command = rc::state::Command<os_model, os_real>;

struct os_send : os_command {
  void checkPreconditions(const os_model& s) const override { RC_PRE(s.spec.has_sender()); }
  void apply(os_model& s) const override {
    s.spec.send(s.next_value);
    ++s.next_value;
  }
  void run(const os_model& s0, os_real& real) const override {
    const std::string where = name_of(*this) + " of " + str(s0.next_value);
    os_model s = s0;
    const auto spec_result = s.spec.send(s.next_value);
    auto r = real.sender->send(s0.next_value);
    same(where, "ok", r.has_value(), spec_result.ok);
    if (!r) same(where, "value handed back", std::optional<int>(r.error().value), spec_result.value_back);
    same_oneshot(where, real, s);
  }
  void show(std::ostream& os) const override { os << "sender.send"; }
};

struct os_drop_sender : os_command {
  void checkPreconditions(const os_model& s) const override { RC_PRE(s.spec.has_sender()); }
  void apply(os_model& s) const override { s.spec.drop_sender(); }
  void run(const os_model& s0, os_real& real) const override {
    os_model s = s0;
    apply(s);
    real.sender.reset();
    same_oneshot(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "drop sender"; }
};

struct os_try_recv : os_command {
  void checkPreconditions(const os_model& s) const override { RC_PRE(s.spec.has_receiver()); }
  void apply(os_model& s) const override { s.spec.try_recv(); }
  void run(const os_model& s0, os_real& real) const override {
    const std::string where = name_of(*this);
    os_model s = s0;
    const auto spec_result = s.spec.try_recv();
    auto r = real.receiver->try_recv();
    std::string kind = "value";
    std::optional<int> value;
    if (r) {
      value = *r;
    } else {
      kind = r.error() == rt::try_recv_error::empty ? "empty" : "closed";
    }
    same(where, "result", kind, spec_result.kind);
    same(where, "value", value, spec_result.value);
    same_oneshot(where, real, s);
  }
  void show(std::ostream& os) const override { os << "receiver.try_recv"; }
};

struct os_close : os_command {
  void checkPreconditions(const os_model& s) const override { RC_PRE(s.spec.has_receiver()); }
  void apply(os_model& s) const override { s.spec.close(); }
  void run(const os_model& s0, os_real& real) const override {
    os_model s = s0;
    apply(s);
    real.receiver->close();
    same_oneshot(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "receiver.close"; }
};

struct os_drop_receiver : os_command {
  void checkPreconditions(const os_model& s) const override { RC_PRE(s.spec.has_receiver()); }
  void apply(os_model& s) const override { s.spec.drop_receiver(); }
  void run(const os_model& s0, os_real& real) const override {
    os_model s = s0;
    apply(s);
    real.receiver.reset();
    same_oneshot(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "drop receiver"; }
};

// Once both ends are gone: a new channel, so that the sequence goes on.
struct os_new_channel : os_command {
  void checkPreconditions(const os_model& s) const override {
    RC_PRE(!s.spec.has_sender() && !s.spec.has_receiver());
  }
  void apply(os_model& s) const override { s.spec = spec::oneshot{}; }
  void run(const os_model& s0, os_real& real) const override {
    os_model s = s0;
    apply(s);
    real = os_real();
    same_oneshot(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "new channel"; }
};

RC_GTEST_PROP(Refinement, OneshotRefinesModel, ()) {
  os_real real;
  rc::state::check(os_model{}, real, [](const os_model& s) {
    return rc::gen::weightedOneOf<std::shared_ptr<const os_command>>({
        {3, one<os_send>(s)},
        {1, one<os_drop_sender>(s)},
        {4, one<os_try_recv>(s)},
        {1, one<os_close>(s)},
        {1, one<os_drop_receiver>(s)},
        {1, one<os_new_channel>(s)},
    });
  });
}

// =====================================================================
// mpsc::bounded
// =====================================================================

struct mpsc_model {
  explicit mpsc_model(std::size_t capacity) : spec(capacity) {}
  spec::mpsc spec;
  int next_value = 1;
};

struct mpsc_real {
  explicit mpsc_real(std::size_t capacity) {
    auto [tx, rx] = rt::mpsc::bounded<int>(capacity);
    senders.emplace_back(std::move(tx));
    receiver.emplace(std::move(rx));
  }
  std::vector<std::optional<rt::mpsc::sender<int>>> senders;  // numbered like the spec's
  std::optional<rt::mpsc::receiver<int>> receiver;
};

void same_mpsc(const std::string& where, mpsc_real& real, const mpsc_model& s) {
  same(where, "sender count", real.senders.size(), s.spec.sender_slots());
  for (std::size_t i = 0; i < real.senders.size(); ++i) {
    const std::string name = "sender " + std::to_string(i);
    same(where, name + " present", real.senders[i].has_value(), s.spec.sender_alive(i));
    if (real.senders[i]) {
      same(where, name + " is_closed()", real.senders[i]->is_closed(), s.spec.sender_is_closed());
      same(where, name + " capacity()", real.senders[i]->capacity(), s.spec.capacity());
    }
  }
  same(where, "receiver present", real.receiver.has_value(), s.spec.rx() != spec::mpsc::receiver_state::dropped);
}

using mpsc_command = rc::state::Command<mpsc_model, mpsc_real>;

// Picks one of the live senders when the command is generated.
std::size_t pick_sender(const mpsc_model& s) {
  std::vector<std::size_t> live;
  for (std::size_t i = 0; i < s.spec.sender_slots(); ++i) {
    if (s.spec.sender_alive(i)) live.push_back(i);
  }
  RC_PRE(!live.empty());
  return *rc::gen::elementOf(live);
}

struct mpsc_try_send : mpsc_command {
  std::size_t i;
  explicit mpsc_try_send(const mpsc_model& s) : i(pick_sender(s)) {}
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(s.spec.sender_alive(i)); }
  void apply(mpsc_model& s) const override {
    s.spec.try_send(s.next_value);
    ++s.next_value;
  }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    const std::string where = name_of(*this) + " of " + str(s0.next_value) + " (spec holds " +
                              str(s0.spec.queued()) + ")";
    mpsc_model s = s0;
    const auto spec_result = s.spec.try_send(s.next_value);
    auto r = real.senders[i]->try_send(s0.next_value);
    std::string kind = "ok";
    std::optional<int> back;
    if (!r) {
      using why = rt::try_send_error<int>::reason;
      kind = r.error().why == why::full ? "full" : "closed";
      back = r.error().value;
    }
    same(where, "result", kind, spec_result.kind);
    same(where, "value handed back", back, spec_result.value_back);
    same_mpsc(where, real, s);
  }
  void show(std::ostream& os) const override { os << "sender " << i << ".try_send"; }
};

struct mpsc_clone : mpsc_command {
  std::size_t i;
  explicit mpsc_clone(const mpsc_model& s) : i(pick_sender(s)) {}
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(s.spec.sender_alive(i)); }
  void apply(mpsc_model& s) const override { s.spec.clone_sender(); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    mpsc_model s = s0;
    apply(s);
    rt::mpsc::sender<int> copy = *real.senders[i];
    real.senders.emplace_back(std::move(copy));
    same_mpsc(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "clone sender " << i; }
};

struct mpsc_drop_sender : mpsc_command {
  std::size_t i;
  explicit mpsc_drop_sender(const mpsc_model& s) : i(pick_sender(s)) {}
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(s.spec.sender_alive(i)); }
  void apply(mpsc_model& s) const override { s.spec.drop_sender(i); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    mpsc_model s = s0;
    apply(s);
    real.senders[i].reset();
    same_mpsc(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "drop sender " << i; }
};

bool has_receiver(const mpsc_model& s) { return s.spec.rx() != spec::mpsc::receiver_state::dropped; }

struct mpsc_try_recv : mpsc_command {
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(has_receiver(s)); }
  void apply(mpsc_model& s) const override { s.spec.try_recv(); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    const std::string where = name_of(*this) + " (spec holds " + str(s0.spec.queued()) + ", " +
                              str(s0.spec.live_senders()) + " live senders)";
    mpsc_model s = s0;
    const auto spec_result = s.spec.try_recv();
    auto r = real.receiver->try_recv();
    std::string kind = "value";
    std::optional<int> value;
    if (r) {
      value = *r;
    } else {
      kind = r.error() == rt::try_recv_error::empty ? "empty" : "closed";
    }
    same(where, "result", kind, spec_result.kind);
    same(where, "value", value, spec_result.value);
    same_mpsc(where, real, s);
  }
  void show(std::ostream& os) const override { os << "receiver.try_recv"; }
};

struct mpsc_close : mpsc_command {
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(has_receiver(s)); }
  void apply(mpsc_model& s) const override { s.spec.close(); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    mpsc_model s = s0;
    apply(s);
    real.receiver->close();
    same_mpsc(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "receiver.close"; }
};

struct mpsc_drop_receiver : mpsc_command {
  void checkPreconditions(const mpsc_model& s) const override { RC_PRE(has_receiver(s)); }
  void apply(mpsc_model& s) const override { s.spec.drop_receiver(); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    mpsc_model s = s0;
    apply(s);
    real.receiver.reset();
    same_mpsc(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "drop receiver"; }
};

// Once every end is gone: a new channel of the same capacity, so that the
// sequence goes on.
struct mpsc_new_channel : mpsc_command {
  void checkPreconditions(const mpsc_model& s) const override {
    RC_PRE(!has_receiver(s) && s.spec.live_senders() == 0);
  }
  void apply(mpsc_model& s) const override { s.spec = spec::mpsc(s.spec.capacity()); }
  void run(const mpsc_model& s0, mpsc_real& real) const override {
    mpsc_model s = s0;
    apply(s);
    real = mpsc_real(s.spec.capacity());
    same_mpsc(name_of(*this), real, s);
  }
  void show(std::ostream& os) const override { os << "new channel"; }
};

RC_GTEST_PROP(Refinement, MpscRefinesModel, ()) {
  const std::size_t capacity = *rc::gen::inRange<std::size_t>(1, 5);
  mpsc_real real(capacity);
  // Sends and receives come most often: the channel should fill and drain
  // many times before its ends go away.
  rc::state::check(mpsc_model(capacity), real, [](const mpsc_model& s) {
    return rc::gen::weightedOneOf<std::shared_ptr<const mpsc_command>>({
        {8, one<mpsc_try_send>(s)},
        {6, one<mpsc_try_recv>(s)},
        {2, one<mpsc_clone>(s)},
        {2, one<mpsc_drop_sender>(s)},
        {1, one<mpsc_close>(s)},
        {1, one<mpsc_drop_receiver>(s)},
        {1, one<mpsc_new_channel>(s)},
    });
  });
}

// =====================================================================
// Timer wheel
// =====================================================================

using rt::detail::timer_entry;
using rt::detail::timer_wheel;

struct tw_model {
  spec::timer_wheel spec;
  std::uint64_t next_id = 0;
};

struct tw_real {
  // Entries outlive the wheel (declared first, destroyed last).
  std::map<std::uint64_t, std::unique_ptr<timer_entry>> entries;
  std::map<const timer_entry*, std::uint64_t> ids;
  // Timers the wheel handed out, or refused (the caller fires those at once).
  std::set<std::uint64_t> fired;
  timer_wheel wheel;

  timer_entry* entry(std::uint64_t id, std::uint64_t deadline) {
    auto e = std::make_unique<timer_entry>();
    e->deadline = deadline;
    ids[e.get()] = id;
    return (entries[id] = std::move(e)).get();
  }
};

// The timers the wheel still holds, as the specification sees them: those
// not due yet, and the due ones not handed out.
std::map<std::uint64_t, std::uint64_t> outstanding(const tw_model& s, const tw_real& real) {
  std::map<std::uint64_t, std::uint64_t> out = s.spec.waiting();
  for (const auto& [id, deadline] : s.spec.due()) {
    if (real.fired.count(id) == 0) out.emplace(id, deadline);
  }
  return out;
}

// What every command checks afterwards.
void same_wheel(const std::string& where, const tw_real& real, const tw_model& s) {
  const auto left = outstanding(s, real);
  holds(where, real.wheel.elapsed() >= s.spec.elapsed() && real.wheel.elapsed() <= s.spec.now(),
        "elapsed " + str(real.wheel.elapsed()) + " is outside [" + str(s.spec.elapsed()) + ", " +
            str(s.spec.now()) + "]");
  holds(where, real.wheel.size() <= left.size(),
        "the wheel holds " + str(real.wheel.size()) + " timers, spec has " + str(left.size()) + " outstanding");
  const auto next = real.wheel.next_expiration();
  same(where, "next_expiration() present", next.has_value(), !left.empty());
  if (next) {
    std::uint64_t earliest = ~std::uint64_t{0};
    for (const auto& [id, deadline] : left) earliest = std::min(earliest, deadline);
    holds(where, *next <= earliest,
          "next_expiration() " + str(*next) + " is after the earliest outstanding deadline " + str(earliest));
  }
}

using tw_command = rc::state::Command<tw_model, tw_real>;

// A clock step: mostly small, sometimes across level 0's 64 ticks, level
// 1's 4096, level 2's 262144, now and then enormous.
rc::Gen<std::uint64_t> gen_step() {
  using rc::gen::inRange;
  return rc::gen::weightedOneOf<std::uint64_t>({
      {2, rc::gen::just<std::uint64_t>(0)},
      {4, inRange<std::uint64_t>(1, 65)},
      {3, inRange<std::uint64_t>(65, 4097)},
      {2, inRange<std::uint64_t>(4097, 300'000)},
      {1, inRange<std::uint64_t>(300'000, std::uint64_t{1} << 37)},
  });
}

struct tw_insert : tw_command {
  // Deadline relative to the specification's `elapsed`: `past` ticks before
  // it (0: at it), or `offset` ticks after it.
  bool in_past = *rc::gen::weightedElement<bool>({{1, true}, {9, false}});
  std::uint64_t past = *rc::gen::inRange<std::uint64_t>(0, 5);
  std::uint64_t offset = *rc::gen::weightedOneOf<std::uint64_t>({
      {4, rc::gen::inRange<std::uint64_t>(1, 65)},
      {3, rc::gen::inRange<std::uint64_t>(65, 4097)},
      {2, rc::gen::inRange<std::uint64_t>(4097, 300'000)},
      {1, rc::gen::inRange<std::uint64_t>(300'000, timer_wheel::max_span + 1)},
      // The farthest a timer can be: the time driver clamps longer sleeps
      // to it.
      {1, rc::gen::just(timer_wheel::max_span)},
  });

  std::uint64_t deadline(const tw_model& s) const {
    const std::uint64_t e = s.spec.elapsed();
    if (in_past) return e >= past ? e - past : 0;
    return e + offset;
  }
  void apply(tw_model& s) const override {
    s.spec.insert(s.next_id, deadline(s));
    ++s.next_id;
  }
  void run(const tw_model& s0, tw_real& real) const override {
    const std::uint64_t d = deadline(s0);
    const std::string where = name_of(*this) + " = timer " + str(s0.next_id) + " at " + str(d) +
                              " (elapsed " + str(s0.spec.elapsed()) + ", now " + str(s0.spec.now()) + ")";
    tw_model s = s0;
    const auto rule = s.spec.insert(s.next_id, d);
    timer_entry* e = real.entry(s0.next_id, d);
    const bool accepted = real.wheel.insert(e);
    if (rule == spec::timer_wheel::admission::accept) holds(where, accepted, "refused, spec accepts");
    if (rule == spec::timer_wheel::admission::refuse) holds(where, !accepted, "accepted, spec refuses");
    if (!accepted) real.fired.insert(s0.next_id);  // the caller fires it at once
    same_wheel(where, real, s);
  }
  void show(std::ostream& os) const override {
    if (in_past) {
      os << "insert(elapsed - " << past << ")";
    } else {
      os << "insert(elapsed + " << offset << ")";
    }
  }
};

struct tw_remove : tw_command {
  std::uint64_t id;
  // A timer not due yet, or a due one (which the wheel may or may not have
  // handed out already: a caller polling in batches cancels between them).
  explicit tw_remove(const tw_model& s) {
    std::vector<std::uint64_t> ids;
    for (const auto& [t, deadline] : s.spec.waiting()) ids.push_back(t);
    for (const auto& [t, deadline] : s.spec.due()) ids.push_back(t);
    RC_PRE(!ids.empty());
    id = *rc::gen::elementOf(ids);
  }
  void checkPreconditions(const tw_model& s) const override { RC_PRE(s.spec.can_remove(id)); }
  void apply(tw_model& s) const override { s.spec.remove(id); }
  void run(const tw_model& s0, tw_real& real) const override {
    const bool was_due = s0.spec.is_due(id);
    const std::uint64_t deadline = was_due ? s0.spec.due().at(id) : s0.spec.waiting().at(id);
    const std::string where =
        name_of(*this) + " (deadline " + str(deadline) + (was_due ? ", due" : "") + ")";
    tw_model s = s0;
    apply(s);
    timer_entry* e = real.entries.at(id).get();
    if (real.fired.count(id) != 0) {
      // Handed out (or refused) already: nothing left to cancel.
      holds(where, !e->in_wheel(), "a timer handed out is still in the wheel");
    } else {
      holds(where, e->in_wheel(), "the timer is not in the wheel");
      real.wheel.remove(e);
      holds(where, !e->in_wheel(), "the timer is still in the wheel after remove()");
    }
    same_wheel(where, real, s);
  }
  void show(std::ostream& os) const override { os << "remove(timer " << id << ")"; }
};

// Advances the clock by `step` and polls: until the wheel reports none
// (`drain`), or at most `budget` times, as a caller that hands out timers
// in batches and comes back later.
struct tw_poll : tw_command {
  std::uint64_t step = *gen_step();
  bool drain = *rc::gen::arbitrary<bool>();
  int budget = *rc::gen::inRange(1, 4);

  void apply(tw_model& s) const override {
    s.spec.poll_at(s.spec.now() + step);
    if (drain) s.spec.drained();
  }
  void run(const tw_model& s0, tw_real& real) const override {
    const std::uint64_t now = s0.spec.now() + step;
    const std::string where = name_of(*this) + " at " + str(now);
    tw_model s = s0;
    s.spec.poll_at(now);
    const std::size_t limit = drain ? s.spec.due().size() + 1 : static_cast<std::size_t>(budget);
    bool reported_none = false;
    for (std::size_t i = 0; i < limit; ++i) {
      timer_entry* e = real.wheel.poll(now);
      if (e == nullptr) {
        reported_none = true;
        break;
      }
      const auto it = real.ids.find(e);
      holds(where, it != real.ids.end(), "poll returned an entry that was never inserted");
      const std::uint64_t id = it->second;
      holds(where, !e->in_wheel(), "poll returned timer " + str(id) + " still in the wheel");
      holds(where, s.spec.is_due(id),
            "poll returned timer " + str(id) + " (deadline " + str(e->deadline) + "), which the spec says is not due");
      holds(where, real.fired.count(id) == 0, "poll returned timer " + str(id) + " a second time");
      real.fired.insert(id);
    }
    if (reported_none || drain) {
      holds(where, reported_none, "poll kept returning timers after every due timer was handed out");
      std::vector<std::uint64_t> missed;
      for (const auto& [id, deadline] : s.spec.due()) {
        if (real.fired.count(id) == 0) missed.push_back(id);
      }
      same(where, "due timers the poll did not hand out", missed, std::vector<std::uint64_t>{});
    }
    if (drain) {
      s.spec.drained();
      same(where, "elapsed after a drain", real.wheel.elapsed(), s.spec.elapsed());
      same(where, "size after a drain", real.wheel.size(), s.spec.waiting().size());
      const auto next = real.wheel.next_expiration();
      if (next) holds(where, *next > s.spec.elapsed(), "next_expiration() " + str(*next) + " is not after elapsed");
    }
    same_wheel(where, real, s);
  }
  void show(std::ostream& os) const override {
    os << "poll(now + " << step << (drain ? ", until none)" : ", at most " + std::to_string(budget) + " times)");
  }
};

RC_GTEST_PROP(Refinement, TimerWheelRefinesModel, ()) {
  tw_real real;
  rc::state::check(tw_model{}, real, [](const tw_model& s) {
    return rc::gen::weightedOneOf<std::shared_ptr<const tw_command>>({
        {4, one<tw_insert>(s)},
        {2, one<tw_remove>(s)},
        {3, one<tw_poll>(s)},
    });
  });
}

}  // namespace
}  // namespace weft::models
