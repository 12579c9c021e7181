#include "viz/views.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace weft::viz {
namespace {

using trace::event;
using trace::kind;

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string millis(std::int64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

bool is_world_kind(kind k) {
  switch (k) {
    case kind::net_send:
    case kind::net_deliver:
    case kind::net_drop:
    case kind::partition:
    case kind::heal:
    case kind::crash:
    case kind::restart:
    case kind::pause:
    case kind::resume:
    case kind::clock_jump:
    case kind::buggify:
    case kind::net_connect:
    case kind::net_reset:
    case kind::net_link:
      return true;
    default:
      return false;
  }
}

const char* drop_reason(std::int64_t b) {
  switch (b) {
    case 0: return "loss";
    case 1: return "partition";
    case 2: return "crash";
    case 3: return "closed";
    default: return "?";
  }
}

// Edges that do not constrain the layout (constraint=false) can end up
// between nodes of one rank ("flat" edges); Graphviz 2.42 frees memory twice
// when such an edge has a label, so those edges carry an xlabel instead
// (placed after layout). Found by AddressSanitizer; the views' tests run
// under it.
//
// The common head of every view's dot text.
std::string head(const std::string& name, const std::string& caption, const char* rankdir) {
  return fmt::format(
      "digraph \"{}\" {{\n"
      "  graph [rankdir={}, fontname=\"Helvetica\", fontsize=11, labelloc=t, label=\"{}\", nodesep=0.25, ranksep=0.3];\n"
      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=9, "
      "height=0.3];\n"
      "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#888888\", arrowsize=0.6];\n",
      esc(name), rankdir, esc(caption));
}

// Keeps the last `max` of `v`; returns how many were cut.
template <class T>
std::size_t keep_last(std::vector<T>& v, std::size_t max) {
  if (max == 0 || v.size() <= max) return 0;
  const std::size_t cut = v.size() - max;
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(cut));
  return cut;
}

std::string cut_note(std::size_t cut, const char* what) {
  if (cut == 0) return {};
  return fmt::format(" — the first {} {} are not shown (size limit; narrow with --from/--to/--host/--task or raise "
                     "--max-nodes)",
                     cut, what);
}

}  // namespace

std::vector<event> apply_filter(const std::vector<event>& events, const filter& f) {
  std::vector<event> out;
  out.reserve(events.size());
  for (const event& e : events) {
    if (f.from_seq && e.seq < *f.from_seq) continue;
    if (f.to_seq && e.seq > *f.to_seq) continue;
    if (f.from_ns && e.time_ns < *f.from_ns) continue;
    if (f.to_ns && e.time_ns > *f.to_ns) continue;
    if (f.host && e.host != *f.host) continue;
    out.push_back(e);
  }
  return out;
}

std::string describe_filter(const filter& f) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ", ";
    out += s;
  };
  if (f.from_seq || f.to_seq) {
    add(fmt::format("steps {}..{}", f.from_seq ? std::to_string(*f.from_seq) : "start",
                    f.to_seq ? std::to_string(*f.to_seq) : "end"));
  }
  if (f.from_ns || f.to_ns) {
    add(fmt::format("time {}..{}", f.from_ns ? millis(*f.from_ns) : "start", f.to_ns ? millis(*f.to_ns) : "end"));
  }
  if (f.host) add(fmt::format("host {}", *f.host));
  if (f.task) add(fmt::format("task {}", *f.task));
  return out;
}

// ------------------------------------------------------------ spacetime

