#include "models/checker.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>

#include "runtime/trace/dot.hpp"

namespace weft::models {
namespace {

constexpr std::uint32_t none = UINT32_MAX;

struct graph_builder {
  const model& m;
  check_result& r;
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::string> states;
  std::vector<std::uint32_t> parent;
  std::vector<std::uint32_t> parent_label;
  std::vector<int> parent_actor;
  std::unordered_map<std::string, std::uint32_t> label_ids;

  std::uint32_t label_id(const std::string& label) {
    auto [it, fresh] = label_ids.try_emplace(label, static_cast<std::uint32_t>(r.labels.size()));
    if (fresh) r.labels.push_back(label);
    return it->second;
  }

  std::pair<std::uint32_t, bool> intern(const std::string& s, std::uint32_t from, std::uint32_t label,
                                        int actor) {
    auto [it, fresh] = ids.try_emplace(s, static_cast<std::uint32_t>(states.size()));
    if (fresh) {
      states.push_back(s);
      parent.push_back(from);
      parent_label.push_back(label);
      parent_actor.push_back(actor);
      r.depth_of.push_back(from == none ? 0 : r.depth_of[from] + 1);
    }
    return {it->second, fresh};
  }

  void fill_path(std::uint32_t id) {
    std::vector<std::uint32_t> rev;
    for (std::uint32_t at = id; at != none; at = parent[at]) rev.push_back(at);
    std::reverse(rev.begin(), rev.end());
    r.path_ids = rev;
    for (std::uint32_t at : rev) {
      path_step s;
      s.state = m.describe(states[at]);
      if (parent[at] != none) {
        s.actor = parent_actor[at];
        s.label = r.labels[parent_label[at]];
      }
      r.counterexample.push_back(std::move(s));
    }
  }
};

}  // namespace

check_result check(const model& m, const check_options& options) {
  check_result r;
  graph_builder g{m, r, {}, {}, {}, {}, {}, {}};
  std::deque<std::uint32_t> frontier;
  g.intern(m.initial(), none, 0, -1);
  frontier.push_back(0);
  std::vector<step_out> out;

  auto fail = [&](std::uint32_t id, std::string kind, std::string message) {
    r.outcome = verdict::violated;
    r.kind = std::move(kind);
    r.message = std::move(message);
    g.fill_path(id);
  };

  if (auto bad = m.violation(g.states[0])) {
    fail(0, "invariant", *bad);
  }
  while (r.outcome == verdict::holds && !frontier.empty()) {
    const std::uint32_t id = frontier.front();
    frontier.pop_front();
    r.depth = std::max<std::size_t>(r.depth, r.depth_of[id]);
    out.clear();
    const std::string here = g.states[id];  // copy: states may reallocate
    m.successors(here, out);
    if (out.empty()) {
      if (m.is_final(here)) {
        ++r.final_states;
      } else {
        fail(id, "stuck", "no step is possible, yet the system is not done: " + m.describe(here));
        break;
      }
    }
    for (const step_out& s : out) {
      const std::uint32_t label = g.label_id(m.actor_name(s.actor) + ": " + s.label);
      auto [to, fresh] = g.intern(s.next, id, label, s.actor);
      r.edges.push_back({id, to, label});
      if (!fresh) continue;
      if (auto bad = m.violation(s.next)) {
        fail(to, "invariant", *bad);
        break;
      }
      if (g.states.size() > options.max_states) {
        r.outcome = verdict::too_big;
        r.message = fmt::format("more than {} states; raise --max-states or use smaller --threads/--bound",
                                options.max_states);
        break;
      }
      frontier.push_back(to);
    }
  }

  if (r.outcome == verdict::holds) {
    // Liveness: every state must reach a goal. Walk the edges backwards from
    // the goal states; whatever is left over cannot make progress.
    const std::size_t n = g.states.size();
    std::vector<std::vector<std::uint32_t>> preds(n);
    for (const auto& e : r.edges) preds[e.to].push_back(e.from);
    std::vector<char> reaches(n, 0);
    std::vector<std::uint32_t> work;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (m.is_goal(g.states[i])) {
        reaches[i] = 1;
        work.push_back(i);
      }
    }
    while (!work.empty()) {
      const std::uint32_t at = work.back();
      work.pop_back();
      for (std::uint32_t p : preds[at]) {
        if (!reaches[p]) {
          reaches[p] = 1;
          work.push_back(p);
        }
      }
    }
    // States were numbered in BFS order: the first one left over is a
    // shallowest one.
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!reaches[i]) {
        fail(i, "liveness",
             fmt::format("from this state no sequence of steps reaches \"{}\": {}", m.goal_name(),
                         m.describe(g.states[i])));
        break;
      }
    }
  }

  r.states = g.states.size();
  r.transitions = r.edges.size();
  r.node_text.reserve(r.states);
  for (const std::string& s : g.states) r.node_text.push_back(m.describe(s));
  return r;
}

