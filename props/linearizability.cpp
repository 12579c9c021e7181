// The parts of the linearizability checker that do not depend on the
// model: the event list, views, merging per-key orders, and printing
// explanations. See linearizability.hpp for the algorithm.
#include "props/linearizability.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/core/executor.hpp"

namespace weft::props::detail {

call_list::call_list(const lin_view& view) {
  struct event {
    std::size_t at;
    std::size_t op;
    bool is_call;
  };
  std::vector<event> events;
  events.reserve(2 * view.size());
  for (std::size_t i = 0; i < view.size(); ++i) {
    const lin_op& o = view[i];
    WEFT_ASSERT(o.responded_at == no_event || o.invoked_at < o.responded_at,
                "linearizability: an operation responded before it was invoked");
    events.push_back(event{o.invoked_at, i, true});
    if (o.responded_at != no_event) events.push_back(event{o.responded_at, i, false});
  }
  std::sort(events.begin(), events.end(), [](const event& a, const event& b) { return a.at < b.at; });
  nodes_.resize(events.size() + 1);
  std::vector<std::size_t>& call_node = call_node_;
  call_node.assign(view.size(), end);
  for (std::size_t k = 0; k < events.size(); ++k) {
    WEFT_ASSERT(k == 0 || events[k - 1].at < events[k].at, "linearizability: two events at one position");
    const std::size_t n = k + 1;
    nodes_[n] = link{k, k + 1 < events.size() ? n + 1 : end, events[k].op, end, events[k].is_call};
    if (events[k].is_call) {
      call_node[events[k].op] = n;
    } else {
      nodes_[call_node[events[k].op]].match = n;  // the call came first: positions ascend
    }
  }
  nodes_[end].next = events.empty() ? end : 1;
  nodes_[end].prev = events.size();
}

void call_list::lift(std::size_t call) {
  WEFT_ASSERT(call != end && nodes_[call].is_call, "call_list::lift of a return node");
  unlink(call);
  if (nodes_[call].match != end) unlink(nodes_[call].match);
}

void call_list::unlift(std::size_t call) {
  WEFT_ASSERT(call != end && nodes_[call].is_call, "call_list::unlift of a return node");
  if (nodes_[call].match != end) relink(nodes_[call].match);
  relink(call);
}

void call_list::unlink(std::size_t n) noexcept {
  nodes_[nodes_[n].prev].next = nodes_[n].next;
  nodes_[nodes_[n].next].prev = nodes_[n].prev;
}

void call_list::relink(std::size_t n) noexcept {
  // Valid only as the exact undo of the latest unlink still in force: the
  // neighbours n remembers must point at each other.
  WEFT_ASSERT(nodes_[nodes_[n].prev].next == nodes_[n].next && nodes_[nodes_[n].next].prev == nodes_[n].prev,
              "call_list: unlift out of stack order");
  nodes_[nodes_[n].prev].next = n;
  nodes_[nodes_[n].next].prev = n;
}

lin_view cut_view(const lin_view& view, std::size_t cut) {
  lin_view out;
  out.reserve(view.size());
  for (const lin_op& o : view) {
    if (o.invoked_at > cut) continue;
    lin_op c = o;
    if (c.responded_at != no_event && c.responded_at > cut) {
      c.responded_at = no_event;  // not yet answered by the cut: pending
      c.unknown = false;
    }
    out.push_back(c);
  }
  return out;
}

std::vector<std::size_t> response_positions(const lin_view& view) {
  std::vector<std::size_t> at;
  for (const lin_op& o : view) {
    if (o.answered()) at.push_back(o.responded_at);
  }
  std::sort(at.begin(), at.end());
  return at;
}

// Each operation's deadline is the earliest response at or after it in its
// own order (it must precede all of those). Taking operations by deadline,
// each key's order kept on ties, is a valid merge: if a later-taken x had
// to precede an earlier-taken h (x responded before h was invoked), then
// h's deadline <= x's deadline <= x's response < h's invocation, so some y
// at or after h in h's own order responded before h was invoked, and that
// order would not respect real time.
std::vector<std::size_t> merge_orders(const std::vector<std::vector<lin_op>>& orders) {
  struct ranked {
    std::size_t deadline;
    std::size_t id;
  };
  std::vector<ranked> all;
  for (const std::vector<lin_op>& order : orders) {
    const std::size_t from = all.size();
    all.resize(from + order.size());
    std::size_t deadline = no_event;
    for (std::size_t k = order.size(); k-- > 0;) {
      deadline = std::min(deadline, order[k].responded_at);
      all[from + k] = ranked{deadline, order[k].id};
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const ranked& a, const ranked& b) { return a.deadline < b.deadline; });
  std::vector<std::size_t> ids;
  ids.reserve(all.size());
  for (const ranked& r : all) ids.push_back(r.id);
  return ids;
}

namespace {

std::string interval(const lin_step& row) {
  if (row.responded_at == no_event) return fmt::format("[{}..]", row.invoked_at);
  return fmt::format("[{}..{}]", row.invoked_at, row.responded_at);
}

// An answer as printed: an empty one shows as "" rather than vanishing.
std::string shown(const std::string& answer) { return answer.empty() ? std::string("\"\"") : answer; }

std::string call_and_answer(const lin_step& row) {
  if (row.answered) return fmt::format("{} -> {}", row.op, shown(row.ret));
  if (row.unknown) return fmt::format("{} -> (answer unknown)", row.op);
  if (row.responded_at == no_event) return fmt::format("{} -> (pending)", row.op);
  return fmt::format("{} -> (no answer by then)", row.op);
}

std::string status(const lin_step& row) {
  switch (row.role) {
    case lin_role::linearized:
      return fmt::format("linearized at step {}", row.step);
    case lin_role::wrong_answer:
      return fmt::format("cannot take effect next: the model answers {}", shown(row.model_answer));
    case lin_role::dead_end:
      return "could take effect next, but no linearization continues after it";
    case lin_role::pending:
      return fmt::format("taking effect next (answering {}) or never, no linearization continues",
                         shown(row.model_answer));
    case lin_role::waits:
      return fmt::format("must follow #{} (invoked after it responded)", row.waits_for);
  }
  return "?";
}

}  // namespace

std::string format_failure(const lin_explanation& report) {
  WEFT_ASSERT(report.cut_event != no_event && !report.steps.empty(), "format_failure of an empty report");
  std::string out = fmt::format("not linearizable: {} up to event {}, where #{} responds, has no linearization.\n",
                                report.scope.empty() ? "the history" : report.scope, report.cut_event,
                                report.culprit);
  const std::string state = report.model_state.empty() ? "" : fmt::format(" (model state after it: {})",
                                                                          report.model_state);
  out += fmt::format("The longest partial linearization found takes {} of its {} completed operations{}:\n",
                     report.completed_linearized, report.completed_total, state);
  std::size_t id_width = 0;
  std::size_t thread_width = 0;
  std::size_t interval_width = 0;
  std::size_t call_width = 0;
  for (const lin_step& row : report.steps) {
    id_width = std::max(id_width, std::to_string(row.id).size());
    thread_width = std::max(thread_width, std::to_string(row.thread).size());
    interval_width = std::max(interval_width, interval(row).size());
    call_width = std::max(call_width, call_and_answer(row).size());
  }
  if (report.linearized_hidden > 0) {
    out += fmt::format("  ... steps 1 to {} of it not shown\n", report.linearized_hidden);
  }
  for (const lin_step& row : report.steps) {
    out += fmt::format("  #{:<{}}  thread {:<{}}  {:<{}}  {:<{}}  {}\n", row.id, id_width, row.thread, thread_width,
                       interval(row), interval_width, call_and_answer(row), call_width, status(row));
  }
  if (report.others_hidden > 0) {
    out += fmt::format("  ... and {} more operations not linearized, not shown\n", report.others_hidden);
  }
  return out;
}

std::string format_gave_up(std::string_view scope, lin_undecided why, std::size_t configurations,
                           std::size_t bound) {
  const std::string what = scope.empty() ? "the history" : std::string(scope);
  if (why == lin_undecided::time) {
    return fmt::format("no verdict: checking {} ran out of time (lin_options::time_limit) after {} configurations\n",
                       what, configurations);
  }
  return fmt::format(
      "no verdict: checking {} stopped after {} configurations (lin_options::max_configurations = {}); "
      "raise the bound, check a shorter history, or split it by key (check_linearizable_by_key)\n",
      what, configurations, bound);
}

void fill_result(lin_result& r, view_verdict&& v) {
  r.linearizable = v.outcome == search_outcome::linearizable;
  r.gave_up = v.outcome == search_outcome::gave_up;
  r.undecided = v.undecided;
  r.explanation = std::move(v.explanation);
  r.failure = std::move(v.failure);
  r.order.clear();
  for (const lin_op& o : v.order) r.order.push_back(o.id);
  r.configurations = v.configurations;
}

void fail_not_linearizable(const std::string& explanation) {
  sim::executor* ex = sim::executor::current();
  if (ex != nullptr && ex->current_thread() != sim::no_thread) {
    // The first line is the report's message; the rest follows it.
    std::string one_line;
    for (const char c : explanation) {
      if (c == '\n') {
        one_line += " |";
      } else if (c != ' ' || one_line.empty() || one_line.back() != ' ') {
        one_line += c;  // runs of spaces (the table's alignment) become one
      }
    }
    while (!one_line.empty() && (one_line.back() == '|' || one_line.back() == ' ')) one_line.pop_back();
    ex->fail(sim::outcome::not_linearizable, one_line);
  }
  throw std::logic_error(explanation);
}

}  // namespace weft::props::detail
