// Model 1: the task state word under concurrent pollers, wakers and a join
// handle.
//
// Actors
//   worker k (the --bound workers): takes a queue entry, to_running, polls
//     (reads whether every waker has signalled: then the future is ready),
//     then to_idle (requeue if woken meanwhile) or to_complete and release.
//   waker i (the --threads wakers): signals the event the task waits for,
//     then wakes the task (even i by value, odd i by reference) and drops
//     its reference.
//   join: drops the join handle, or aborts the task first.
// Every step is one transition of the word (one CAS in the real code), so
// the checker sees every order in which they can land.
//
// Invariants: the reference count equals the number of holders (queue
// entries, live wakers, the join handle, the owned-task list, the poller);
// never two pollers; never polled after completion; no use after free and no
// double free. Liveness: the task is eventually freed — which needs every
// wake to lead to a poll, so a lost wake shows up as a stuck state.
#include <fmt/format.h>

#include "models/model.hpp"
#include "models/task_state.hpp"

namespace weft::models {
namespace {

using task_word::word;

enum : std::uint8_t { w_take, w_poll, w_idle, w_complete, w_release, w_requeued };
enum : std::uint8_t { k_signal, k_wake, k_drop, k_done };
enum : std::uint8_t { j_start, j_drop, j_done };
enum : std::uint8_t { ok = 0, use_after_free, polled_after_complete, precondition };

struct task_state_model {
  int wakers = 2;
  int workers = 2;
  bool lose_notified = false;   // bug: a wake during a poll does not set NOTIFIED
  bool early_ref_drop = false;  // bug: a by-value wake queues the task on the waker's reference

  struct state {
    word w;
    std::uint8_t queue = 1, signalled = 0, freed = 0, owned = 1, bad = ok;
    std::uint8_t worker[3] = {w_take, w_take, w_take};
    std::uint8_t waker[4] = {k_signal, k_signal, k_signal, k_signal};
    std::uint8_t join = j_start;
  };

  std::string title() const {
    std::string t = fmt::format("task-state (wakers={}, workers={})", wakers, workers);
    if (lose_notified) t += " [bug: wake during a poll is lost]";
    if (early_ref_drop) t += " [bug: by-value wake queues on the waker's reference]";
    return t;
  }

  state initial() const {
    state s;
    s.w.refs = static_cast<std::uint8_t>(3 + wakers);  // owned, queue entry, join, one per waker
    for (int i = wakers; i < 4; ++i) s.waker[i] = k_done;
    return s;
  }

  // Touching the word of a freed cell is the bug being looked for.
  static bool touch(state& s) {
    if (s.freed) {
      s.bad = use_after_free;
      return false;
    }
    return true;
  }
  static void drop_ref(state& s) {
    if (!touch(s)) return;
    if (s.w.refs == 0) {
      s.bad = precondition;
      return;
    }
    if (--s.w.refs == 0) ++s.freed;
  }
  static void check(state& s, const std::string& r) {
    if (r == "precondition") s.bad = precondition;
  }

  void steps(const state& s, emitter<state>& out) const {
    if (s.bad != ok) return;
    for (int k = 0; k < workers; ++k) worker_step(s, k, out);
    for (int i = 0; i < wakers; ++i) waker_step(s, i, out);
    join_step(s, out);
  }

