// `weft explore CHECK [--strategy S] [--iterations N] [--time T] [--seed N]
//                     [--no-shrink] [--trace-dir D] [--report DIR]`:
// searches a check's interleavings for a failure and shrinks it.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/explore_report.hpp"
#include "cli/flags.hpp"
#include "cli/subcommand.hpp"
#include "props/explore.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

struct explore_flags {
  std::string check, strategy = "portfolio", iterations, time, seed = "1", trace_dir = ".", report;
  bool no_shrink = false;
};

// The explorer's options from the flags; nullopt after one line on stderr.
std::optional<props::explore_options> options_of(const known& k, const props::check& c, const explore_flags& f) {
  props::explore_options eo;
  std::string error;
  const auto spec = props::parse_strategy(f.strategy, error);
  if (!spec) {
    fmt::print(stderr, "weft: --strategy: {}\n", error);
    return std::nullopt;
  }
  eo.name = c.name;
  eo.strategy = *spec;
  if (!f.iterations.empty() && !read_count("--iterations", f.iterations, eo.iterations)) return std::nullopt;
  if (!f.time.empty()) {
    std::chrono::nanoseconds d{};
    if (!read_duration("--time", f.time, d)) return std::nullopt;
    eo.time = d;
  }
  if (!read_seed("--seed", f.seed, eo.seed)) return std::nullopt;
  eo.shrink = !f.no_shrink;
  eo.trace_dir = f.report.empty() ? f.trace_dir : f.report;  // with a report, the schedule file goes into it
  eo.repro = k.program() + " replay --schedule {}";
  return eo;
}

int explore(const known& k, const explore_flags& f) {
  const props::check* c = k.check_or_complain(f.check);
  if (c == nullptr) return 2;
  const std::optional<props::explore_options> eo = options_of(k, *c, f);
  if (!eo) return 2;
  if (!f.report.empty()) {
    if (const std::string err = viz::prepare_report_dir(f.report, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  const props::explore_result r = props::explore(*eo, c->body);
  const int status = print_explore_result(r);
  if (!f.report.empty() && status == 1) write_explore_report(k.program(), f.report, *c, r);
  return status;
}

}  // namespace

subcommand add_explore(CLI::App& app, const known& k) {
  auto f = std::make_shared<explore_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("explore", "search a check's interleavings for a bug");
  CLI::App* c = sc.app;
  c->add_option("check", f->check, "check name (see `list`)")->required();
  c->add_option("--strategy", f->strategy, "random, pct:D, dfs:P, replay:SCHEDULE or portfolio (default)");
  c->add_option("--iterations", f->iterations, "schedules to try (default 10000)");
  c->add_option("--time", f->time, "wall-clock budget: 500ms, 30s, 5m, 1h");
  c->add_option("--seed", f->seed, "first seed of random and pct (default 1)");
  c->add_flag("--no-shrink", f->no_shrink, "report the schedule as found");
  c->add_option("--trace-dir", f->trace_dir, "where the failing schedule's steps go (default .)");
  c->add_option("--report", f->report,
                "on a failure, write a report (index.html, the interleaving, the schedule) to this new directory");
  sc.run = [&k, f] { return explore(k, *f); };
  return sc;
}

}  // namespace weft::cli