graph spacetime_view(const std::vector<event>& all, const filter& f, lanes by) {
  std::vector<event> ev;
  for (const event& e : apply_filter(all, f)) {
    if (is_world_kind(e.what)) ev.push_back(e);
  }
  graph g;
  g.cut = keep_last(ev, f.max_nodes);
  std::string caption = fmt::format("space-time: {} network and fault events", ev.size());
  if (const std::string d = describe_filter(f); !d.empty()) caption += " (" + d + ")";
  caption += cut_note(g.cut, "events");
  g.dot = head("spacetime", caption, "TB");
  if (ev.empty()) {
    g.dot += "  note [shape=note, label=\"no network or fault events here: traces of the real runtime have none "
             "(try --view tasks or --view workers)\"];\n}\n";
    g.nodes = 1;
    return g;
  }

  // Lanes: hosts (host 0 is the world itself: clock jumps), or host+thread.
  auto lane_of = [&](const event& e) -> std::pair<std::uint32_t, std::int32_t> {
    return {e.host, by == lanes::thread ? e.thread : -1};
  };
  std::map<std::pair<std::uint32_t, std::int32_t>, std::vector<const event*>> lane_events;
  for (const event& e : ev) lane_events[lane_of(e)].push_back(&e);

  auto lane_name = [](std::pair<std::uint32_t, std::int32_t> l) {
    std::string n = l.first == 0 ? std::string("world") : fmt::format("host {}", l.first);
    if (l.second >= 0) n += fmt::format("\nthread {}", l.second);
    return n;
  };
  std::string lanes_rank = "  { rank=min;";
  int lane_no = 0;
  for (const auto& [lane, list] : lane_events) {
    const std::string header = fmt::format("lane{}", lane_no);
    const std::string group = fmt::format("g{}", lane_no);
    g.dot += fmt::format("  {} [label=\"{}\", shape=box, style=filled, fillcolor=\"#37474f\", fontcolor=white, "
                         "group={}];\n",
                         header, esc(lane_name(lane)), group);
    lanes_rank += " " + header + ";";
    ++g.nodes;
    std::string prev = header;
    for (const event* e : list) {
      const std::string id = fmt::format("e{}", e->seq);
      std::string label;
      std::string attrs;
      switch (e->what) {
        case kind::net_send:
          label = fmt::format("send #{} → h{}", e->a, e->b);
          attrs = ", fillcolor=\"#e3f2fd\"";
          break;
        case kind::net_deliver:
          label = fmt::format("deliver #{} ({} B)", e->a, e->b);
          attrs = ", fillcolor=\"#e3f2fd\"";
          break;
        case kind::net_drop:
          label = fmt::format("DROP #{} ({})", e->a, drop_reason(e->b));
          attrs = ", fillcolor=\"#ffe0b2\", color=\"#e65100\"";
          g.highlighted.push_back(id);
          break;
        case kind::partition:
          label = e->b < 0 ? std::string("PARTITION all links") : fmt::format("PARTITION → h{}", e->b);
          attrs = ", shape=hexagon, fillcolor=\"#e1bee7\", color=\"#6a1b9a\"";
          g.highlighted.push_back(id);
          break;
        case kind::heal:
          label = e->b < 0 ? std::string("heal all links") : fmt::format("heal → h{}", e->b);
          attrs = ", shape=hexagon, fillcolor=\"#c8e6c9\"";
          break;
        case kind::crash:
          label = "CRASH";
          attrs = ", shape=octagon, fillcolor=\"#ef9a9a\", color=\"#b71c1c\", penwidth=2";
          g.highlighted.push_back(id);
          break;
        case kind::restart:
          label = "restart";
          attrs = ", shape=octagon, fillcolor=\"#c8e6c9\"";
          break;
        case kind::pause:
          label = "pause";
          attrs = ", fillcolor=\"#cfd8dc\"";
          break;
        case kind::resume:
          label = "resume";
          attrs = ", fillcolor=\"#cfd8dc\"";
          break;
        case kind::clock_jump:
          label = fmt::format("clock jumps\n{} → {}", millis(e->a), millis(e->b));
          attrs = ", shape=note, fillcolor=\"#e1f5fe\"";
          break;
        case kind::buggify:
          label = fmt::format("buggify (line {})", e->a);
          attrs = ", fillcolor=\"#fff59d\"";
          break;
        case kind::net_connect:
          label = fmt::format("connect c{} → h{}", e->a, e->b);
          break;
        case kind::net_reset:
          label = fmt::format("RESET c{}", e->a);
          attrs = ", fillcolor=\"#ffccbc\"";
          break;
        case kind::net_link:
          label = fmt::format("link → h{}: max {} µs", e->a, e->b);
          break;
        default:
          label = std::string(trace::kind_name(e->what));
          break;
      }
      label += fmt::format("\n@{} · step {}", millis(e->time_ns), e->seq);
      g.dot += fmt::format("  {} [label=\"{}\", group={}{}];\n", id, esc(label), group, attrs);
      g.dot += fmt::format("  {} -> {} [arrowhead=none, color=\"#b0bec5\", weight=20];\n", prev, id);
      ++g.nodes;
      ++g.edges;
      prev = id;
    }
    ++lane_no;
  }
  g.dot += lanes_rank + " }\n";
  // Messages: send -> deliver / drop, by message id, each to the latest
  // send of that id before it. Edges only run forward in time, so a trace
  // that repeats ids (hand-made or damaged) cannot make the layout cyclic.
  std::map<std::int64_t, const event*> sends;
  for (const event& e : ev) {
    if (e.what == kind::net_send) {
      sends[e.a] = &e;
      continue;
    }
    if (e.what != kind::net_deliver && e.what != kind::net_drop) continue;
    const auto it = sends.find(e.a);
    if (it == sends.end()) continue;
    const bool drop = e.what == kind::net_drop;
    g.dot += fmt::format("  e{} -> e{} [color=\"{}\", penwidth=1.4{}, constraint=true];\n", it->second->seq, e.seq,
                         drop ? "#e65100" : "#1565c0", drop ? ", style=dashed" : "");
    ++g.edges;
  }
  g.dot += "}\n";
  return g;
}