std::string format_report(const std::string& title, const check_result& r) {
  std::string out = fmt::format("model {}: {} states, {} transitions, depth {}\n", title, r.states,
                                r.transitions, r.depth);
  switch (r.outcome) {
    case verdict::holds:
      out += fmt::format("invariants hold in every state; no stuck state ({} final); "
                         "liveness holds: every state can reach the goal\n",
                         r.final_states);
      out += "verdict: holds\n";
      break;
    case verdict::too_big:
      out += "verdict: not checked: " + r.message + "\n";
      break;
    case verdict::violated:
      out += fmt::format("VIOLATION ({}): {}\n", r.kind, r.message);
      out += fmt::format("shortest counterexample, {} steps:\n", r.counterexample.size() - 1);
      for (std::size_t i = 0; i < r.counterexample.size(); ++i) {
        const path_step& s = r.counterexample[i];
        if (i == 0) {
          out += fmt::format("  0. initial            {}\n", s.state);
        } else {
          out += fmt::format("  {}. {}\n      -> {}\n", i, s.label, s.state);
        }
      }
      out += "verdict: violated\n";
      break;
  }
  return out;
}

namespace {

// Which states to draw: all of them, or past `max_nodes` the counterexample
// path and its one-step neighbourhood (the initial state when there is no path).
std::vector<char> kept_states(const check_result& r, const std::vector<char>& on_path, std::size_t max_nodes) {
  std::vector<char> keep(r.states, r.states > max_nodes ? 0 : 1);
  if (r.states <= max_nodes) return keep;
  if (r.path_ids.empty() && r.states > 0) keep[0] = 1;
  for (std::uint32_t id : r.path_ids) keep[id] = 1;
  for (const auto& e : r.edges) {
    if (on_path[e.from]) keep[e.to] = 1;
  }
  return keep;
}

// Node labels: one line per part of the description (" | " separates them).
std::string node_label(std::string s) {
  for (std::size_t at = s.find(" | "); at != std::string::npos; at = s.find(" | ", at)) s.replace(at, 3, "\n");
  return s;
}

void draw_states(trace::dot_writer& d, const check_result& r, const std::vector<char>& keep,
                 const std::vector<char>& on_path) {
  const std::uint32_t last = r.path_ids.empty() ? UINT32_MAX : r.path_ids.back();
  for (std::uint32_t i = 0; i < r.states; ++i) {
    if (!keep[i]) continue;
    std::string attrs;
    if (i == 0) attrs += ", penwidth=2";
    if (i == last) {
      attrs += ", fillcolor=\"#f8c8c8\", color=\"#c00000\", penwidth=2";
    } else if (on_path[i]) {
      attrs += ", fillcolor=\"#fde0e0\", color=\"#c00000\"";
    }
    d.node(fmt::format("s{}", i), node_label(r.node_text[i]), attrs);
  }
}

// Edges, those along the counterexample (consecutive path ids) in red.
void draw_transitions(trace::dot_writer& d, const check_result& r, const std::vector<char>& keep) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> path_pairs;
  for (std::size_t k = 1; k < r.path_ids.size(); ++k) path_pairs.emplace_back(r.path_ids[k - 1], r.path_ids[k]);
  std::vector<char> used(path_pairs.size(), 0);
  for (const auto& e : r.edges) {
    if (!keep[e.from] || !keep[e.to]) continue;
    std::string attrs;
    for (std::size_t k = 0; k < path_pairs.size(); ++k) {
      if (!used[k] && path_pairs[k].first == e.from && path_pairs[k].second == e.to) {
        used[k] = 1;
        attrs = ", color=\"#c00000\", fontcolor=\"#c00000\", penwidth=2.5";
        break;
      }
    }
    d.edge(fmt::format("s{}", e.from), fmt::format("s{}", e.to),
           fmt::format("label=\"{}\"{}", trace::dot_escape(r.labels[e.label]), attrs));
  }
}

}  // namespace

std::string to_dot(const std::string& title, const check_result& r, std::size_t max_nodes) {
  std::vector<char> on_path(r.states, 0);
  for (std::uint32_t id : r.path_ids) on_path[id] = 1;
  const std::vector<char> keep = kept_states(r, on_path, max_nodes);
  std::string caption = title + ": " + std::to_string(r.states) + " states";
  if (r.states > max_nodes) {
    caption += fmt::format(" (showing {}: the counterexample path and its neighbours)",
                           std::count(keep.begin(), keep.end(), 1));
  }
  trace::dot_writer d(title, caption, "TB");
  draw_states(d, r, keep, on_path);
  draw_transitions(d, r, keep);
  return d.finish();
}

}  // namespace weft::models
