// `weft viz INPUT --view VIEW -o FILE [--from X] [--to X] [--host N]
//                 [--task N] [--lanes host|thread] [--max-nodes N] [--force]`:
// renders a trace (or an explorer schedule file, or a model) as a picture
// or a Perfetto timeline. The output is written whole or not at all; a
// filter that selects nothing is bad input, not an empty picture.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/subcommand.hpp"
#include "models/model.hpp"
#include "props/parse.hpp"
#include "runtime/trace/whole_file.hpp"
#include "viz/perfetto.hpp"
#include "viz/render.hpp"
#include "viz/trace_reader.hpp"
#include "viz/views.hpp"

namespace weft::cli {

namespace {

struct viz_flags {
  std::string input;  // a trace, an explorer schedule file, or (--view model) a model name
  std::string view, output, from, to, host, task, lanes = "host", max_nodes = "300";
  bool force = false;
};

constexpr const char* views[] = {"spacetime", "tasks", "workers", "interleaving", "model", "perfetto"};

// "120" is a step; "3ms", "2s", "500us", "40ns" a virtual time.
bool parse_point(const std::string& text, std::optional<std::uint64_t>& step, std::optional<std::int64_t>& ns) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && end == text.data() + text.size()) {
    step = v;
    return true;
  }
  if (text.size() > 2 && (text.ends_with("us") || text.ends_with("ns"))) {
    const std::string num = text.substr(0, text.size() - 2);
    std::int64_t n = 0;
    const auto [e2, ec2] = std::from_chars(num.data(), num.data() + num.size(), n);
    if (ec2 != std::errc() || e2 != num.data() + num.size() || n < 0 || n > INT64_MAX / 1000) return false;
    ns = text.ends_with("us") ? n * 1000 : n;
    return true;
  }
  const auto d = props::parse_duration(text);
  if (!d || text.find_first_not_of("0123456789") == std::string::npos) return false;
  ns = d->count();
  return true;
}

// The output format, or "" after one line on stderr.
std::string output_format(const viz_flags& f) {
  if (std::find(std::begin(views), std::end(views), f.view) == std::end(views)) {
    fmt::print(stderr, "weft: --view {}: unknown view (spacetime, tasks, workers, interleaving, model, perfetto)\n",
               f.view);
    return {};
  }
  if (f.view == "perfetto") {
    if (f.output.ends_with(".json")) return "json";
    fmt::print(stderr, "weft: -o {}: the perfetto view writes Chrome trace JSON; name the file *.json\n", f.output);
    return {};
  }
  const auto format = viz::format_of(f.output);
  if (!format) fmt::print(stderr, "weft: -o {}: the format comes from the extension: .svg, .png or .dot\n", f.output);
  return format.value_or("");
}

// The filter from the flags; nullopt after one line on stderr.
std::optional<viz::filter> filter_of(const viz_flags& f) {
  viz::filter out;
  out.max_nodes = number_of(f.max_nodes);
  if (!f.host.empty()) out.host = static_cast<std::uint32_t>(number_of(f.host));
  if (!f.task.empty()) out.task = number_of(f.task);
  for (const auto& [flag, text, step, ns] : {std::tuple{"--from", &f.from, &out.from_seq, &out.from_ns},
                                             std::tuple{"--to", &f.to, &out.to_seq, &out.to_ns}}) {
    if (!text->empty() && !parse_point(*text, *step, *ns)) {
      fmt::print(stderr, "weft: {} {}: give a step number or a virtual time such as 5ms\n", flag, *text);
      return std::nullopt;
    }
  }
  if (f.lanes != "host" && f.lanes != "thread") {
    fmt::print(stderr, "weft: --lanes {}: use host or thread\n", f.lanes);
    return std::nullopt;
  }
  if (out.task && f.view != "tasks" && f.view != "workers") {
    fmt::print(stderr, "weft: --task applies to the tasks and workers views\n");
    return std::nullopt;
  }
  return out;
}

// "" if the filter keeps something of `events`, else the one line saying it does not.
std::string check_selection(const std::vector<trace::event>& events, const viz::filter& f) {
  std::set<std::uint32_t> hosts;
  for (const trace::event& e : events) hosts.insert(e.host);
  if (f.host && !hosts.contains(*f.host)) {
    std::string known;
    for (std::uint32_t h : hosts) known += (known.empty() ? "" : ", ") + std::to_string(h);
    return fmt::format("--host {}: the trace has no events of that host (hosts: {})", *f.host, known);
  }
  if (f.task && std::none_of(events.begin(), events.end(), [&](const trace::event& e) { return e.task == *f.task; })) {
    return fmt::format("--task {}: no such task in the trace", *f.task);
  }
  if (!events.empty() && viz::apply_filter(events, f).empty()) {
    return fmt::format("--from/--to: no events in that range (the trace has steps {}..{}, {:.3f}..{:.3f} ms)",
                       events.front().seq, events.back().seq, static_cast<double>(events.front().time_ns) / 1e6,
                       static_cast<double>(events.back().time_ns) / 1e6);
  }
  return {};
}