// ---------------------------------------------------------------- tasks

graph tasks_view(const std::vector<event>& all, const filter& f) {
  const std::vector<event> ev = apply_filter(all, f);
  struct info {
    std::uint64_t first_seq = 0;
    std::uint64_t parent = 0;
    bool spawned_here = false;
    int polls = 0;
    int wakes = 0;
    std::optional<std::int64_t> outcome;
    bool cancelled = false;
  };
  // A task is (runtime, id): a host that crashes and restarts gets a new
  // runtime whose ids start again at 1. runtime = host << 8 | restarts.
  using key = std::pair<std::uint32_t, std::uint64_t>;
  std::map<key, info> tasks;
  std::map<std::pair<key, key>, int> wakes;  // (waker, woken) -> count; waker task 0: outside
  std::map<std::uint32_t, std::uint32_t> restarts;
  auto runtime_of = [&](const event& e) { return (e.host << 8) | std::min<std::uint32_t>(restarts[e.host], 255); };
  auto touch = [&](const event& e) -> info& {
    auto [it, fresh] = tasks.try_emplace(key{runtime_of(e), e.task});
    if (fresh) it->second.first_seq = e.seq;
    return it->second;
  };
  for (const event& e : ev) {
    if (e.what == kind::restart) ++restarts[e.host];
    if (e.task == 0) continue;
    switch (e.what) {
      case kind::spawn: {
        info& t = touch(e);
        t.spawned_here = true;
        t.parent = static_cast<std::uint64_t>(e.a);
        break;
      }
      case kind::poll_start: ++touch(e).polls; break;
      case kind::wake:
        ++touch(e).wakes;
        ++wakes[{key{runtime_of(e), static_cast<std::uint64_t>(e.a)}, key{runtime_of(e), e.task}}];
        break;
      case kind::complete: touch(e).outcome = e.a; break;
      case kind::cancel: touch(e).cancelled = true; break;
      default: touch(e); break;
    }
  }
  // --task: the task and its neighbours.
  if (f.task) {
    std::set<key> keep;
    for (const auto& [k, t] : tasks) {
      if (k.second == *f.task) {
        keep.insert(k);
        if (t.parent != 0) keep.insert(key{k.first, t.parent});
      }
      if (t.parent == *f.task) keep.insert(k);
    }
    for (const auto& [w, n] : wakes) {
      if (w.first.second == *f.task) keep.insert(w.second);
      if (w.second.second == *f.task && w.first.second != 0) keep.insert(w.first);
    }
    for (auto it = tasks.begin(); it != tasks.end();) it = keep.count(it->first) ? std::next(it) : tasks.erase(it);
  }
  std::vector<std::pair<key, info>> order(tasks.begin(), tasks.end());
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second.first_seq < b.second.first_seq; });
  graph g;
  g.cut = keep_last(order, f.max_nodes);
  std::set<key> shown;
  for (const auto& [k, t] : order) shown.insert(k);

  std::string caption = fmt::format("tasks: {} tasks, spawn tree (solid) and wakes (dashed)", order.size());
  if (const std::string d = describe_filter(f); !d.empty()) caption += " (" + d + ")";
  caption += cut_note(g.cut, "tasks");
  g.dot = head("tasks", caption, "TB");
  g.dot += "  legend [shape=plaintext, style=\"\", label=\"green: finished  red: threw  grey: cancelled  orange: "
           "never finished\"];\n";
  std::set<std::uint32_t> hosts;  // runtimes, in fact
  for (const auto& [k, t] : order) hosts.insert(k.first);
  const bool clusters = hosts.size() > 1;
  auto node_id = [](const key& k) {
    const std::uint32_t restart = k.first & 0xff;
    return restart == 0 ? fmt::format("h{}t{}", k.first >> 8, k.second)
                        : fmt::format("h{}r{}t{}", k.first >> 8, restart, k.second);
  };
  for (const std::uint32_t h : hosts) {
    if (clusters) {
      const std::string name = (h & 0xff) == 0 ? fmt::format("host {}", h >> 8)
                                               : fmt::format("host {} after restart {}", h >> 8, h & 0xff);
      g.dot += fmt::format("  subgraph cluster_h{} {{\n  label=\"{}\"; style=rounded; color=\"#90a4ae\";\n", h,
                           name);
    }
    for (const auto& [k, t] : order) {
      if (k.first != h) continue;
      const char* fill = "#ffe0b2";  // never finished
      std::string state = "never finished";
      if (t.outcome) {
        switch (*t.outcome) {
          case 0: fill = "#c8e6c9"; state = "finished"; break;
          case 1: fill = "#ffcdd2"; state = "threw"; break;
          default: fill = "#e0e0e0"; state = "cancelled"; break;
        }
      }
      std::string label = fmt::format("task {}\n{} poll{}, woken {}×\n{}", k.second, t.polls, t.polls == 1 ? "" : "s",
                                      t.wakes, state);
      if (!t.spawned_here) label += "\n(spawned earlier)";
      std::string attrs = fmt::format(", fillcolor=\"{}\"", fill);
      if (!t.outcome || *t.outcome == 1 || (f.task && k.second == *f.task)) {
        attrs += ", penwidth=2, color=\"#c62828\"";
        g.highlighted.push_back(node_id(k));
      }
      g.dot += fmt::format("  {} [label=\"{}\"{}];\n", node_id(k), esc(label), attrs);
      ++g.nodes;
    }
    if (clusters) g.dot += "  }\n";
  }
  for (const auto& [k, t] : order) {
    if (t.parent == 0) continue;
    const key p{k.first, t.parent};
    if (!shown.count(p)) continue;
    g.dot += fmt::format("  {} -> {} [color=\"#37474f\", penwidth=1.3];\n", node_id(p), node_id(k));
    ++g.edges;
  }
  std::set<std::uint32_t> outside_nodes;
  for (const auto& [edge, n] : wakes) {
    const auto& [waker, woken] = edge;
    if (!shown.count(woken)) continue;
    std::string from;
    if (waker.second == 0) {
      from = fmt::format("outside{}", woken.first);
      if (outside_nodes.insert(woken.first).second) {
        g.dot += fmt::format("  {} [label=\"outside any task\n(I/O, timers, other threads)\", shape=ellipse, "
                             "fillcolor=\"#e3f2fd\"];\n",
                             from);
        ++g.nodes;
      }
    } else {
      if (!shown.count(waker)) continue;
      from = node_id(waker);
    }
    g.dot += fmt::format("  {} -> {} [style=dashed, color=\"#1565c0\", constraint=false{}];\n", from, node_id(woken),
                         n > 1 ? fmt::format(", xlabel=\"×{}\"", n) : std::string());
    ++g.edges;
  }
  g.dot += "}\n";
  return g;
}

