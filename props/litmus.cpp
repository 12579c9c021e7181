// Running litmus tests to exhaustion and drawing their executions.
#include "props/litmus.hpp"

#include <algorithm>
#include <functional>
#include <list>
#include <sstream>

#include <fmt/format.h>

#include "props/explore.hpp"

namespace weft::props::litmus {
namespace {

struct search_result {
  std::set<outcome> reached;
  std::uint64_t runs = 0;
  bool exhausted = false;
};

// Every execution of `t` under one memory model and one strategy.
search_result search(const test& t, bool weak, strategy_spec::kind which, std::map<outcome, execution>* keep,
                     std::size_t store_history) {
  search_result out;
  std::vector<sim::memory_event> events;
  explore_options o;
  o.name = "litmus";
  o.strategy.which = which;
  o.strategy.depth = 16;  // dfs: more preemptions than any test has scheduling points
  o.iterations = which == strategy_spec::kind::dfs ? dfs_budget : 10'000'000;
  o.shrink = false;
  o.detect_leaks = false;
  o.weak_memory = weak;
  o.store_history = store_history;
  if (keep != nullptr) o.memory_observer = [&events](const sim::memory_event& e) { events.push_back(e); };
  const std::function<void()> body = [&] {
    events.clear();  // the body starts each run
    registers regs{};
    t.body(regs);
    outcome got(regs.begin(), regs.begin() + static_cast<std::ptrdiff_t>(t.arity));
    if (keep != nullptr && !keep->contains(got)) (*keep)[got].events = events;
    out.reached.insert(std::move(got));
  };
  const explore_result r = explore(o, program(body));
  out.runs = r.schedules;
  out.exhausted = r.exhausted && !r.failure;
  return out;
}

std::string family_of(const std::string& name) { return name.substr(0, name.find('+')); }

}  // namespace

std::vector<const test*> select(const std::string& name) {
  std::vector<const test*> out;
  for (const test& t : tests()) {
    if (t.name == name) return {&t};
    if (family_of(t.name) == name) out.push_back(&t);
  }
  return out;
}

std::string describe(const test& t, const outcome& o) {
  std::istringstream names(t.columns);
  std::string out, name;
  for (int v : o) {
    names >> name;
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, v);
  }
  return out;
}

std::string condition(const test& t) {
  std::string s = describe(t, t.weak);
  std::string out;
  for (char c : s) out += c == ' ' ? std::string(" /\\ ") : std::string(1, c);
  return "exists (" + out + ")";
}

result run(const test& t, bool record, std::size_t store_history) {
  result r;
  const search_result sc = search(t, false, strategy_spec::kind::dpor, nullptr, store_history);
  const search_result weak = search(t, true, strategy_spec::kind::dpor, record ? &r.executions : nullptr, store_history);
  const search_result dfs = search(t, true, strategy_spec::kind::dfs, nullptr, store_history);
  r.reached_sc = sc.reached;
  r.reached = weak.reached;
  r.reached_dfs = dfs.reached;
  r.dfs_exhausted = dfs.exhausted;
  r.dfs_runs = dfs.runs;
  r.dpor_runs = weak.runs;
  r.exhausted = sc.exhausted && weak.exhausted;
  r.allowed = r.reached_sc;
  if (t.allowed) r.allowed.insert(t.weak);
  return r;
}

// ---- pictures ----
namespace {

const char* order_name(std::uint8_t o) {
  static constexpr const char* names[] = {"rlx", "consume", "acq", "rel", "acq_rel", "sc"};
  return o < 6 ? names[o] : "?";
}

struct picture {
  const test& t;
  std::string out;
  std::map<std::uint64_t, std::string> location_names;  // memory_location id -> x, y, ...

