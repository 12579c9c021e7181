// `weft viz INPUT --view VIEW -o FILE`: renders a trace (or an explorer
// schedule file, or a model) as a picture or a Perfetto timeline.
#include <charconv>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/subcommand.hpp"
#include "props/parse.hpp"
#include "models/model.hpp"
#include "viz/perfetto.hpp"
#include "viz/render.hpp"
#include "viz/trace_reader.hpp"
#include "viz/views.hpp"

namespace weft::cli {

namespace {

struct viz_options {
  std::string input;  // a trace, an explorer schedule file, or (--view model) a model name
  std::string view;
  std::string output;
  std::optional<std::string> from, to;  // a step or a virtual time
  std::optional<std::uint32_t> host;
  std::optional<std::uint64_t> task;
  std::string lanes = "host";
  std::size_t max_nodes = 300;
  bool force = false;
};

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
    if (ec2 != std::errc() || e2 != num.data() + num.size() || n < 0) return false;
    ns = text.ends_with("us") ? n * 1000 : n;
    return true;
  }
  const auto d = props::parse_duration(text);
  if (!d || text.find_first_not_of("0123456789") == std::string::npos) return false;
  ns = d->count();
  return true;
}

int viz_command(const viz_options& o) {
  static const char* views[] = {"spacetime", "tasks", "workers", "interleaving", "model", "perfetto"};
  if (std::find(std::begin(views), std::end(views), o.view) == std::end(views)) {
    fmt::print(stderr, "weft: --view {}: unknown view (spacetime, tasks, workers, interleaving, model, perfetto)\n",
               o.view);
    return 2;
  }
  std::string format;
  if (o.view == "perfetto") {
    if (!o.output.ends_with(".json")) {
      fmt::print(stderr, "weft: -o {}: the perfetto view writes Chrome trace JSON; name the file *.json\n", o.output);
      return 2;
    }
    format = "json";
  } else {
    const auto f = viz::format_of(o.output);
    if (!f) {
      fmt::print(stderr, "weft: -o {}: the format comes from the extension: .svg, .png or .dot\n", o.output);
      return 2;
    }
    format = *f;
  }
  if (std::filesystem::exists(o.output) && !o.force) {
    fmt::print(stderr, "weft: -o {} already exists; pass --force to overwrite it\n", o.output);
    return 2;
  }
  viz::filter f;
  f.max_nodes = o.max_nodes;
  f.host = o.host;
  f.task = o.task;
  if (o.from && !parse_point(*o.from, f.from_seq, f.from_ns)) {
    fmt::print(stderr, "weft: --from {}: give a step number or a virtual time such as 5ms\n", *o.from);
    return 2;
  }
  if (o.to && !parse_point(*o.to, f.to_seq, f.to_ns)) {
    fmt::print(stderr, "weft: --to {}: give a step number or a virtual time such as 5ms\n", *o.to);
    return 2;
  }
  if (o.lanes != "host" && o.lanes != "thread") {
    fmt::print(stderr, "weft: --lanes {}: use host or thread\n", o.lanes);
    return 2;
  }
  if (o.task && o.view != "tasks" && o.view != "workers") {
    fmt::print(stderr, "weft: --task applies to the tasks and workers views\n");
    return 2;
  }

  viz::graph g;
  if (o.view == "model") {
    const models::model_entry* e = models::find(o.input);
    if (e == nullptr) {
      fmt::print(stderr, "weft: --view model: '{}' is not a model (see `weft list`, kinds model and model-bug)\n",
                 o.input);
      return 2;
    }
    const auto m = e->make(e->default_threads, e->default_bound);
    const models::check_result r = models::check(*m);
    g.dot = models::to_dot(m->title(), r, o.max_nodes);
    g.nodes = std::min<std::size_t>(r.states, o.max_nodes);
  } else if (o.view == "interleaving") {
    if (!std::filesystem::exists(o.input)) {
      fmt::print(stderr, "weft: {}: no such file\n", o.input);
      return 2;
    }
    auto s = viz::read_schedule_file(o.input);
    if (auto* err = std::get_if<viz::read_error>(&s)) {
      fmt::print(stderr, "weft: {}\n", err->describe(o.input));
      return 2;
    }
    g = viz::interleaving_view(std::get<viz::schedule_file>(s), f);
  } else {
    if (!std::filesystem::exists(o.input)) {
      fmt::print(stderr, "weft: {}: no such file\n", o.input);
      return 2;
    }
    viz::read_result r = viz::read_trace_file(o.input);
    if (!r) {
      fmt::print(stderr, "weft: {}\n", r.error().describe(o.input));
      return 2;
    }
    const auto& events = r.value().events;
    if (o.view == "perfetto") {
      std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
      out << viz::perfetto_json(viz::apply_filter(events, f));
      if (!out) {
        fmt::print(stderr, "weft: cannot write {}\n", o.output);
        return 2;
      }
      fmt::print("weft: wrote {} (Chrome trace JSON for ui.perfetto.dev or chrome://tracing)\n", o.output);
      return 0;
    }
    if (o.view == "spacetime") g = viz::spacetime_view(events, f, o.lanes == "thread" ? viz::lanes::thread : viz::lanes::host);
    if (o.view == "tasks") g = viz::tasks_view(events, f);
    if (o.view == "workers") g = viz::workers_view(events, f);
  }
  if (const std::string err = viz::render_file(g.dot, o.output, format); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    return 2;
  }
  std::string cut = g.cut > 0 ? fmt::format(", {} left out by the size limit", g.cut) : std::string();
  fmt::print("weft: wrote {} ({} view: {} nodes, {} edges{})\n", o.output, o.view, g.nodes, g.edges, cut);
  return 0;
}

}  // namespace

subcommand add_viz(CLI::App& app, const known&) {
  struct flags {
    viz_options o;
    std::string from, to;
    std::uint32_t host = 0;
    std::uint64_t task = 0;
  };
  auto f = std::make_shared<flags>();
  subcommand sc;
  sc.app = app.add_subcommand("viz", "render a trace, a schedule or a model as a picture or a Perfetto timeline");
  CLI::App* c = sc.app;
  c->add_option("input", f->o.input, "a trace (.jsonl), an explorer schedule file (.schedule.jsonl), or a model name")
      ->required();
  c->add_option("--view", f->o.view, "spacetime, tasks, workers, interleaving, model or perfetto")->required();
  c->add_option("-o,--output", f->o.output, "the file to write: .svg, .png or .dot (perfetto: .json)")->required();
  c->add_option("--from", f->from, "start at this step, or this virtual time (5ms)");
  c->add_option("--to", f->to, "end at this step, or this virtual time");
  c->add_option("--host", f->host, "only this host's events");
  c->add_option("--task", f->task, "tasks and workers views: this task and its neighbours");
  c->add_option("--lanes", f->o.lanes, "spacetime: one lane per host (default) or per thread");
  c->add_option("--max-nodes", f->o.max_nodes, "size limit; larger views keep the last items (default 300)");
  c->add_flag("--force", f->o.force, "overwrite the output file if it exists");
  sc.run = [f, c] {
    viz_options o = f->o;
    if (!f->from.empty()) o.from = f->from;
    if (!f->to.empty()) o.to = f->to;
    if (c->count("--host") > 0) o.host = f->host;
    if (c->count("--task") > 0) o.task = f->task;
    return viz_command(o);
  };
  return sc;
}

}  // namespace weft::cli
