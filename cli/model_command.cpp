// `weft model NAME [--threads N] [--bound B] [--max-states N] [--dot FILE]
//                  [--dot-limit N] [--force]`:
// explores a model of the runtime's protocols exhaustively (models/).
// A model too big for --max-states (or for memory) is exit 2 with one line.
#include <filesystem>
#include <memory>
#include <new>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "models/model.hpp"
#include "runtime/trace/whole_file.hpp"

namespace weft::cli {

namespace {

struct model_flags {
  std::string name, threads, bound, dot, dot_limit = "400", max_states = "1000000";
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

// --threads / --bound against the model's own range; nullopt after one line.
std::optional<int> size_of(const char* flag, const std::string& text, const std::string& means, int fallback,
                           int max) {
  if (text.empty()) return fallback;
  const std::uint64_t value = number_of(text);
  if (value >= 1 && value <= static_cast<std::uint64_t>(max)) return static_cast<int>(value);
  if (max == 1) {
    fmt::print(stderr, "weft: {} {}: this model's size is fixed ({})\n", flag, value, means);
  } else {
    fmt::print(stderr, "weft: {} {}: out of range for this model ({}: 1 to {})\n", flag, value, means, max);
  }
  return std::nullopt;
}

const models::model_entry* model_or_complain(const known& k, const std::string& name) {
  if (!k.has_catalogue()) {
    fmt::print(stderr, "weft: the protocol models are part of weft's catalogue: use `{} --catalogue model {}`\n",
               k.program(), name);
    return nullptr;
  }
  const models::model_entry* e = models::find(name);
  if (e == nullptr) {
    fmt::print(stderr, "weft: unknown model '{}' (models: {}; bug variants: see `{} list`)\n", name,
               known_models(), k.program());
  }
  return e;
}

int write_dot(const model_flags& f, const models::model& m, const models::check_result& r) {
  const std::string dot = models::to_dot(m.title(), r, number_of(f.dot_limit));
  if (const std::string err = trace::write_whole_file(f.dot, dot); !err.empty()) {
    fmt::print(stderr, "weft: --dot: {}\n", err);
    return 2;
  }
  fmt::print("state graph: {}\n", f.dot);
  return 0;
}

int model_command(const known& k, const model_flags& f) {
  const models::model_entry* e = model_or_complain(k, f.name);
  if (e == nullptr) return 2;
  const auto threads = size_of("--threads", f.threads, e->threads_means, e->default_threads, e->max_threads);
  const auto bound = threads ? size_of("--bound", f.bound, e->bound_means, e->default_bound, e->max_bound)
                             : std::nullopt;
  if (!threads || !bound) return 2;
  if (!f.dot.empty() && std::filesystem::exists(f.dot) && !f.force) {
    fmt::print(stderr, "weft: --dot {} already exists; pass --force to overwrite it\n", f.dot);
    return 2;
  }
  const std::unique_ptr<models::model> m = e->make(*threads, *bound);
  models::check_options options;
  options.max_states = number_of(f.max_states);
  models::check_result r;
  try {
    r = models::check(*m, options);
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "weft: model {}: out of memory; lower --max-states or use smaller --threads/--bound\n",
               m->title());
    return 2;
  }
  fmt::print("{}", models::format_report(m->title(), r));
  if (r.outcome == models::verdict::too_big) {
    fmt::print(stderr, "weft: model {}: {}\n", m->title(), r.message);
    return 2;
  }
  const int status = r.outcome == models::verdict::holds ? 0 : 1;
  note_status(status);
  if (!f.dot.empty() && write_dot(f, *m, r) != 0) return status == 1 ? 1 : 2;
  return status;
}

}  // namespace

subcommand add_model(CLI::App& app, const known& k) {
  auto f = std::make_shared<model_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("model", "check a model of a runtime protocol exhaustively");
  CLI::App* c = sc.app;
  c->add_option("name", f->name, "model name (see `list`, kinds model and model-bug)")->required();
  c->add_option("--threads", f->threads, "actors of the model (what they are depends on the model)")
      ->check(number_value(1, 1000));
  c->add_option("--bound", f->bound, "the model's size bound (tasks, capacity, horizon...)")
      ->check(number_value(1, 1000));
  c->add_option("--max-states", f->max_states,
                "stop with exit 2 beyond this many states (default 1000000, about 400 MB)")
      ->check(number_value(1, 100'000'000));
  c->add_option("--dot", f->dot, "write the state graph (Graphviz dot), counterexample in red");
  c->add_option("--dot-limit", f->dot_limit,
                "draw graphs up to this many states in full; larger ones (or any, with 0) as the "
                "counterexample path and its neighbours (default 400)")
      ->check(number_value(0, 1'000'000));
  c->add_flag("--force", f->force, "overwrite the --dot file if it exists");
  sc.run = [&k, f] { return model_command(k, *f); };
  return sc;
}

}  // namespace weft::cli
