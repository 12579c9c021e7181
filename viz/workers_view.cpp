// The workers view: one row per worker, what it did in order — polls
// (consecutive polls of one task merged), steals with an edge from the
// victim, parks and unparks, notifications with an edge to the unpark they
// caused, overflows to the inject queue.
#include <map>
#include <set>

#include <fmt/format.h>

#include "viz/view_common.hpp"

namespace weft::viz {
namespace {

using trace::event;
using trace::kind;
using row_key = std::pair<std::uint32_t, std::int32_t>;  // host, worker (-1: outside the workers)

struct item {
  std::string id, label, attrs;
  row_key row;
  std::uint64_t seq = 0;
  std::uint64_t task = 0;
  int repeat = 1;
  const event* e = nullptr;
};

// The item an event draws as, if any (polls are handled by the caller).
std::optional<item> item_of(const event& e, row_key row) {
  const std::string id = fmt::format("e{}", e.seq);
  switch (e.what) {
    case kind::steal:
      return item{id, fmt::format("STEAL {} from w{}", e.b, e.a), ", fillcolor=\"#ffcdd2\", color=\"#c62828\"", row,
                  e.seq, 0, 1, &e};
    case kind::park: return item{id, "park", ", shape=ellipse, fillcolor=\"#cfd8dc\"", row, e.seq, 0, 1, &e};
    case kind::unpark:
      return item{id, e.a == 1 ? "unpark (notified)" : "unpark (timeout)", ", shape=ellipse, fillcolor=\"#eceff1\"",
                  row, e.seq, 0, 1, &e};
    case kind::notify:
      return item{id, fmt::format("notify w{}", e.a), ", shape=cds, fillcolor=\"#fff9c4\"", row, e.seq, 0, 1, &e};
    case kind::overflow:
      return item{id, fmt::format("OVERFLOW {} → inject", e.a), ", fillcolor=\"#ffe0b2\"", row, e.seq, 0, 1, &e};
    default: return std::nullopt;
  }
}

std::vector<item> collect(const std::vector<event>& ev, const filter& f) {
  std::vector<item> items;
  std::map<row_key, std::size_t> last_in_row;  // index into items
  for (const event& e : ev) {
    const row_key row{e.host, e.worker};
    const std::size_t before = items.size();
    if (e.what == kind::poll_start) {
      if (f.task && e.task != *f.task) continue;
      // Polls of the same task one after another on a worker: one node.
      const auto it = last_in_row.find(row);
      if (it != last_in_row.end() && items[it->second].task == e.task && items[it->second].e->what == kind::poll_start) {
        ++items[it->second].repeat;
        continue;
      }
      items.push_back({fmt::format("e{}", e.seq), fmt::format("task {}", e.task), "", row, e.seq, e.task, 1, &e});
    } else if (std::optional<item> i = item_of(e, row)) {
      items.push_back(std::move(*i));
    }
    if (items.size() > before) last_in_row[row] = items.size() - 1;
  }
  return items;
}

using rows_t = std::map<row_key, std::vector<const item*>>;

// The rows, in worker order, each a header then its items; returns each row's header id.
std::map<row_key, std::string> draw_rows(trace::dot_writer& d, const rows_t& rows) {
  std::set<std::uint32_t> hosts;
  for (const auto& [row, list] : rows) hosts.insert(row.first);
  std::map<row_key, std::string> header_of;
  std::string first_column = "{ rank=same;";
  for (const auto& [row, list] : rows) {
    const std::string head = fmt::format("w_{}_{}", row.first, row.second + 1);
    header_of[row] = head;
    std::string name = row.second < 0 ? std::string("outside the workers") : fmt::format("worker {}", row.second);
    if (hosts.size() > 1) name = fmt::format("host {} ", row.first) + name;
    detail::header(d, head, name);
    first_column += " " + head + ";";
    std::string prev = head;
    for (const item* it : list) {
      d.node(it->id, it->label + (it->repeat > 1 ? fmt::format(" ×{}", it->repeat) : "") +
                         fmt::format("\nstep {}", it->seq),
             it->attrs);
      d.edge(prev, it->id, "weight=10");
      prev = it->id;
    }
  }
  d.line(first_column + " }");
  std::string previous;  // keep the rows in worker order
  for (const auto& [row, head] : header_of) {
    if (!previous.empty()) d.line(fmt::format("{} -> {} [style=invis];", previous, head));
    previous = head;
  }
  return header_of;
}

// Steals: from the victim's row (its last item before the steal) to the
// thief's. Notifications: to the notified worker's next unpark.
void draw_links(trace::dot_writer& d, const std::vector<item>& items, const rows_t& rows,
                const std::map<row_key, std::string>& header_of) {
  for (const item& it : items) {
    if (it.e->what != kind::steal && it.e->what != kind::notify) continue;
    const row_key other{it.row.first, static_cast<std::int32_t>(it.e->a)};
    const auto row = rows.find(other);
    if (row == rows.end()) continue;
    if (it.e->what == kind::steal) {
      std::string from = header_of.at(other);
      for (const item* v : row->second) {
        if (v->seq < it.seq) from = v->id;
      }
      d.edge(from, it.id, fmt::format("color=\"#c62828\", style=dashed, constraint=false, xlabel=\"{} task{}\"",
                                      it.e->b, it.e->b == 1 ? "" : "s"));
      continue;
    }
    for (const item* v : row->second) {
      if (v->seq > it.seq && v->e->what == kind::unpark) {
        d.edge(it.id, v->id, "color=\"#f9a825\", style=dotted, constraint=false");
        break;
      }
    }
  }
}

}  // namespace

graph workers_view(const std::vector<event>& all, const filter& f) {
  const std::vector<event> ev = apply_filter(all, f);
  std::vector<item> items = collect(ev, f);
  const std::size_t cut = detail::keep_last(items, f.max_nodes);
  trace::dot_writer d(
      "workers",
      detail::caption(fmt::format("workers: {} polls, steals, parks and notifications in order, one row per worker",
                                  items.size()),
                      f, cut, "items"),
      "LR");
  rows_t rows;
  std::vector<std::string> notable;
  for (const item& it : items) {
    rows[it.row].push_back(&it);
    if (it.e->what == kind::steal) notable.push_back(it.id);
  }
  const std::map<row_key, std::string> header_of = draw_rows(d, rows);
  draw_links(d, items, rows, header_of);
  return detail::finish(d, cut, std::move(notable));
}

}  // namespace weft::viz
