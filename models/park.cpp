// Model 3: the worker park/notify protocol of the multi_thread scheduler
// (runtime/scheduler/multi_thread/idle.hpp, worker.cpp).
//
// A producer queues tasks one at a time and after each runs the notify
// protocol; the workers look for work, search (at most half of them at
// once), and park. The shared state is the idle word (searching and unparked
// counts, seq_cst) and the sleepers stack (under a lock). Each numbered step
// below is one atomic action of the real code:
//
//   notify   N1 read the word: wake someone only if nobody searches and
//            somebody sleeps; N2 under the lock, check again, pop the
//            newest sleeper, count it unparked and searching.
//   worker   look (pop the queue) -> found (leave searching; the last
//            searcher notifies another) -> run;  or no work -> try to
//            search -> search -> park: under the lock decrement the counts
//            and push itself; the last searcher then re-checks the queue
//            and notifies if it has work -> sleep until popped by N2.
//
// Property: no worker sleeps on queued work — every state can reach one in
// which every queued task ran (liveness), and the system never stops with a
// task in the queue (a stuck state). Invariants: searching <= unparked, the
// sleepers stack holds exactly the workers not counted as unparked.
#include <fmt/format.h>

#include "models/model.hpp"

namespace weft::models {
namespace {

enum : std::uint8_t { look, found, found_notify2, run, try_search, search, park_step, park_announce,
                      recheck, recheck_notify2, sleeping };
enum : std::uint8_t { p_push, p_notify1, p_notify2, p_done };

struct park_model {
  int workers = 2;
  int tasks = 2;
  bool check_before_announce = false;  // bug: re-check the queue, then announce the park

  struct state {
    std::uint8_t searching = 0, unparked = 0, queue = 0, produced = 0, ran = 0;
    std::uint8_t nsleepers = 0;
    std::uint8_t sleepers[4] = {0, 0, 0, 0};
    std::uint8_t pc[4] = {look, look, look, look};
    std::uint8_t srch[4] = {0, 0, 0, 0};
    std::uint8_t producer = p_push;
  };

  std::string title() const {
    return fmt::format("park (workers={}, tasks={}){}", workers, tasks,
                       check_before_announce ? " [bug: checks the queue before announcing the park]" : "");
  }

  state initial() const {
    state s;
    s.unparked = static_cast<std::uint8_t>(workers);
    return s;
  }

  bool should_wake(const state& s) const { return s.searching == 0 && s.unparked < workers; }

  // N2: under the lock, pop the newest sleeper and count it searching.
  bool notify_locked(state& s) const {
    if (!should_wake(s)) return false;
    ++s.unparked;
    ++s.searching;
    --s.nsleepers;
    s.sleepers[s.nsleepers] = 0;
    return true;
  }

  bool asleep(const state& s, int w) const {
    for (int i = 0; i < s.nsleepers; ++i) {
      if (s.sleepers[i] == w) return true;
    }
    return false;
  }

  void steps(const state& s, emitter<state>& out) const {
    producer_step(s, out);
    for (int w = 0; w < workers; ++w) worker_step(s, w, out);
  }

  void producer_step(const state& s, emitter<state>& out) const {
    const int actor = 4;
    state n = s;
    switch (s.producer) {
      case p_push:
        ++n.queue;
        ++n.produced;
        n.producer = p_notify1;
        return out.add(actor, "queue a task", n);
      case p_notify1:
        if (should_wake(n)) {
          n.producer = p_notify2;
          return out.add(actor, "notify: nobody searches, someone sleeps", n);
        }
        n.producer = n.produced == tasks ? p_done : p_push;
        return out.add(actor, "notify: no wake needed", n);
      case p_notify2: {
        const bool woke = notify_locked(n);
        n.producer = n.produced == tasks ? p_done : p_push;
        return out.add(actor, woke ? fmt::format("notify: unpark worker{}", s.sleepers[s.nsleepers - 1])
                                   : std::string("notify: recheck under the lock, no wake"),
                       n);
      }
      default:
        return;
    }
  }

