// Model 2: a worker's local run queue with steal-half and overflow
// (runtime/scheduler/multi_thread/local_queue.hpp), capacity 4.
//
// The owner pushes tasks 1..B (the --bound) and pops, in every order the
// checker can pick, then drains the queue; each of the --threads thieves
// makes one steal. The shared words are the ones of the real queue: `head`
// packs (steal, real), `tail` is the owner's, and the ring's slots keep
// whatever was written last (so a thief that reads the wrong slot reads a
// stale task, as it would in memory). Every load, CAS and store of the real
// code is its own step; a thief copies one slot per step.
//
// Invariants: no task is taken (popped, stolen or moved to the inject queue)
// twice, and no empty slot is ever taken. Liveness: every state can reach
// the end where every pushed task was taken exactly once.
#include <fmt/format.h>

#include "models/model.hpp"

namespace weft::models {
namespace {

constexpr int capacity = 4;

enum : std::uint8_t { o_idle, o_push, o_pop, o_done };
enum : std::uint8_t { t_load_head, t_load_tail, t_cas, t_copy, t_release, t_done };
enum : std::uint8_t { fine = 0, empty_slot, twice };

struct local_queue_model {
  int thieves = 1;
  int tasks = 5;
  bool steal_one_more = false;  // bug: steals half rounded up, plus one
  bool no_steal_mark = false;   // bug: the claim moves head.steal too, so the owner reuses slots being copied

