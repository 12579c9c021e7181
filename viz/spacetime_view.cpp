// The space-time view: one lane per host (or per host and thread), the
// world's events down each lane in order, messages as arrows from send to
// delivery or drop, faults marked.
#include <map>

#include <fmt/format.h>

#include "viz/view_common.hpp"

namespace weft::viz {
namespace {

using trace::event;
using trace::kind;
using lane_key = std::pair<std::uint32_t, std::int32_t>;  // host, thread (-1: the whole host)

struct look {
  std::string label;
  std::string attrs;
  bool notable = false;  // drawn as part of the story: drops, partitions, crashes
};

const char* drop_reason_name(std::int64_t b) {
  switch (static_cast<trace::drop_reason>(b)) {
    case trace::drop_reason::loss: return "loss";
    case trace::drop_reason::partition: return "partition";
    case trace::drop_reason::crash: return "crash";
    case trace::drop_reason::closed: return "closed";
  }
  return "?";
}

look link_look(const event& e) {
  switch (e.what) {
    case kind::partition:
      return {e.b < 0 ? std::string("PARTITION all links") : fmt::format("PARTITION → h{}", e.b),
              ", shape=hexagon, fillcolor=\"#e1bee7\", color=\"#6a1b9a\"", true};
    case kind::heal:
      return {e.b < 0 ? std::string("heal all links") : fmt::format("heal → h{}", e.b),
              ", shape=hexagon, fillcolor=\"#c8e6c9\""};
    case kind::net_connect: return {fmt::format("connect c{} → h{}", e.a, e.b), ""};
    case kind::net_reset: return {fmt::format("RESET c{}", e.a), ", fillcolor=\"#ffccbc\""};
    case kind::net_link: return {fmt::format("link → h{}: max {} µs", e.a, e.b), ""};
    default: return {std::string(trace::kind_name(e.what)), ""};
  }
}

look look_of(const event& e) {
  switch (e.what) {
    case kind::net_send: return {fmt::format("send #{} → h{}", e.a, e.b), ", fillcolor=\"#e3f2fd\""};
    case kind::net_deliver: return {fmt::format("deliver #{} ({} B)", e.a, e.b), ", fillcolor=\"#e3f2fd\""};
    case kind::net_drop:
      return {fmt::format("DROP #{} ({})", e.a, drop_reason_name(e.b)), ", fillcolor=\"#ffe0b2\", color=\"#e65100\"",
              true};
    case kind::crash: return {"CRASH", ", shape=octagon, fillcolor=\"#ef9a9a\", color=\"#b71c1c\", penwidth=2", true};
    case kind::restart: return {"restart", ", shape=octagon, fillcolor=\"#c8e6c9\""};
    case kind::pause: return {"pause", ", fillcolor=\"#cfd8dc\""};
    case kind::resume: return {"resume", ", fillcolor=\"#cfd8dc\""};
    case kind::clock_jump:
      return {fmt::format("clock jumps\n{} → {}", detail::millis(e.a), detail::millis(e.b)),
              ", shape=note, fillcolor=\"#e1f5fe\""};
    case kind::buggify: return {fmt::format("buggify (line {})", e.a), ", fillcolor=\"#fff59d\""};
    default: return link_look(e);
  }
}

std::string lane_name(lane_key l) {
  std::string n = l.first == 0 ? std::string("world") : fmt::format("host {}", l.first);
  if (l.second >= 0) n += fmt::format("\nthread {}", l.second);
  return n;
}

// The lanes, each a header then its events in order; returns the notable nodes.
std::vector<std::string> draw_lanes(trace::dot_writer& d, const std::vector<event>& ev, lanes by) {
  std::map<lane_key, std::vector<const event*>> lane_events;
  for (const event& e : ev) lane_events[{e.host, by == lanes::thread ? e.thread : -1}].push_back(&e);
  std::vector<std::string> notable;
  std::string rank = "{ rank=min;";
  int lane_no = 0;
  for (const auto& [lane, list] : lane_events) {
    const std::string head = fmt::format("lane{}", lane_no);
    const std::string group = fmt::format("g{}", lane_no++);
    detail::header(d, head, lane_name(lane), group);
    rank += " " + head + ";";
    std::string prev = head;
    for (const event* e : list) {
      const std::string id = fmt::format("e{}", e->seq);
      const look l = look_of(*e);
      if (l.notable) notable.push_back(id);
      d.node(id, l.label + fmt::format("\n@{} · step {}", detail::millis(e->time_ns), e->seq),
             ", group=" + group + l.attrs);
      d.edge(prev, id, "arrowhead=none, color=\"#b0bec5\", weight=20");
      prev = id;
    }
  }
  d.line(rank + " }");
  return notable;
}

// Messages: send -> deliver / drop, by message id, each to the latest send
// of that id before it. Edges only run forward in time, so a trace that
// repeats ids (hand-made or damaged) cannot make the layout cyclic.
void draw_messages(trace::dot_writer& d, const std::vector<event>& ev) {
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
    d.edge(fmt::format("e{}", it->second->seq), fmt::format("e{}", e.seq),
           fmt::format("color=\"{}\", penwidth=1.4{}, constraint=true", drop ? "#e65100" : "#1565c0",
                       drop ? ", style=dashed" : ""));
  }
}

}  // namespace

graph spacetime_view(const std::vector<event>& all, const filter& f, lanes by) {
  std::vector<event> ev;
  for (const event& e : apply_filter(all, f)) {
    if (detail::is_world_kind(e.what)) ev.push_back(e);
  }
  const std::size_t cut =
      f.keep_faults ? detail::keep_faults_and_last(ev, f.max_nodes) : detail::keep_last(ev, f.max_nodes);
  std::string title = fmt::format("space-time: {} network and fault events", ev.size());
  if (f.keep_faults && cut > 0) {
    title += fmt::format(" — {} events between the faults and the end are not shown (size limit); every fault is shown",
                         cut);
  }
  trace::dot_writer d("spacetime", f.keep_faults ? title : detail::caption(title, f, cut, "events"), "TB");
  if (ev.empty()) {
    d.node("note", "no network or fault events here: traces of the real runtime have none (try --view tasks or "
                   "--view workers)", ", shape=note");
    return detail::finish(d, cut, {});
  }
  std::vector<std::string> notable = draw_lanes(d, ev, by);
  draw_messages(d, ev);
  return detail::finish(d, cut, std::move(notable));
}

}  // namespace weft::viz