// -------------------------------------------------------------- workers

graph workers_view(const std::vector<event>& all, const filter& f) {
  struct item {
    std::string id, label, attrs;
    std::pair<std::uint32_t, std::int32_t> lane;
    std::uint64_t seq = 0;
    std::uint64_t task = 0;
    int repeat = 1;
    const event* e = nullptr;
  };
  std::vector<event> ev = apply_filter(all, f);
  std::vector<item> items;
  std::map<std::pair<std::uint32_t, std::int32_t>, std::size_t> last_in_lane;  // index into items
  for (const event& e : ev) {
    const std::pair<std::uint32_t, std::int32_t> lane{e.host, e.worker};
    const std::size_t before = items.size();
    switch (e.what) {
      case kind::poll_start: {
        if (f.task && e.task != *f.task) break;
        // Polls of the same task one after another on a worker: one node.
        if (const auto it = last_in_lane.find(lane); it != last_in_lane.end()) {
          item& prev = items[it->second];
          if (prev.task == e.task && prev.e != nullptr && prev.e->what == kind::poll_start) {
            ++prev.repeat;
            break;
          }
        }
        items.push_back({fmt::format("e{}", e.seq), fmt::format("task {}", e.task), "", lane, e.seq, e.task, 1, &e});
        break;
      }
      case kind::steal:
        items.push_back({fmt::format("e{}", e.seq), fmt::format("STEAL {} from w{}", e.b, e.a),
                         ", fillcolor=\"#ffcdd2\", color=\"#c62828\"", lane, e.seq, 0, 1, &e});
        break;
      case kind::park:
        items.push_back({fmt::format("e{}", e.seq), "park", ", shape=ellipse, fillcolor=\"#cfd8dc\"", lane, e.seq, 0,
                         1, &e});
        break;
      case kind::unpark:
        items.push_back({fmt::format("e{}", e.seq), e.a == 1 ? "unpark (notified)" : "unpark (timeout)",
                         ", shape=ellipse, fillcolor=\"#eceff1\"", lane, e.seq, 0, 1, &e});
        break;
      case kind::notify:
        items.push_back({fmt::format("e{}", e.seq), fmt::format("notify w{}", e.a),
                         ", shape=cds, fillcolor=\"#fff9c4\"", lane, e.seq, 0, 1, &e});
        break;
      case kind::overflow:
        items.push_back({fmt::format("e{}", e.seq), fmt::format("OVERFLOW {} → inject", e.a),
                         ", fillcolor=\"#ffe0b2\"", lane, e.seq, 0, 1, &e});
        break;
      default:
        break;
    }
    if (items.size() > before) last_in_lane[lane] = items.size() - 1;
  }
  graph g;
  g.cut = keep_last(items, f.max_nodes);
  std::string caption = fmt::format("workers: {} polls, steals, parks and notifications in order, one row per worker",
                                    items.size());
  if (const std::string d = describe_filter(f); !d.empty()) caption += " (" + d + ")";
  caption += cut_note(g.cut, "items");
  g.dot = head("workers", caption, "LR");
  std::map<std::pair<std::uint32_t, std::int32_t>, std::vector<const item*>> rows;
  for (const item& it : items) rows[it.lane].push_back(&it);
  std::set<std::uint32_t> hosts;
  for (const auto& [lane, list] : rows) hosts.insert(lane.first);
  std::map<std::pair<std::uint32_t, std::int32_t>, std::string> header_of;
  std::string first_col = "  { rank=same;";
  for (const auto& [lane, list] : rows) {
    const std::string header = fmt::format("w_{}_{}", lane.first, lane.second + 1);
    header_of[lane] = header;
    std::string name = lane.second < 0 ? std::string("outside the workers") : fmt::format("worker {}", lane.second);
    if (hosts.size() > 1) name = fmt::format("host {} ", lane.first) + name;
    g.dot += fmt::format("  {} [label=\"{}\", style=filled, fillcolor=\"#37474f\", fontcolor=white];\n", header,
                         esc(name));
    first_col += " " + header + ";";
    ++g.nodes;
    std::string prev = header;
    for (const item* it : list) {
      std::string label = it->label;
      if (it->repeat > 1) label += fmt::format(" ×{}", it->repeat);
      label += fmt::format("\nstep {}", it->seq);
      g.dot += fmt::format("  {} [label=\"{}\"{}];\n", it->id, esc(label), it->attrs);
      g.dot += fmt::format("  {} -> {} [weight=10];\n", prev, it->id);
      if (it->e != nullptr && it->e->what == kind::steal) g.highlighted.push_back(it->id);
      ++g.nodes;
      ++g.edges;
      prev = it->id;
    }
  }
  g.dot += first_col + " }\n";
  // Keep the rows in worker order.
  std::string previous_header;
  for (const auto& [lane, header] : header_of) {
    if (!previous_header.empty()) g.dot += fmt::format("  {} -> {} [style=invis];\n", previous_header, header);
    previous_header = header;
  }
  // Steals: from the victim's row (its last item before the steal) to the thief's.
  for (const item& it : items) {
    if (it.e == nullptr || it.e->what != kind::steal) continue;
    const std::pair<std::uint32_t, std::int32_t> victim{it.lane.first, static_cast<std::int32_t>(it.e->a)};
    const auto row = rows.find(victim);
    if (row == rows.end()) continue;
    std::string from = header_of[victim];
    for (const item* v : row->second) {
      if (v->seq < it.seq) from = v->id;
    }
    g.dot += fmt::format("  {} -> {} [color=\"#c62828\", style=dashed, constraint=false, xlabel=\"{} task{}\"];\n",
                         from, it.id, it.e->b, it.e->b == 1 ? "" : "s");
    ++g.edges;
  }
  // Notifications: to the notified worker's next unpark.
  for (const item& it : items) {
    if (it.e == nullptr || it.e->what != kind::notify) continue;
    const std::pair<std::uint32_t, std::int32_t> target{it.lane.first, static_cast<std::int32_t>(it.e->a)};
    const auto row = rows.find(target);
    if (row == rows.end()) continue;
    for (const item* v : row->second) {
      if (v->seq > it.seq && v->e != nullptr && v->e->what == kind::unpark) {
        g.dot += fmt::format("  {} -> {} [color=\"#f9a825\", style=dotted, constraint=false];\n", it.id, v->id);
        ++g.edges;
        break;
      }
    }
  }
  g.dot += "}\n";
  return g;
}

