// `weft model NAME [--threads N] [--bound B] [--dot FILE] [--force]`:
// explores a model of the runtime's protocols exhaustively (models/).
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "cli/subcommand.hpp"
#include "models/model.hpp"

namespace weft::cli {

namespace {

struct model_options {
  std::string name;
  std::optional<int> threads;  // default: the model's
  std::optional<int> bound;
  std::optional<std::string> dot_path;
  std::size_t dot_limit = 400;  // larger graphs: draw the counterexample and its neighbours
  bool force = false;
};

std::string known_models() {
  std::string out;
  for (const models::model_entry& e : models::catalogue()) {
    if (e.kind != "model") continue;
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

bool in_range(const char* flag, const std::string& means, int value, int max) {
  if (value >= 1 && value <= max) return true;
  if (max == 1) {
    fmt::print(stderr, "weft: {} {}: this model's size is fixed ({})\n", flag, value, means);
  } else {
    fmt::print(stderr, "weft: {} {}: out of range for this model ({}: 1 to {})\n", flag, value, means, max);
  }
  return false;
}

int model_command(const known& k, const model_options& o) {
  if (!k.has_catalogue()) {
    fmt::print(stderr, "weft: the protocol models are part of weft's catalogue: use `{} --catalogue model {}`\n",
               k.program(), o.name);
    return 2;
  }
  const models::model_entry* e = models::find(o.name);
  if (e == nullptr) {
    fmt::print(stderr, "weft: unknown model '{}' (models: {}; bug variants: see `weft list`)\n", o.name,
               known_models());
    return 2;
  }
  const int threads = o.threads.value_or(e->default_threads);
  const int bound = o.bound.value_or(e->default_bound);
  if (o.threads && !in_range("--threads", e->threads_means, threads, e->max_threads)) return 2;
  if (o.bound && !in_range("--bound", e->bound_means, bound, e->max_bound)) return 2;
  if (o.dot_path && std::filesystem::exists(*o.dot_path) && !o.force) {
    fmt::print(stderr, "weft: --dot {} already exists; pass --force to overwrite it\n", *o.dot_path);
    return 2;
  }
  const std::unique_ptr<models::model> m = e->make(threads, bound);
  const models::check_result r = models::check(*m);
  fmt::print("{}", models::format_report(m->title(), r));
  if (r.outcome == models::verdict::too_big) return 2;
  if (o.dot_path) {
    std::ofstream f(*o.dot_path, std::ios::binary | std::ios::trunc);
    f << models::to_dot(m->title(), r, o.dot_limit);
    if (!f) {
      fmt::print(stderr, "weft: could not write {}\n", *o.dot_path);
      return 2;
    }
    fmt::print("state graph: {}\n", *o.dot_path);
  }
  return r.outcome == models::verdict::holds ? 0 : 1;
}

}  // namespace

subcommand add_model(CLI::App& app, const known& k) {
  struct flags {
    model_options o;
    int threads = 0, bound = 0;
    std::string dot;
  };
  auto f = std::make_shared<flags>();
  subcommand sc;
  sc.app = app.add_subcommand("model", "check a model of a runtime protocol exhaustively");
  CLI::App* c = sc.app;
  c->add_option("name", f->o.name, "model name (see `list`, kinds model and model-bug)")->required();
  c->add_option("--threads", f->threads, "actors of the model (what they are depends on the model)");
  c->add_option("--bound", f->bound, "the model's size bound (tasks, capacity, horizon...)");
  c->add_option("--dot", f->dot, "write the state graph (Graphviz dot), counterexample in red");
  c->add_option("--dot-limit", f->o.dot_limit,
                "draw graphs up to this many states in full; larger ones (or any, with 0) as the "
                "counterexample path and its neighbours (default 400)");
  c->add_flag("--force", f->o.force, "overwrite the --dot file if it exists");
  sc.run = [&k, f, c] {
    model_options o = f->o;
    if (c->count("--threads") > 0) o.threads = f->threads;
    if (c->count("--bound") > 0) o.bound = f->bound;
    if (!f->dot.empty()) o.dot_path = f->dot;
    return model_command(k, o);
  };
  return sc;
}

}  // namespace weft::cli