  void worker_step(const state& s, int k, emitter<state>& out) const {
    state n = s;
    const int actor = k;
    switch (s.worker[k]) {
      case w_take: {
        if (s.queue == 0) return;  // waits for work
        --n.queue;
        if (!touch(n)) return out.add(actor, "take entry (freed cell)", n);
        if (n.w.running || n.w.complete) {
          const std::string r = task_word::to_running(n.w);
          check(n, r);
          if (n.w.refs == 0) ++n.freed;
          return out.add(actor, "to_running: " + r + " (stale entry)", n);
        }
        const std::string r = task_word::to_running(n.w);
        check(n, r);
        n.worker[k] = w_poll;
        return out.add(actor, "to_running: " + r, n);
      }
      case w_poll: {
        if (!touch(n)) return out.add(actor, "poll (freed cell)", n);
        if (n.w.complete) {
          n.bad = polled_after_complete;
          return out.add(actor, "poll a complete task", n);
        }
        if (n.w.cancelled) {
          n.worker[k] = w_complete;
          return out.add(actor, "poll: cancelled, drop the future", n);
        }
        const bool ready = n.signalled == wakers;
        n.worker[k] = ready ? w_complete : w_idle;
        return out.add(actor, ready ? "poll: ready" : "poll: pending", n);
      }
      case w_idle: {
        if (!touch(n)) return out.add(actor, "to_idle (freed cell)", n);
        const std::string r = task_word::to_idle(n.w, lose_notified);
        check(n, r);
        if (r == "cancelled") {
          n.worker[k] = w_complete;
        } else {
          if (n.w.refs == 0) ++n.freed;
          if (r == "ok_notified") {
            ++n.queue;  // requeue; the poller's own reference goes next
            n.worker[k] = w_requeued;
          } else {
            n.worker[k] = w_take;
          }
        }
        return out.add(actor, "to_idle: " + r, n);
      }
      case w_complete: {
        if (!touch(n)) return out.add(actor, "to_complete (freed cell)", n);
        check(n, task_word::to_complete(n.w));
        n.worker[k] = w_release;
        return out.add(actor, "to_complete", n);
      }
      case w_release: {
        n.owned = 0;
        n.worker[k] = w_take;
        drop_ref(n);
        drop_ref(n);
        return out.add(actor, "release: drop 2 refs (poll, owned list)", n);
      }
      case w_requeued:
        n.worker[k] = w_take;
        drop_ref(n);
        return out.add(actor, "requeued: drop the poller's reference", n);
      default:
        return;
    }
  }

  void waker_step(const state& s, int i, emitter<state>& out) const {
    state n = s;
    const int actor = 3 + i;
    const bool by_val = i % 2 == 0;
    switch (s.waker[i]) {
      case k_signal:
        ++n.signalled;
        n.waker[i] = k_wake;
        return out.add(actor, "signal the event", n);
      case k_wake: {
        if (!touch(n)) return out.add(actor, "wake (freed cell)", n);
        std::string r;
        if (by_val) {
          const bool idle_unqueued = !n.w.running && !n.w.complete && !n.w.notified;
          r = task_word::to_notified_by_val(n.w, lose_notified);
          check(n, r);
          if (early_ref_drop && idle_unqueued) --n.w.refs;  // the bug: no reference of its own for the entry
          if (r == "dealloc") ++n.freed;
          n.waker[i] = r == "submit" ? k_drop : k_done;
        } else {
          r = task_word::to_notified_by_ref(n.w, lose_notified);
          n.waker[i] = k_drop;
        }
        if (r == "submit") ++n.queue;
        return out.add(actor, fmt::format("wake_by_{}: {}", by_val ? "val" : "ref", r), n);
      }
      case k_drop:
        n.waker[i] = k_done;
        drop_ref(n);
        return out.add(actor, "drop waker", n);
      default:
        return;
    }
  }

  void join_step(const state& s, emitter<state>& out) const {
    const int actor = 7;
    if (s.join == j_done) return;
    if (s.join == j_start) {
      state n = s;
      if (touch(n)) {
        const std::string r = task_word::to_notified_and_cancel(n.w);
        if (r == "submit") ++n.queue;
        n.join = j_drop;
        out.add(actor, "abort: " + r, n);
      } else {
        out.add(actor, "abort (freed cell)", n);
      }
    }
    state n = s;
    if (!touch(n)) return out.add(actor, "drop handle (freed cell)", n);
    const std::string r = task_word::unset_join_interest(n.w);
    check(n, r);
    n.join = j_done;
    drop_ref(n);
    out.add(actor, "drop handle: unset_join_interest " + r, n);
  }

  int holders(const state& s) const {
    int h = s.queue + s.owned;
    for (int i = 0; i < wakers; ++i) h += s.waker[i] != k_done ? 1 : 0;
    h += s.join != j_done ? 1 : 0;
    for (int k = 0; k < workers; ++k) h += s.worker[k] != w_take ? 1 : 0;
    return h;
  }

