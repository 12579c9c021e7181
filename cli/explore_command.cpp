// `weft explore NAME [--strategy S] [--iterations N] [--time T] [--seed N]
//                    [--memory sc|weak] [--no-shrink] [--trace-dir D] [--report DIR]`:
// searches a check's interleavings, or a world scenario's whole choice
// sequence (thread switches, latencies, drops, faults, buggify), for a
// failure and shrinks it. With --time and no --iterations the time budget
// alone decides. A progress line runs on stderr; the last line says why
// the search stopped.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/explore_report.hpp"
#include "cli/flags.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "props/explore.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

struct explore_flags {
  std::string check, strategy = "portfolio", iterations, time, seed = "1", trace_dir, report, memory;
  bool no_shrink = false;
};

// The explorer's options from the (checked) flags; nullopt after one line on stderr.
std::optional<props::explore_options> options_of(const known& k, const explore_flags& f) {
  props::explore_options eo;
  std::string error;
  const auto spec = props::parse_strategy(f.strategy, error);
  if (!spec) {
    fmt::print(stderr, "weft: --strategy: {}\n", error);
    return std::nullopt;
  }
  eo.name = f.check;
  eo.strategy = *spec;
  if (!f.time.empty()) {
    eo.time = duration_of(f.time);
    eo.iterations = UINT64_MAX;  // the budget decides, unless --iterations says otherwise
  }
  if (!f.iterations.empty()) eo.iterations = count_of(f.iterations);
  eo.seed = seed_of(f.seed);
  eo.shrink = !f.no_shrink;
  // With a report, the schedule file goes into it.
  eo.trace_dir = !f.report.empty() ? f.report : !f.trace_dir.empty() ? f.trace_dir : default_output_dir;
  if (!f.memory.empty()) eo.weak_memory = f.memory == "weak";
  eo.repro = k.program() + " replay " + (f.memory.empty() ? "" : "--memory " + f.memory + " ") + "--schedule {}";
  eo.interrupt = &interrupted();
  return eo;
}

int explore(const known& k, const explore_flags& f) {
  const std::optional<props::program> program = k.explorable_or_complain(f.check);
  if (!program) return 2;
  std::optional<props::explore_options> eo = options_of(k, f);
  if (!eo) return 2;
  if (!f.report.empty()) {
    if (const std::string err = viz::prepare_report_dir(f.report, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  if (!f.trace_dir.empty() && !std::filesystem::is_directory(f.trace_dir)) {
    fmt::print(stderr, "weft: --trace-dir {}: not a directory\n", f.trace_dir);
    return 2;
  }
  progress_line progress;
  eo->progress = [&](std::uint64_t schedules, std::chrono::nanoseconds elapsed) {
    const double secs = std::chrono::duration<double>(elapsed).count();
    progress.update(fmt::format("weft explore {}: {} schedules ({}), {:.0f} schedules/s", f.check, schedules,
                                f.strategy, secs > 0 ? static_cast<double>(schedules) / secs : 0.0));
  };
  const props::explore_result r = props::explore(*eo, *program);
  note_status(r.failure ? 1 : 0);
  const int status = print_explore_result(r);
  if (!f.report.empty() && status == 1) write_explore_report(k.program(), f.report, f.check, r);
  if (status == 0 && r.stopped == props::stop_reason::interrupted) return 128 + interrupting_signal();
  return status;
}

}  // namespace

subcommand add_explore(CLI::App& app, const known& k) {
  auto f = std::make_shared<explore_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("explore", "search a check's interleavings, or a scenario's choices, for a bug");
  CLI::App* c = sc.app;
  c->add_option("name", f->check, "check or scenario name (see `list`)")->required();
  c->add_option("--strategy", f->strategy, "random, pct:D, dfs:P, replay:SCHEDULE or portfolio (default)");
  c->add_option("--iterations", f->iterations, "schedules to try (default 10000; with --time, no limit)")
      ->check(count_value());
  c->add_option("--time", f->time, "wall-clock budget: 500ms, 30s, 5m, 1h")->check(duration_value());
  c->add_option("--seed", f->seed, "first seed of random and pct (default 1)")->check(seed_value());
  c->add_option("--memory", f->memory, "sc or weak: atomics sequentially consistent or as the C++ memory model allows "
                                       "(default: as the check asks; sc for most)")
      ->check(CLI::IsMember({"sc", "weak"}));
  c->add_flag("--no-shrink", f->no_shrink, "report the schedule as found");
  c->add_option("--trace-dir", f->trace_dir, "where the failing schedule's steps go (an existing folder; default weft-out)");
  c->add_option("--report", f->report,
                "on a failure, write a report (index.html, the interleaving, the schedule) to this new directory");
  sc.run = [&k, f] { return explore(k, *f); };
  return sc;
}

}  // namespace weft::cli
