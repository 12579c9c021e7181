#include "viz/view_common.hpp"

#include <fmt/format.h>

namespace weft::viz {

std::vector<trace::event> apply_filter(const std::vector<trace::event>& events, const filter& f) {
  std::vector<trace::event> out;
  out.reserve(events.size());
  for (const trace::event& e : events) {
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
    add(fmt::format("time {}..{}", f.from_ns ? detail::millis(*f.from_ns) : "start",
                    f.to_ns ? detail::millis(*f.to_ns) : "end"));
  }
  if (f.host) add(fmt::format("host {}", *f.host));
  if (f.task) add(fmt::format("task {}", *f.task));
  return out;
}

namespace detail {

std::string millis(std::int64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

std::string caption(std::string base, const filter& f, std::size_t cut, const char* what) {
  if (const std::string d = describe_filter(f); !d.empty()) base += " (" + d + ")";
  if (cut > 0) {
    base += fmt::format(" — the first {} {} are not shown (size limit; narrow with --from/--to/--host/--task or "
                        "raise --max-nodes)",
                        cut, what);
  }
  return base;
}

void header(trace::dot_writer& d, const std::string& id, const std::string& label, const std::string& group) {
  d.node(id, label,
         ", style=filled, fillcolor=\"#37474f\", fontcolor=white" + (group.empty() ? std::string() : ", group=" + group));
}

graph finish(trace::dot_writer& d, std::size_t cut, std::vector<std::string> highlighted) {
  graph g;
  g.nodes = d.nodes();
  g.edges = d.edges();
  g.dot = d.finish();
  g.cut = cut;
  g.highlighted = std::move(highlighted);
  return g;
}

bool is_fault_kind(trace::kind k) noexcept {
  using trace::kind;
  switch (k) {
    case kind::partition:
    case kind::heal:
    case kind::crash:
    case kind::restart:
    case kind::pause:
    case kind::resume:
    case kind::net_link:
      return true;
    default:
      return false;
  }
}

std::size_t keep_faults_and_last(std::vector<trace::event>& ev, std::size_t max) {
  if (max == 0 || ev.size() <= max) return 0;
  std::vector<bool> keep(ev.size(), false);
  std::size_t kept = 0;
  // Faults (and what followed each), latest first, within half the budget.
  for (std::size_t i = ev.size(); i-- > 0 && kept < max / 2;) {
    if (!is_fault_kind(ev[i].what)) continue;
    for (std::size_t j = i; j < std::min(ev.size(), i + 3) && kept < max / 2; ++j) {
      if (!keep[j]) {
        keep[j] = true;
        ++kept;
      }
    }
  }
  // Then the end of the run, back from the last event.
  for (std::size_t i = ev.size(); i-- > 0 && kept < max;) {
    if (!keep[i]) {
      keep[i] = true;
      ++kept;
    }
  }
  std::vector<trace::event> out;
  out.reserve(kept);
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (keep[i]) out.push_back(ev[i]);
  }
  const std::size_t cut = ev.size() - out.size();
  ev = std::move(out);
  return cut;
}

bool is_world_kind(trace::kind k) noexcept {
  using trace::kind;
  if (is_fault_kind(k)) return true;
  switch (k) {
    case kind::net_send:
    case kind::net_deliver:
    case kind::net_drop:
    case kind::clock_jump:
    case kind::buggify:
    case kind::net_connect:
    case kind::net_reset:
      return true;
    default:
      return false;
  }
}

}  // namespace detail
}  // namespace weft::viz