  std::optional<std::string> violation(const state& s) const {
    switch (s.bad) {
      case use_after_free: return "use after free: the task's cell was touched after its last reference was dropped";
      case polled_after_complete: return "a complete task was polled";
      case precondition: return "a transition's precondition failed (reference count underflow or a transition from the wrong state)";
      default: break;
    }
    // (A second free would first touch the freed cell: use after free.)
    if (s.freed > 1) return "the task's cell was freed twice";
    int polling = 0;
    for (int k = 0; k < workers; ++k) polling += s.worker[k] == w_poll || s.worker[k] == w_idle || s.worker[k] == w_complete;
    if (polling > 1) return "two workers poll the task at once";
    if (!s.freed && s.w.refs != holders(s)) {
      return fmt::format("reference count {} but {} holders", s.w.refs, holders(s));
    }
    return std::nullopt;
  }

  bool done(const state& s) const {
    for (int i = 0; i < wakers; ++i) {
      if (s.waker[i] != k_done) return false;
    }
    for (int k = 0; k < workers; ++k) {
      if (s.worker[k] != w_take) return false;
    }
    return s.join == j_done && s.queue == 0;
  }
  bool is_final(const state& s) const { return done(s) && s.freed == 1; }
  bool is_goal(const state& s) const { return s.freed == 1; }
  std::string goal_name() const { return "the task is freed"; }

  std::string describe(const state& s) const {
    std::string flags;
    auto flag = [&](bool on, const char* name) {
      if (!on) return;
      if (!flags.empty()) flags += '|';
      flags += name;
    };
    flag(s.w.running, "RUNNING");
    flag(s.w.complete, "COMPLETE");
    flag(s.w.notified, "NOTIFIED");
    flag(s.w.cancelled, "CANCELLED");
    flag(s.w.join_interest, "JOIN");
    if (flags.empty()) flags = "IDLE";
    std::string out = fmt::format("{} refs={} queue={}", flags, s.w.refs, s.queue);
    if (s.freed) out += " FREED";
    static constexpr const char* wpc[] = {"wait", "poll", "to_idle", "complete", "release", "requeued"};
    static constexpr const char* kpc[] = {"signal", "wake", "drop", "done"};
    static constexpr const char* jpc[] = {"start", "drop", "done"};
    out += " | workers";
    for (int k = 0; k < workers; ++k) out += std::string(" ") + wpc[s.worker[k]];
    out += " | wakers";
    for (int i = 0; i < wakers; ++i) out += std::string(" ") + kpc[s.waker[i]];
    out += std::string(" | join ") + jpc[s.join];
    return out;
  }

  std::string actor_name(int actor) const {
    if (actor < 3) return fmt::format("worker{}", actor);
    if (actor < 7) return fmt::format("waker{}", actor - 3);
    return "join";
  }
};

model_entry entry(std::string name, std::string kind, std::string description, bool lose, bool early) {
  return model_entry{
      std::move(name), std::move(kind), std::move(description), "wakers", "workers", 2, 4, 2, 3,
      [lose, early](int threads, int bound) -> std::unique_ptr<model> {
        task_state_model m;
        m.wakers = threads;
        m.workers = bound;
        m.lose_notified = lose;
        m.early_ref_drop = early;
        return std::make_unique<typed_model<task_state_model>>(m);
      }};
}

}  // namespace

void add_task_state_models(std::vector<model_entry>& out) {
  out.push_back(entry("task-state", "model",
                      "task state word: pollers, wakers and a join handle; no wake lost, freed exactly once",
                      false, false));
  out.push_back(entry("task-state-bug-lost-notified", "model-bug",
                      "a wake while the task is running does not set NOTIFIED: the task is never polled again",
                      true, false));
  out.push_back(entry("task-state-bug-early-ref-drop", "model-bug",
                      "a by-value wake queues the task on the waker's own reference: the cell is freed while queued",
                      false, true));
}

}  // namespace weft::models
