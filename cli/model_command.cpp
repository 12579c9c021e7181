// `weft model NAME [--threads N] [--bound B] [--dot FILE] [--force]`:
// explores a model of the runtime's protocols exhaustively (models/).
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/model.hpp"

namespace weft::cli {

namespace {

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

}  // namespace

int model_command(const model_options& o) {
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

}  // namespace weft::cli