// --------------------------------------------------------- interleaving

graph interleaving_view(const schedule_file& s, const filter& f) {
  struct step {
    std::uint64_t index = 0;  // position among the thread picks
    const schedule_step* pick = nullptr;
    std::vector<std::string> data;  // data choices made while this thread ran
  };
  std::vector<step> steps;
  for (const schedule_step& c : s.choices) {
    if (c.kind == "thread") {
      steps.push_back({steps.size(), &c, {}});
    } else if (!steps.empty()) {
      steps.back().data.push_back(fmt::format("{} = {} of {}", c.kind, c.value, c.options));
    }
  }
  const std::size_t total_steps = steps.size();
  if (f.from_seq || f.to_seq) {
    std::vector<step> kept;
    for (const step& st : steps) {
      if (f.from_seq && st.index < *f.from_seq) continue;
      if (f.to_seq && st.index > *f.to_seq) continue;
      kept.push_back(st);
    }
    steps = std::move(kept);
  }
  graph g;
  g.cut = keep_last(steps, f.max_nodes);
  std::string caption = fmt::format("{} — {}, {} thread picks{}", s.schedule, s.outcome, steps.size(),
                                    s.message.empty() ? std::string() : "\n" + s.message);
  caption += cut_note(g.cut, "steps");
  g.dot = head("interleaving", caption, "TB");
  // One column per thread, in order of first appearance.
  std::vector<std::string> threads;
  std::map<std::string, std::string> last_of;
  for (const step& st : steps) {
    if (std::find(threads.begin(), threads.end(), st.pick->name) == threads.end()) threads.push_back(st.pick->name);
  }
  std::string top = "  { rank=min;";
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const std::string header = fmt::format("thread{}", i);
    g.dot += fmt::format("  {} [label=\"{}\", style=filled, fillcolor=\"#37474f\", fontcolor=white, group=c{}];\n",
                         header, esc(threads[i]), i);
    top += " " + header + ";";
    last_of[threads[i]] = header;
    ++g.nodes;
  }
  g.dot += top + " }\n";
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(threads.begin(), threads.end(), name) - threads.begin());
  };
  // Happens-before through synchronisation objects: the last release of an
  // object by one thread, then its acquire by another.
  std::map<std::string, std::pair<std::string, std::string>> last_release;  // object -> (node, thread)
  std::string prev_node;
  std::string prev_thread;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const step& st = steps[k];
    const std::string id = fmt::format("s{}", st.index);
    std::string label = fmt::format("{}. {}{}", st.index, st.pick->name, st.pick->implied ? " (only runnable)" : "");
    for (const std::string& op : st.pick->ops) label += "\n" + op;
    for (const std::string& d : st.data) label += "\n" + d;
    std::string attrs;
    // The run's last step, if it is shown (the size limit keeps the end;
    // --to may cut it off).
    const bool failing = s.outcome != "ok" && st.index + 1 == total_steps;
    bool racing = false;
    for (const std::string& op : st.pick->ops) {
      const auto at = op.find(" at ");
      if (at != std::string::npos && !s.message.empty() && s.message.find(op.substr(at + 4)) != std::string::npos) {
        racing = true;
      }
    }
    if (failing || racing) {
      attrs = ", fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2";
      g.highlighted.push_back(id);
    } else if (st.pick->preemption) {
      attrs = ", fillcolor=\"#fff3e0\"";
    }
    g.dot += fmt::format("  {} [label=\"{}\", group=c{}{}];\n", id, esc(label), column(st.pick->name), attrs);
    ++g.nodes;
    g.dot += fmt::format("  {} -> {} [color=\"#455a64\", weight=20];\n", last_of[st.pick->name], id);
    ++g.edges;
    if (!prev_node.empty() && prev_thread != st.pick->name) {
      g.dot += fmt::format("  {} -> {} [style=dashed, constraint=false, {}];\n", prev_node, id,
                           st.pick->preemption ? "color=\"#c62828\", penwidth=2, xlabel=\"preempted\", fontcolor=\"#c62828\""
                                               : "color=\"#b0bec5\"");
      ++g.edges;
    }
    for (const std::string& op : st.pick->ops) {
      if (op.rfind("acquire ", 0) == 0) {
        const std::string object = op.substr(8);
        const auto it = last_release.find(object);
        if (it != last_release.end() && it->second.second != st.pick->name) {
          g.dot += fmt::format("  {} -> {} [color=\"#2e7d32\", penwidth=1.4, constraint=false, xlabel=\"{}\", "
                               "fontcolor=\"#2e7d32\"];\n",
                               it->second.first, id, esc(object));
          ++g.edges;
        }
      } else if (op.rfind("release ", 0) == 0) {
        last_release[op.substr(8)] = {id, st.pick->name};
      }
    }
    last_of[st.pick->name] = id;
    prev_node = id;
    prev_thread = st.pick->name;
  }
  g.dot += "}\n";
  return g;
}

}  // namespace weft::viz
