// The tasks view: the spawn tree (solid) and who woke whom (dashed, with
// counts), each task coloured by how it ended; clustered by host when the
// trace has several runtimes.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "viz/view_common.hpp"

namespace weft::viz {
namespace {

using trace::event;
using trace::kind;

struct info {
  std::uint64_t first_seq = 0;
  std::uint64_t parent = 0;
  bool spawned_here = false;
  int polls = 0;
  int wakes = 0;
  std::optional<trace::outcome> outcome;
  bool cancelled = false;
};

// A task is (runtime, id): a host that crashes and restarts gets a new
// runtime whose ids start again at 1. runtime = host << 8 | restarts.
using key = std::pair<std::uint32_t, std::uint64_t>;

struct task_graph {
  std::map<key, info> tasks;
  std::map<std::pair<key, key>, int> wakes;  // (waker, woken) -> count; waker task 0: outside any task
};

task_graph collect(const std::vector<event>& ev) {
  task_graph g;
  std::map<std::uint32_t, std::uint32_t> restarts;
  auto runtime_of = [&](const event& e) { return (e.host << 8) | std::min<std::uint32_t>(restarts[e.host], 255); };
  auto touch = [&](const event& e) -> info& {
    auto [it, fresh] = g.tasks.try_emplace(key{runtime_of(e), e.task});
    if (fresh) it->second.first_seq = e.seq;
    return it->second;
  };
  for (const event& e : ev) {
    if (e.what == kind::restart) ++restarts[e.host];
    if (e.task == 0) continue;
    info& t = touch(e);
    switch (e.what) {
      case kind::spawn:
        t.spawned_here = true;
        t.parent = static_cast<std::uint64_t>(e.a);
        break;
      case kind::poll_start: ++t.polls; break;
      case kind::wake:
        ++t.wakes;
        ++g.wakes[{key{runtime_of(e), static_cast<std::uint64_t>(e.a)}, key{runtime_of(e), e.task}}];
        break;
      case kind::complete: t.outcome = static_cast<trace::outcome>(std::clamp<std::int64_t>(e.a, 0, 2)); break;
      case kind::cancel: t.cancelled = true; break;
      default: break;
    }
  }
  return g;
}

// --task: the task, its parent and children, who woke it and whom it woke.
void keep_neighbours(task_graph& g, std::uint64_t task) {
  std::set<key> keep;
  for (const auto& [k, t] : g.tasks) {
    if (k.second == task) {
      keep.insert(k);
      if (t.parent != 0) keep.insert(key{k.first, t.parent});
    }
    if (t.parent == task) keep.insert(k);
  }
  for (const auto& [w, n] : g.wakes) {
    if (w.first.second == task) keep.insert(w.second);
    if (w.second.second == task && w.first.second != 0) keep.insert(w.first);
  }
  for (auto it = g.tasks.begin(); it != g.tasks.end();) it = keep.contains(it->first) ? std::next(it) : g.tasks.erase(it);
}

std::string node_id(const key& k) {
  const std::uint32_t restart = k.first & 0xff;
  return restart == 0 ? fmt::format("h{}t{}", k.first >> 8, k.second)
                      : fmt::format("h{}r{}t{}", k.first >> 8, restart, k.second);
}

// One task's node; true if it is notable (threw, never finished, or --task).
bool draw_task(trace::dot_writer& d, const key& k, const info& t, const filter& f) {
  struct colour {
    const char* fill;
    const char* state;
  };
  colour c{"#ffe0b2", "never finished"};
  if (t.outcome) {
    switch (*t.outcome) {
      case trace::outcome::ok: c = {"#c8e6c9", "finished"}; break;
      case trace::outcome::error: c = {"#ffcdd2", "threw"}; break;
      case trace::outcome::cancelled: c = {"#e0e0e0", "cancelled"}; break;
    }
  }
  const char* fill = c.fill;
  const char* state = c.state;
  std::string label = fmt::format("task {}\n{} poll{}, woken {}×\n{}", k.second, t.polls, t.polls == 1 ? "" : "s",
                                  t.wakes, state);
  if (!t.spawned_here) label += "\n(spawned earlier)";
  std::string attrs = fmt::format(", fillcolor=\"{}\"", fill);
  const bool notable = !t.outcome || t.outcome == trace::outcome::error || (f.task && k.second == *f.task);
  if (notable) attrs += ", penwidth=2, color=\"#c62828\"";
  d.node(node_id(k), label, attrs);
  return notable;
}

// The tasks, grouped in one cluster per runtime when there are several.
std::vector<std::string> draw_tasks(trace::dot_writer& d, const std::vector<std::pair<key, info>>& order,
                                    const filter& f) {
  std::set<std::uint32_t> runtimes;
  for (const auto& [k, t] : order) runtimes.insert(k.first);
  const bool clusters = runtimes.size() > 1;
  std::vector<std::string> notable;
  for (const std::uint32_t r : runtimes) {
    if (clusters) {
      const std::string name = (r & 0xff) == 0 ? fmt::format("host {}", r >> 8)
                                               : fmt::format("host {} after restart {}", r >> 8, r & 0xff);
      d.line(fmt::format("subgraph cluster_h{} {{ label=\"{}\"; style=rounded; color=\"#90a4ae\";", r,
                         trace::dot_escape(name)));
    }
    for (const auto& [k, t] : order) {
      if (k.first == r && draw_task(d, k, t, f)) notable.push_back(node_id(k));
    }
    if (clusters) d.line("}");
  }
  return notable;
}

void draw_edges(trace::dot_writer& d, const task_graph& g, const std::vector<std::pair<key, info>>& order,
                const std::set<key>& shown) {
  for (const auto& [k, t] : order) {
    if (t.parent != 0 && shown.contains(key{k.first, t.parent})) {
      d.edge(node_id(key{k.first, t.parent}), node_id(k), "color=\"#37474f\", penwidth=1.3");
    }
  }
  std::set<std::uint32_t> outside;
  for (const auto& [edge, n] : g.wakes) {
    const auto& [waker, woken] = edge;
    if (!shown.contains(woken) || (waker.second != 0 && !shown.contains(waker))) continue;
    std::string from = node_id(waker);
    if (waker.second == 0) {
      from = fmt::format("outside{}", woken.first);
      if (outside.insert(woken.first).second) {
        d.node(from, "outside any task\n(I/O, timers, other threads)", ", shape=ellipse, fillcolor=\"#e3f2fd\"");
      }
    }
    d.edge(from, node_id(woken), fmt::format("style=dashed, color=\"#1565c0\", constraint=false{}",
                                             n > 1 ? fmt::format(", xlabel=\"×{}\"", n) : std::string()));
  }
}

}  // namespace

graph tasks_view(const std::vector<event>& all, const filter& f) {
  task_graph g = collect(apply_filter(all, f));
  if (f.task) keep_neighbours(g, *f.task);
  std::vector<std::pair<key, info>> order(g.tasks.begin(), g.tasks.end());
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second.first_seq < b.second.first_seq; });
  const std::size_t cut = detail::keep_last(order, f.max_nodes);
  std::set<key> shown;
  for (const auto& [k, t] : order) shown.insert(k);
  trace::dot_writer d(
      "tasks",
      detail::caption(fmt::format("tasks: {} tasks, spawn tree (solid) and wakes (dashed)", order.size()), f, cut,
                      "tasks"),
      "TB");
  d.line("legend [shape=plaintext, style=\"\", label=\"green: finished  red: threw  grey: cancelled  orange: never "
         "finished\"];");
  std::vector<std::string> notable = draw_tasks(d, order, f);
  draw_edges(d, g, order, shown);
  return detail::finish(d, cut, std::move(notable));
}

}  // namespace weft::viz