  // Locations are named x, y, ... in the order the test introduced them
  // (their numbers in the run).
  void name_locations(const litmus::execution& x) {
    location_names.clear();
    for (const sim::memory_event& e : x.events) {
      if (e.location != 0) location_names.emplace(e.location, "");
    }
    static constexpr const char* names[] = {"x", "y", "z", "w"};
    std::size_t n = 0;
    for (auto& [id, name] : location_names) name = n < 4 ? names[n] : fmt::format("l{}", n), ++n;
  }
  std::string location(std::uint64_t id) { return location_names[id]; }
  static std::string thread_name(std::uint32_t t) {
    if (t == ~0u) return "driver";
    return t == 0 ? "main" : std::string(1, static_cast<char>('a' + (t - 1) % 26));
  }
  std::string label(const sim::memory_event& e) {
    using k = sim::memory_event::kind;
    const std::string who = thread_name(e.thread);
    switch (e.what) {
      case k::load: return fmt::format("{}: R {} = {} {}", who, location(e.location), e.value, order_name(e.order));
      case k::store: return fmt::format("{}: W {} = {} {}", who, location(e.location), e.value, order_name(e.order));
      case k::rmw: return fmt::format("{}: RMW {} := {} {}", who, location(e.location), e.value, order_name(e.order));
      case k::fence: return fmt::format("{}: F {}", who, order_name(e.order));
    }
    return "?";
  }
  void execution(std::size_t n, const outcome& o, const litmus::execution& x);
};

void picture::execution(std::size_t n, const outcome& o, const litmus::execution& x) {
  using k = sim::memory_event::kind;
  const bool weak = o == t.weak;
  out += fmt::format("  subgraph cluster_{} {{\n    label=\"{}{}\";\n", n, describe(t, o), weak ? "  (the weak outcome)" : "");
  if (weak) out += "    color=red;\n";
  auto node = [&](std::uint64_t event) { return fmt::format("e{}_{}", n, event); };
  std::map<std::uint64_t, std::list<std::uint64_t>> mo;  // location -> stores in modification order (0: initial)
  std::map<std::uint32_t, std::uint64_t> last_of_thread;
  name_locations(x);
  bool started = false;  // main's introductions of the locations are not drawn
  for (const sim::memory_event& e : x.events) {
    started = started || e.thread != 0;
    if (!started) continue;
    out += fmt::format("    {} [label=\"{}\"];\n", node(e.event), label(e));
    if (auto it = last_of_thread.find(e.thread); it != last_of_thread.end()) {
      out += fmt::format("    {} -> {} [label=\"po\"];\n", node(it->second), node(e.event));
    }
    last_of_thread[e.thread] = e.event;
    if (e.what == k::fence) continue;
    std::list<std::uint64_t>& order = mo.try_emplace(e.location, std::list<std::uint64_t>{0}).first->second;
    if (e.what != k::store) {
      const std::string from = e.read_from == 0 ? fmt::format("i{}_{}", n, e.location) : node(e.read_from);
      out += fmt::format("    {} -> {} [label=\"rf\", color=red, fontcolor=red];\n", from, node(e.event));
    }
    if (e.what != k::load) order.insert(std::next(std::find(order.begin(), order.end(), e.mo_after)), e.event);
  }
  for (const auto& [loc, order] : mo) {
    out += fmt::format("    i{}_{} [label=\"{} = 0\", shape=plaintext];\n", n, loc, location(loc));
    std::string prev = fmt::format("i{}_{}", n, loc);
    for (auto it = std::next(order.begin()); it != order.end(); ++it) {
      out += fmt::format("    {} -> {} [label=\"mo\", color=blue, fontcolor=blue, style=dashed];\n", prev, node(*it));
      prev = node(*it);
    }
  }
  out += "  }\n";
}

}  // namespace

std::string draw(const test& t, const result& r) {
  picture p{t, {}, {}};
  std::string cond;
  for (char c : condition(t)) cond += c == '\\' ? std::string("\\\\") : std::string(1, c);  // DOT escapes a backslash
  p.out = fmt::format("digraph \"{}\" {{\n  label=\"{}: {}, {} by RC11\";\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n",
                      t.name, t.name, cond, t.allowed ? "allowed" : "forbidden");
  std::size_t n = 0;
  for (const auto& [o, x] : r.executions) p.execution(n++, o, x);
  p.out += "}\n";
  return p.out;
}

}  // namespace weft::props::litmus