// Reads INPUT as the view needs it and builds the graph; nullopt after one line.
std::optional<viz::graph> graph_of(const viz_flags& f, const viz::filter& filter) {
  if (f.view == "model") {
    const models::model_entry* e = models::find(f.input);
    if (e == nullptr) {
      fmt::print(stderr, "weft: --view model: '{}' is not a model (see `weft --catalogue list`, kinds model and "
                         "model-bug)\n", f.input);
      return std::nullopt;
    }
    const auto m = e->make(e->default_threads, e->default_bound);
    const models::check_result r = models::check(*m);
    viz::graph g;
    g.dot = models::to_dot(m->title(), r, filter.max_nodes);
    g.nodes = std::min<std::size_t>(r.states, filter.max_nodes);
    return g;
  }
  if (!std::filesystem::exists(f.input)) {
    fmt::print(stderr, "weft: {}: no such file\n", f.input);
    return std::nullopt;
  }
  auto s = viz::read_schedule_file(f.input);
  if (auto* err = std::get_if<viz::read_error>(&s)) {
    fmt::print(stderr, "weft: {}\n", err->describe(f.input));
    return std::nullopt;
  }
  return viz::interleaving_view(std::get<viz::schedule_file>(s), filter);
}

int write_output(const viz_flags& f, const std::string& text, const std::string& what) {
  if (const std::string err = trace::write_whole_file(f.output, text); !err.empty()) {
    fmt::print(stderr, "weft: -o: {}\n", err);
    return 2;
  }
  fmt::print("weft: wrote {} ({})\n", f.output, what);
  return 0;
}

int render(const viz_flags& f, const viz::graph& g, const std::string& format) {
  std::string error;
  const std::string text = format == "dot" ? g.dot : viz::render_text(g.dot, format, error);
  if (!error.empty()) {
    fmt::print(stderr, "weft: {}\n", error);
    return 2;
  }
  const std::string cut = g.cut > 0 ? fmt::format(", {} left out by the size limit", g.cut) : std::string();
  return write_output(f, text, fmt::format("{} view: {} nodes, {} edges{}", f.view, g.nodes, g.edges, cut));
}

// The trace views (spacetime, tasks, workers, perfetto).
int render_trace(const viz_flags& f, const viz::filter& filter, const std::string& format) {
  if (!std::filesystem::exists(f.input)) {
    fmt::print(stderr, "weft: {}: no such file\n", f.input);
    return 2;
  }
  viz::read_result r = viz::read_trace_file(f.input);
  if (!r) {
    fmt::print(stderr, "weft: {}\n", r.error().describe(f.input));
    return 2;
  }
  const auto& events = r.value().events;
  if (const std::string err = check_selection(events, filter); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    return 2;
  }
  if (f.view == "perfetto") {
    return write_output(f, viz::perfetto_json(viz::apply_filter(events, filter)),
                        "Chrome trace JSON for ui.perfetto.dev or chrome://tracing");
  }
  if (f.view == "spacetime") {
    return render(f, viz::spacetime_view(events, filter, f.lanes == "thread" ? viz::lanes::thread : viz::lanes::host),
                  format);
  }
  return render(f, f.view == "tasks" ? viz::tasks_view(events, filter) : viz::workers_view(events, filter), format);
}

int viz_command(const viz_flags& f) {
  const std::string format = output_format(f);
  if (format.empty()) return 2;
  if (std::filesystem::exists(f.output) && !f.force) {
    fmt::print(stderr, "weft: -o {} already exists; pass --force to overwrite it\n", f.output);
    return 2;
  }
  const std::optional<viz::filter> filter = filter_of(f);
  if (!filter) return 2;
  if (f.view != "model" && f.view != "interleaving") return render_trace(f, *filter, format);
  const std::optional<viz::graph> g = graph_of(f, *filter);
  return g ? render(f, *g, format) : 2;
}

}  // namespace

subcommand add_viz(CLI::App& app, const known&) {
  auto f = std::make_shared<viz_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("viz", "render a trace, a schedule or a model as a picture or a Perfetto timeline");
  CLI::App* c = sc.app;
  c->add_option("input", f->input, "a trace (.jsonl), an explorer schedule file (.schedule.jsonl), or a model name")
      ->required();
  c->add_option("--view", f->view, "spacetime, tasks, workers, interleaving, model or perfetto")->required();
  c->add_option("-o,--output", f->output, "the file to write: .svg, .png or .dot (perfetto: .json)")->required();
  c->add_option("--from", f->from, "start at this step, or this virtual time (5ms)");
  c->add_option("--to", f->to, "end at this step, or this virtual time");
  c->add_option("--host", f->host, "only this host's events")->check(number_value(0, UINT32_MAX));
  c->add_option("--task", f->task, "tasks and workers views: this task and its neighbours")
      ->check(number_value(0, INT64_MAX));
  c->add_option("--lanes", f->lanes, "spacetime: one lane per host (default) or per thread");
  c->add_option("--max-nodes", f->max_nodes, "size limit; larger views keep the last items (default 300)")
      ->check(number_value(1, 100'000));
  c->add_flag("--force", f->force, "overwrite the output file if it exists");
  sc.run = [f] { return viz_command(*f); };
  return sc;
}

}  // namespace weft::cli
