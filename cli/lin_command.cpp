// `weft lin FILE [--format edn|jepsen-log|jsonl] [--model register|cas-register|kv]
//                [--initial V] [--whole] [--explain] [--time-limit D]
//                [--max-configurations N] [--dot FILE | --svg FILE] [--force]`:
// checks a history recorded outside weft for linearizability
// (props/lin_recorded.hpp says what the formats and models mean).
//
// Exit status: 0 linearizable, 1 not linearizable, 2 bad input (one line
// naming the file and line), 3 undecided within the budget.
#include <chrono>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "props/lin_recorded.hpp"
#include "runtime/trace/whole_file.hpp"
#include "viz/render.hpp"

namespace weft::cli {
namespace {

namespace rec = props::recorded;

struct lin_flags {
  std::string file, format, model, initial, time_limit, max_configurations = "1000000", dot, svg;
  bool whole = false;
  bool explain = false;
  bool force = false;
  bool initial_given = false;
};

// The request from the flags; nullopt after one line on stderr.
std::optional<rec::request> request_of(const lin_flags& f) {
  rec::request q;
  if (!f.model.empty()) {
    q.model = rec::model_from_name(f.model);
    if (!q.model) {
      fmt::print(stderr, "weft: --model {}: use register, cas-register or kv\n", f.model);
      return std::nullopt;
    }
  }
  if (f.initial_given) q.initial = f.initial == "nil" ? rec::value{} : rec::value{f.initial};
  q.by_key = !f.whole;
  q.options.max_configurations = count_of(f.max_configurations);
  if (!f.time_limit.empty()) q.options.time_limit = duration_of(f.time_limit);
  q.options.explain = f.explain || !f.dot.empty() || !f.svg.empty();  // a picture needs the explanation
  return q;
}

std::string summary(const rec::recording& r, rec::model_kind m) {
  return fmt::format("{}; {} operations of {} processes, {} with unknown answers, {} pending, {} failed and left out",
                     rec::model_name(m), r.h.size(), r.processes, r.unknown, r.pending, r.left_out);
}

// --dot / --svg: the picture, written whole. 0, or 2 after one line.
int write_picture(const lin_flags& f, const rec::recording& r, const props::lin_result& result) {
  const std::string& path = f.dot.empty() ? f.svg : f.dot;
  std::string text = rec::draw(r, result, std::filesystem::path(f.file).filename().string(), 300);
  if (!f.svg.empty()) {
    std::string error;
    text = viz::render_text(text, "svg", error);
    if (!error.empty()) {
      fmt::print(stderr, "weft: {}\n", error);
      return 2;
    }
  }
  if (const std::string err = trace::write_whole_file(path, text); !err.empty()) {
    fmt::print(stderr, "weft: {}: {}\n", f.dot.empty() ? "--svg" : "--dot", err);
    return 2;
  }
  fmt::print("  picture:   {}\n", path);
  return 0;
}

int lin(const lin_flags& f) {
  if (!f.dot.empty() && !f.svg.empty()) {
    fmt::print(stderr, "weft: --dot and --svg: give one of them\n");
    return 2;
  }
  for (const std::string& out : {f.dot, f.svg}) {
    if (!out.empty() && std::filesystem::exists(out) && !f.force) {
      fmt::print(stderr, "weft: {} already exists; pass --force to overwrite it\n", out);
      return 2;
    }
  }
  std::optional<rec::request> q = request_of(f);
  if (!q) return 2;
  auto read = rec::read_history_file(f.file, f.format.empty() ? std::nullopt : rec::format_from_name(f.format));
  if (auto* err = std::get_if<std::string>(&read)) {
    fmt::print(stderr, "weft: {}\n", *err);
    return 2;
  }
  const rec::recording& r = std::get<rec::recording>(read);
  const auto model = rec::model_for(r, *q);
  if (auto* err = std::get_if<std::string>(&model)) {
    fmt::print(stderr, "weft: {}: {}\n", f.file, *err);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const props::lin_result result = rec::check(r, *q);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int status = result.linearizable ? 0 : result.gave_up ? 3 : 1;
  note_status(status);
  const char* verdict = status == 0 ? "linearizable" : status == 1 ? "NOT linearizable" : "undecided";
  fmt::print("weft lin: {}: {} ({}) in {:.3f} s, {} configurations\n", f.file, verdict,
             summary(r, std::get<rec::model_kind>(model)), secs, result.configurations);
  if (status == 3 || (status == 1 && f.explain)) fmt::print("{}", result.explanation);
  if ((!f.dot.empty() || !f.svg.empty()) && status != 3 && write_picture(f, r, result) != 0) {
    return status == 1 ? 1 : 2;
  }
  return status;
}

}  // namespace

subcommand add_lin(CLI::App& app, const known&) {
  auto f = std::make_shared<lin_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("lin", "check a recorded history (Jepsen EDN, a Jepsen log, JSON Lines) for linearizability");
  CLI::App* c = sc.app;
  c->add_option("file", f->file, "the history")->required();
  c->add_option("--format", f->format, "edn, jepsen-log or jsonl (default: recognised from the first line)")
      ->check(CLI::IsMember({"edn", "jepsen-log", "jsonl"}));
  c->add_option("--model", f->model, "register, cas-register or kv (default: from the operations)");
  c->add_option("--initial", f->initial, "the initial value: registers nil, kv \"\" unless given (nil for nil)");
  c->add_flag("--whole", f->whole, "kv: check the whole map at once instead of key by key");
  c->add_flag("--explain", f->explain, "explain a failure: the shortest failing prefix and where the search got");
  c->add_option("--time-limit", f->time_limit, "wall-clock budget (exit 3 when it runs out)")->check(duration_value());
  c->add_option("--max-configurations", f->max_configurations,
                "configurations one search may remember (default 1000000; exit 3 beyond)")
      ->check(count_value());
  c->add_option("--dot", f->dot, "draw the (partial) linearization as Graphviz dot");
  c->add_option("--svg", f->svg, "draw it as SVG");
  c->add_flag("--force", f->force, "overwrite the --dot or --svg file if it exists");
  sc.run = [f, c] {
    lin_flags flags = *f;
    flags.initial_given = c->count("--initial") > 0;
    return lin(flags);
  };
  return sc;
}

}  // namespace weft::cli