  void worker_step(const state& s, int w, emitter<state>& out) const {
    state n = s;
    switch (s.pc[w]) {
      case look:
        if (n.queue > 0) {
          --n.queue;
          n.pc[w] = found;
          return out.add(w, "pop a task", n);
        }
        n.pc[w] = try_search;
        return out.add(w, "no task", n);
      case found:
        if (n.srch[w]) {
          n.srch[w] = 0;
          const bool last = n.searching == 1;
          --n.searching;
          if (last && should_wake(n)) {
            n.pc[w] = found_notify2;
            return out.add(w, "leave searching (last searcher): notify", n);
          }
          n.pc[w] = run;
          return out.add(w, last ? "leave searching (last searcher): no wake needed" : "leave searching", n);
        }
        n.pc[w] = run;
        return out.add(w, "go run it", n);
      case found_notify2: {
        const bool woke = notify_locked(n);
        n.pc[w] = run;
        return out.add(w, woke ? fmt::format("notify: unpark worker{}", s.sleepers[s.nsleepers - 1])
                               : std::string("notify: recheck under the lock, no wake"),
                       n);
      }
      case run:
        ++n.ran;
        n.pc[w] = look;
        return out.add(w, "run the task", n);
      case try_search:
        if (n.srch[w]) {
          n.pc[w] = search;
          return out.add(w, "already searching", n);
        }
        if (2 * n.searching < workers) {
          ++n.searching;
          n.srch[w] = 1;
          n.pc[w] = search;
          return out.add(w, "start searching", n);
        }
        n.pc[w] = check_before_announce ? park_step : park_announce;
        return out.add(w, "too many searchers: park", n);
      case search:
        if (n.queue > 0) {
          --n.queue;
          n.pc[w] = found;
          return out.add(w, "search: found a task", n);
        }
        n.pc[w] = check_before_announce ? park_step : park_announce;
        return out.add(w, "search: nothing", n);
      case park_step:  // only in the bug variant: look at the queue, then announce
        if (!(n.srch[w] && n.searching == 1)) {
          n.pc[w] = park_announce;
          return out.add(w, "not the last searcher: no check", n);
        }
        if (n.queue > 0) {
          n.pc[w] = look;
          return out.add(w, "last searcher checks the queue first: work", n);
        }
        n.pc[w] = park_announce;
        return out.add(w, "last searcher checks the queue first: empty", n);
      case park_announce: {
        const bool last = n.srch[w] && n.searching == 1;
        --n.unparked;
        if (n.srch[w]) --n.searching;
        n.srch[w] = 0;
        n.sleepers[n.nsleepers++] = static_cast<std::uint8_t>(w);
        n.pc[w] = last && !check_before_announce ? recheck : sleeping;
        return out.add(w, last ? "park (last searcher)" : "park", n);
      }
      case recheck:
        if (n.queue > 0 && should_wake(n)) {
          n.pc[w] = recheck_notify2;
          return out.add(w, "re-check the queue after parking: work, notify", n);
        }
        n.pc[w] = sleeping;
        return out.add(w, n.queue > 0 ? "re-check: work, but someone searches" : "re-check: empty", n);
      case recheck_notify2: {
        const bool woke = notify_locked(n);
        n.pc[w] = sleeping;
        return out.add(w, woke ? fmt::format("notify: unpark worker{}", s.sleepers[s.nsleepers - 1])
                               : std::string("notify: recheck under the lock, no wake"),
                       n);
      }
      case sleeping:
        if (asleep(n, w)) return;  // blocked in park()
        n.srch[w] = 1;  // N2 counted it as searching
        n.pc[w] = look;
        return out.add(w, "wake up (searching)", n);
      default:
        return;
    }
  }

  std::optional<std::string> violation(const state& s) const {
    if (s.searching > s.unparked) return "more workers searching than unparked";
    if (s.nsleepers + s.unparked != workers) {
      return fmt::format("{} sleepers but {} of {} workers unparked", s.nsleepers, s.unparked, workers);
    }
    int flagged = 0;
    for (int w = 0; w < workers; ++w) flagged += s.srch[w];
    // A worker popped by N2 (possibly before it even went to sleep) is
    // counted searching before it runs again.
    int popped = 0;
    for (int w = 0; w < workers; ++w) {
      const bool parking = s.pc[w] == recheck || s.pc[w] == recheck_notify2 || s.pc[w] == sleeping;
      popped += parking && !asleep(s, w);
    }
    if (flagged + popped != s.searching) {
      return fmt::format("searching count {} but {} workers search", s.searching, flagged + popped);
    }
    return std::nullopt;
  }

  bool is_final(const state& s) const {
    return s.producer == p_done && s.queue == 0 && s.ran == tasks;
  }
  bool is_goal(const state& s) const { return s.producer == p_done && s.ran == tasks; }
  std::string goal_name() const { return "every queued task ran"; }

  std::string describe(const state& s) const {
    static constexpr const char* names[] = {"look", "found", "notify", "run", "try-search", "search",
                                            "check", "park", "recheck", "notify", "sleep"};
    static constexpr const char* pnames[] = {"push", "notify", "notify-locked", "done"};
    std::string out = fmt::format("queue={} ran={} searching={} unparked={} sleepers=[", s.queue, s.ran,
                                  s.searching, s.unparked);
    for (int i = 0; i < s.nsleepers; ++i) out += fmt::format("{}{}", i ? "," : "", s.sleepers[i]);
    out += "] |";
    for (int w = 0; w < workers; ++w) out += fmt::format(" w{}:{}{}", w, names[s.pc[w]], s.srch[w] ? "*" : "");
    out += fmt::format(" | producer {}", pnames[s.producer]);
    return out;
  }

  std::string actor_name(int actor) const { return actor == 4 ? "producer" : fmt::format("worker{}", actor); }
};

model_entry entry(std::string name, std::string kind, std::string description, bool bug) {
  return model_entry{std::move(name), std::move(kind), std::move(description), "workers", "tasks", 2, 4, 2, 3,
                     [bug](int threads, int bound) -> std::unique_ptr<model> {
                       park_model m;
                       m.workers = threads;
                       m.tasks = bound;
                       m.check_before_announce = bug;
                       return std::make_unique<typed_model<park_model>>(m);
                     }};
}

}  // namespace

void add_park_models(std::vector<model_entry>& out) {
  out.push_back(entry("park", "model",
                      "worker park/notify (searching and unparked counts, sleepers): no worker sleeps on queued work",
                      false));
  out.push_back(entry("park-bug-check-before-announce", "model-bug",
                      "the last searcher checks the queue before announcing its park: a task queued in between strands",
                      true));
}

}  // namespace weft::models
