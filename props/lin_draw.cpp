// Drawing a linearizability check (lin_recorded.hpp): one row per process,
// its operations left to right in history order; numbered green nodes and
// a dashed chain for the (partial) linearization; red for the operation
// that responded with no linearization left, orange for those that could
// not go next, grey for those that had to wait.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "props/lin_recorded.hpp"
#include "runtime/trace/dot.hpp"

namespace weft::props::recorded {
namespace {

const char* colour(const lin_step& s, bool culprit) {
  if (culprit) return ", fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2";
  switch (s.role) {
    case lin_role::linearized: return ", fillcolor=\"#c8e6c9\"";
    case lin_role::wrong_answer: return ", fillcolor=\"#ffe0b2\", color=\"#e65100\"";
    case lin_role::dead_end: return ", fillcolor=\"#fff3e0\"";
    case lin_role::pending: return ", fillcolor=\"#eceff1\", style=\"rounded,filled,dashed\"";
    case lin_role::waits: return ", fillcolor=\"#f5f5f5\", fontcolor=\"#757575\"";
  }
  return "";
}

std::string label(const lin_step& s) {
  std::string answer = s.answered ? (s.ret.empty() ? std::string("\"\"") : s.ret)
                       : s.unknown ? std::string("?")
                                   : std::string("…");
  std::string out = fmt::format("#{} {} → {}\n[{}..{}]", s.id, s.op, answer, s.invoked_at,
                                s.responded_at == lin_no_event ? std::string() : std::to_string(s.responded_at));
  if (s.role == lin_role::linearized) out = fmt::format("{}. ", s.step) + out;
  if (s.role == lin_role::wrong_answer) out += "\nthe model answers " + s.model_answer;
  if (s.role == lin_role::waits) out += fmt::format("\nwaits for #{}", s.waits_for);
  return out;
}

// The steps of a linearizable check: its witness (the last `max_steps`).
std::vector<lin_step> witness_steps(const recording& r, const lin_result& result, std::size_t max_steps) {
  std::vector<lin_step> steps;
  const std::size_t from = result.order.size() > max_steps ? result.order.size() - max_steps : 0;
  for (std::size_t k = from; k < result.order.size(); ++k) {
    const auto& e = r.h.entries()[result.order[k]];
    lin_step s;
    s.id = result.order[k];
    s.thread = e.thread;
    s.op = describe(e.op);
    s.answered = e.ret.has_value();
    s.unknown = e.unknown();
    if (e.ret) s.ret = describe(*e.ret);
    s.invoked_at = e.invoked_at;
    s.responded_at = e.responded_at.value_or(lin_no_event);
    s.step = k + 1;
    steps.push_back(std::move(s));
  }
  std::stable_sort(steps.begin(), steps.end(), [](const lin_step& a, const lin_step& b) { return a.invoked_at < b.invoked_at; });
  return steps;
}

}  // namespace

std::string draw(const recording& r, const lin_result& result, const std::string& title, std::size_t max_steps) {
  const bool failed = result.failure.has_value();
  const std::vector<lin_step> steps = failed ? result.failure->steps : witness_steps(r, result, max_steps);
  const std::string caption =
      failed ? fmt::format("{}: not linearizable; the longest partial linearization takes {} of {} completed operations",
                           title, result.failure->completed_linearized, result.failure->completed_total)
             : fmt::format("{}: linearizable; {} operations in their linearization order{}", title, steps.size(),
                           result.order.size() > steps.size() ? fmt::format(" (the last {})", steps.size()) : "");
  trace::dot_writer d("linearization", caption, "LR");
  std::map<std::uint32_t, std::string> last_of;  // process -> its last node
  std::string rank = "{ rank=min;";
  for (const lin_step& s : steps) {
    const std::string id = fmt::format("op{}", s.id);
    if (!last_of.contains(s.thread)) {
      const std::string head = fmt::format("p{}", s.thread);
      d.node(head, fmt::format("process {}", s.thread), ", style=filled, fillcolor=\"#37474f\", fontcolor=white");
      rank += " " + head + ";";
      last_of[s.thread] = head;
    }
    d.node(id, label(s), colour(s, failed && s.id == result.failure->culprit));
    d.edge(last_of[s.thread], id, "color=\"#b0bec5\", weight=10");
    last_of[s.thread] = id;
  }
  d.line(rank + " }");
  std::vector<const lin_step*> linearized;
  for (const lin_step& s : steps) {
    if (s.role == lin_role::linearized) linearized.push_back(&s);
  }
  std::sort(linearized.begin(), linearized.end(), [](const lin_step* a, const lin_step* b) { return a->step < b->step; });
  for (std::size_t k = 1; k < linearized.size(); ++k) {
    d.edge(fmt::format("op{}", linearized[k - 1]->id), fmt::format("op{}", linearized[k]->id),
           "style=dashed, color=\"#2e7d32\", constraint=false");
  }
  return d.finish();
}

}  // namespace weft::props::recorded
