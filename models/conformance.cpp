#include "models/conformance.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "models/task_state.hpp"

namespace weft::models {
namespace {

using task_word::word;

// Where the poller is, beyond what the word says.
enum class phase : std::uint8_t { none, polling, poll_ended, finished, cancelling, done };

struct config {
  word w;
  phase p = phase::none;
  std::uint8_t entries = 0;  // queue entries pushed (traced) and not yet taken
  // Who owes the task a queue entry: 1 a submit (spawn, a submitting wake,
  // abort), 2 the poller's requeue after to_idle "ok_notified".
  std::uint8_t owed = 0;
  friend bool operator<(const config& a, const config& b) {
    auto key = [](const config& c) {
      return std::tuple(c.w.running, c.w.complete, c.w.notified, c.w.cancelled, static_cast<int>(c.p), c.entries, c.owed);
    };
    return key(a) < key(b);
  }
};

// Reference counts are not traced: the checker works on the flags alone and
// keeps the count high enough that no transition sees it reach zero.
constexpr std::uint8_t plenty = 100;

std::string show(const config& c) {
  std::string flags;
  auto flag = [&](bool on, const char* name) {
    if (!on) return;
    if (!flags.empty()) flags += '|';
    flags += name;
  };
  flag(c.w.running, "RUNNING");
  flag(c.w.complete, "COMPLETE");
  flag(c.w.notified, "NOTIFIED");
  flag(c.w.cancelled, "CANCELLED");
  if (flags.empty()) flags = "IDLE";
  static constexpr const char* phases[] = {"", " (polling)", " (poll returned)", " (poll finished)",
                                           " (cancelling)", " (done)"};
  return flags + phases[static_cast<int>(c.p)];
}

// Untraced transitions, applied until nothing new appears.
std::set<config> closure(std::set<config> in) {
  std::vector<config> work(in.begin(), in.end());
  auto add = [&](const config& c) {
    if (in.insert(c).second) work.push_back(c);
  };
  while (!work.empty()) {
    const config c = work.back();
    work.pop_back();
    if (c.p == phase::done) continue;
    // A by-value wake that finds the task running, queued or complete.
    if (c.w.running || c.w.notified || c.w.complete) {
      config n = c;
      n.w.refs = plenty;
      if (task_word::to_notified_by_val(n.w) == "do_nothing") add(n);
    }
    // abort(): may queue the task (the schedule event follows).
    {
      config n = c;
      n.w.refs = plenty;
      if (task_word::to_notified_and_cancel(n.w) == "submit") n.owed = 1;
      add(n);
    }
    // Runtime shutdown that finds the task running or complete.
    if (c.w.running || c.w.complete) {
      config n = c;
      if (task_word::to_shutdown(n.w) == "leave") add(n);
    }
    // A stale queue entry taken after the task ran or finished elsewhere
    // (to_running "failed" drops it without an event).
    if (c.entries > 0 && (c.w.running || c.w.complete)) {
      config n = c;
      --n.entries;
      add(n);
    }
    // to_idle after a pending poll.
    if (c.p == phase::poll_ended) {
      config n = c;
      const std::string r = task_word::to_idle(n.w);
      n.w.refs = plenty;
      n.p = phase::none;
      if (r == "ok_notified") n.owed = 2;
      if (r != "cancelled") add(n);
    }
  }
  return in;
}

// The configurations `c` can move to on event `e` (empty: forbidden).
std::vector<config> step(const config& c, const trace::event& e) {
  std::vector<config> out;
  config n = c;
  n.w.refs = plenty;
  switch (e.what) {
    case trace::kind::schedule:
      // The poller's requeue goes to the "yield" queue; every other push
      // follows a submit.
      if (c.w.notified && !c.w.running && !c.w.complete && c.entries < 2 &&
          c.owed == (e.a == static_cast<std::int64_t>(trace::queue::yield) ? 2 : 1)) {
        ++n.entries;
        n.owed = 0;
        out.push_back(n);
      }
      break;
    case trace::kind::wake:
      if (c.p == phase::done) {
        if (e.b == 0) out.push_back(n);  // a wake of a finished task does nothing
        break;
      }
      if (e.b == 1) {
        n.owed = 1;
        if (task_word::to_notified_by_ref(n.w) == "submit") out.push_back(n);
      } else if (task_word::to_notified_by_ref(n.w) == "do_nothing") {
        out.push_back(n);
      }
      break;
    case trace::kind::poll_start:
      if (c.p == phase::none && c.entries > 0 && task_word::to_running(n.w) == "success") {
        --n.entries;
        n.p = phase::polling;
        out.push_back(n);
      }
      break;
    case trace::kind::poll_end:
      if (c.p == phase::polling) {
        n.p = e.a == 1 ? phase::finished : phase::poll_ended;
        out.push_back(n);
      }
      break;
    case trace::kind::cancel:
      if (c.p == phase::none && c.entries > 0 && c.w.notified && c.w.cancelled && !c.w.running && !c.w.complete) {
        config m = n;  // to_running finds CANCELLED
        --m.entries;
        if (task_word::to_running(m.w) == "cancelled") {
          m.p = phase::cancelling;
          out.push_back(m);
        }
      }
      if (c.p == phase::poll_ended && c.w.cancelled) {
        config m = n;  // to_idle finds CANCELLED and keeps RUNNING
        if (task_word::to_idle(m.w) == "cancelled") {
          m.p = phase::cancelling;
          out.push_back(m);
        }
      }
      if (c.p == phase::none && e.a == 1) {
        config m = n;  // runtime shutdown takes RUNNING from an idle task
        if (task_word::to_shutdown(m.w) == "cancel_now") {
          m.p = phase::cancelling;
          out.push_back(m);
        }
      }
      break;
    case trace::kind::complete:
      if (c.p == phase::finished || c.p == phase::cancelling) {
        if (task_word::to_complete(n.w) == "complete") {
          n.p = phase::done;
          out.push_back(n);
        }
      }
      break;
    default:
      out.push_back(n);
      break;
  }
  return out;
}

bool is_lifecycle(trace::kind k) {
  switch (k) {
    case trace::kind::spawn:
    case trace::kind::schedule:
    case trace::kind::wake:
    case trace::kind::poll_start:
    case trace::kind::poll_end:
    case trace::kind::cancel:
    case trace::kind::complete:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<conformance_error> check_task_conformance(const std::vector<trace::event>& events) {
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::set<config>> tasks;  // (host, task) -> configs
  for (std::size_t i = 0; i < events.size(); ++i) {
    const trace::event& e = events[i];
    if (e.what == trace::kind::restart) {
      // A restarted host runs a new runtime: its task ids start again.
      std::erase_if(tasks, [&](const auto& entry) { return entry.first.first == e.host; });
      continue;
    }
    if (!is_lifecycle(e.what) || e.task == 0) continue;
    const auto key = std::pair(e.host, e.task);
    auto it = tasks.find(key);
    const std::string what = fmt::format("event {} ({} task {}{}{}, worker {})", i, trace::kind_name(e.what), e.task,
                                         e.what == trace::kind::wake ? fmt::format(" b={}", e.b) : "",
                                         e.what == trace::kind::poll_end ? fmt::format(" a={}", e.a) : "",
                                         e.worker);
    if (e.what == trace::kind::spawn) {
      if (it != tasks.end()) {
        return conformance_error{i, e.task, what + ": the task was spawned before"};
      }
      config c;
      c.w.refs = plenty;
      c.owed = 1;  // the spawn queues it
      tasks.emplace(key, closure({c}));
      continue;
    }
    if (it == tasks.end()) {
      return conformance_error{i, e.task, what + ": the task was never spawned"};
    }
    std::set<config> next;
    for (const config& c : it->second) {
      for (const config& n : step(c, e)) next.insert(n);
    }
    if (next.empty()) {
      std::string was;
      for (const config& c : it->second) {
        if (!was.empty()) was += ", ";
        was += show(c);
      }
      return conformance_error{i, e.task,
                               what + ": the task state model allows it in none of the states the task can be in: " +
                                   was};
    }
    it->second = closure(std::move(next));
  }
  return std::nullopt;
}

}  // namespace weft::models