  struct state {
    std::uint8_t steal = 0, real = 0, tail = 0;
    std::uint8_t slot[capacity] = {0, 0, 0, 0};
    std::uint8_t taken[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::uint8_t pushed = 0, injected = 0, bad = fine, bad_task = 0;
    std::uint8_t opc = o_idle, o_steal = 0, o_real = 0;
    std::uint8_t tpc[2] = {t_load_head, t_load_head};
    std::uint8_t t_steal[2] = {0, 0}, t_real[2] = {0, 0}, t_n[2] = {0, 0}, t_copied[2] = {0, 0};
    std::uint8_t t_buf[2][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
  };

  std::string title() const {
    std::string t = fmt::format("local-queue (capacity={}, thieves={}, tasks={})", capacity, thieves, tasks);
    if (steal_one_more) t += " [bug: steals one too many]";
    if (no_steal_mark) t += " [bug: steal not marked in progress]";
    return t;
  }

  state initial() const {
    state s;
    for (int t = thieves; t < 2; ++t) s.tpc[t] = t_done;
    return s;
  }

  static void take(state& s, std::uint8_t task) {
    if (s.bad != fine) return;
    if (task == 0) {
      s.bad = empty_slot;
      return;
    }
    if (++s.taken[task] > 1) {
      s.bad = twice;
      s.bad_task = task;
    }
  }

  void steps(const state& s, emitter<state>& out) const {
    if (s.bad != fine) return;
    owner_step(s, out);
    for (int t = 0; t < thieves; ++t) thief_step(s, t, out);
  }

  void owner_step(const state& s, emitter<state>& out) const {
    const int actor = 0;
    switch (s.opc) {
      case o_idle: {
        state n = s;
        n.o_steal = s.steal;
        n.o_real = s.real;
        if (s.pushed < tasks) {
          n.opc = o_push;
          out.add(actor, "push: load head", n);
        }
        n.opc = o_pop;
        out.add(actor, s.pushed < tasks ? "pop: load head" : "drain: pop, load head", n);
        return;
      }
      case o_push: {
        state n = s;
        const auto task = static_cast<std::uint8_t>(s.pushed + 1);
        if (static_cast<std::uint8_t>(s.tail - s.o_steal) < capacity) {
          n.slot[s.tail % capacity] = task;
          ++n.tail;
          n.pushed = task;
          n.opc = o_idle;
          return out.add(actor, fmt::format("push: write slot {}, store tail={} (task {})", s.tail % capacity,
                                            n.tail, task),
                         n);
        }
        if (s.o_steal != s.o_real) {
          take(n, task);
          ++n.injected;
          n.pushed = task;
          n.opc = o_idle;
          return out.add(actor, fmt::format("push: full while a steal runs, task {} to the inject queue", task), n);
        }
        // Claim the oldest half with one CAS, then move it and the new task.
        if (s.steal == s.o_steal && s.real == s.o_real) {
          const auto half = static_cast<std::uint8_t>(capacity / 2);
          n.steal = n.real = static_cast<std::uint8_t>(s.o_real + half);
          for (int i = 0; i < half; ++i) take(n, s.slot[(s.o_real + i) % capacity]);
          take(n, task);
          n.injected = static_cast<std::uint8_t>(n.injected + half + 1);
          n.pushed = task;
          n.opc = o_idle;
          return out.add(actor, fmt::format("push: full, CAS head to {} and move {} tasks + task {} to the inject queue",
                                            n.real, half, task),
                         n);
        }
        n.o_steal = s.steal;  // lost a race with a thief: the failed CAS reloads, retry
        n.o_real = s.real;
        return out.add(actor, "push: overflow CAS failed, retry", n);
      }
      case o_pop: {
        state n = s;
        if (s.o_real == s.tail) {
          n.opc = s.pushed == tasks ? o_done : o_idle;
          return out.add(actor, s.pushed == tasks ? "drain: empty, done" : "pop: empty", n);
        }
        if (s.steal == s.o_steal && s.real == s.o_real) {
          const auto next = static_cast<std::uint8_t>(s.o_real + 1);
          n.real = next;
          if (s.o_steal == s.o_real) n.steal = next;
          take(n, s.slot[s.o_real % capacity]);
          n.opc = o_idle;
          return out.add(actor, fmt::format("pop: CAS head.real to {}, take task {}", next, s.slot[s.o_real % capacity]),
                         n);
        }
        n.o_steal = s.steal;
        n.o_real = s.real;
        return out.add(actor, "pop: CAS failed, reload head", n);
      }
      default:
        return;
    }
  }

  void thief_step(const state& s, int t, emitter<state>& out) const {
    const int actor = 1 + t;
    state n = s;
    switch (s.tpc[t]) {
      case t_load_head:
        n.t_steal[t] = s.steal;
        n.t_real[t] = s.real;
        if (s.steal != s.real) {
          n.tpc[t] = t_done;
          return out.add(actor, "steal: another steal in progress, give up", n);
        }
        n.tpc[t] = t_load_tail;
        return out.add(actor, fmt::format("steal: load head ({},{})", s.steal, s.real), n);
      case t_load_tail: {
        const auto available = static_cast<std::uint8_t>(s.tail - s.t_real[t]);
        auto want = static_cast<std::uint8_t>(available - available / 2);
        if (steal_one_more && available > 0) ++want;
        if (want == 0) {
          n.tpc[t] = t_done;
          return out.add(actor, "steal: load tail, nothing to steal", n);
        }
        n.t_n[t] = want;
        n.tpc[t] = t_cas;
        return out.add(actor, fmt::format("steal: load tail={}, claim {}", s.tail, want), n);
      }
      case t_cas:
        if (s.steal == s.t_steal[t] && s.real == s.t_real[t]) {
          n.real = static_cast<std::uint8_t>(s.t_real[t] + s.t_n[t]);
          if (no_steal_mark) n.steal = n.real;
          n.t_copied[t] = 0;
          n.tpc[t] = t_copy;
          return out.add(actor, fmt::format("steal: CAS head to ({},{})", n.steal, n.real), n);
        }
        n.t_steal[t] = s.steal;
        n.t_real[t] = s.real;
        n.tpc[t] = s.steal != s.real ? t_done : t_load_tail;
        return out.add(actor, "steal: CAS failed, reload head", n);
      case t_copy: {
        const int i = s.t_copied[t];
        const int pos = (s.t_real[t] + i) % capacity;
        n.t_buf[t][i] = s.slot[pos];
        ++n.t_copied[t];
        if (n.t_copied[t] == s.t_n[t]) n.tpc[t] = t_release;
        return out.add(actor, fmt::format("steal: copy slot {} (task {})", pos, s.slot[pos]), n);
      }
      case t_release:
        n.steal = n.real;
        for (int i = 0; i < s.t_n[t]; ++i) take(n, s.t_buf[t][i]);
        n.tpc[t] = t_done;
        return out.add(actor, fmt::format("steal: CAS head.steal to {}, take {} tasks", s.real, s.t_n[t]), n);
      default:
        return;
    }
  }

  std::optional<std::string> violation(const state& s) const {
    if (s.bad == empty_slot) return "a never-written slot was taken as a task";
    if (s.bad == twice) return fmt::format("task {} was taken twice", s.bad_task);
    return std::nullopt;
  }

  bool all_taken_once(const state& s) const {
    for (int i = 1; i <= tasks; ++i) {
      if (s.taken[i] != 1) return false;
    }
    return true;
  }
  bool done(const state& s) const {
    for (int t = 0; t < thieves; ++t) {
      if (s.tpc[t] != t_done) return false;
    }
    return s.opc == o_done;
  }
  bool is_final(const state& s) const { return done(s) && all_taken_once(s); }
  bool is_goal(const state& s) const { return is_final(s); }
  std::string goal_name() const { return "every pushed task was taken exactly once"; }

  std::string describe(const state& s) const {
    std::string out = fmt::format("head=({},{}) tail={} slots=[{},{},{},{}] taken:", s.steal, s.real, s.tail,
                                  s.slot[0], s.slot[1], s.slot[2], s.slot[3]);
    for (int i = 1; i <= tasks; ++i) out += fmt::format("{}", s.taken[i]);
    static constexpr const char* opc[] = {"idle", "push", "pop", "done"};
    static constexpr const char* tpc[] = {"load-head", "load-tail", "cas", "copy", "release", "done"};
    out += fmt::format(" | owner {}", opc[s.opc]);
    for (int t = 0; t < thieves; ++t) out += fmt::format(" thief{} {}", t, tpc[s.tpc[t]]);
    return out;
  }

  std::string actor_name(int actor) const { return actor == 0 ? "owner" : fmt::format("thief{}", actor - 1); }
};

model_entry entry(std::string name, std::string kind, std::string description, bool one_more, bool no_mark) {
  return model_entry{std::move(name), std::move(kind), std::move(description), "thieves", "tasks", 1, 2, 5, 7,
                     [one_more, no_mark](int threads, int bound) -> std::unique_ptr<model> {
                       local_queue_model m;
                       m.thieves = threads;
                       m.tasks = bound;
                       m.steal_one_more = one_more;
                       m.no_steal_mark = no_mark;
                       return std::make_unique<typed_model<local_queue_model>>(m);
                     }};
}

}  // namespace

void add_local_queue_models(std::vector<model_entry>& out) {
  out.push_back(entry("local-queue", "model",
                      "local run queue, push/pop/steal-half/overflow: every task taken exactly once", false, false));
  out.push_back(entry("local-queue-bug-steal-one-more", "model-bug",
                      "a thief claims half plus one: it takes a slot past the tail", true, false));
  out.push_back(entry("local-queue-bug-no-steal-mark", "model-bug",
                      "the steal claim moves head.steal too: the owner reuses slots the thief is still copying",
                      false, true));
}

}  // namespace weft::models
