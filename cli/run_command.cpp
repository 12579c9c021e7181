// `weft run SCENARIO [--seed N] [--trace FILE [--force]] [--check-determinism]
//                    [--time-limit D] [--report DIR]`: one seed of a scenario.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/seed_runs.hpp"
#include "cli/subcommand.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

struct run_options {
  std::string scenario;
  std::string seed = "1";
  std::string trace;
  bool force = false;
  bool check_determinism = false;
  std::string time_limit;
  std::string report;
};

int determinism_check(const sim::scenario& s, std::uint64_t seed) {
  if (auto d = sim::check_determinism(s, seed)) {
    fmt::print("weft: determinism check FAILED for {} seed={}: {}\n", s.name, sim::format_seed(seed), d->describe());
    return 1;
  }
  fmt::print("weft: determinism check passed for {} seed={}: two runs, identical traces\n", s.name,
             sim::format_seed(seed));
  return 0;
}

int run(const known& k, const run_options& o) {
  const sim::scenario* s = k.scenario_or_complain(o.scenario);
  if (s == nullptr) return 2;
  std::uint64_t seed = 0;
  if (!read_seed("--seed", o.seed, seed)) return 2;
  std::optional<std::chrono::nanoseconds> limit;
  if (!o.time_limit.empty()) {
    std::chrono::nanoseconds d{};
    if (!read_duration("--time-limit", o.time_limit, d)) return 2;
    limit = d;
  }
  if (!o.trace.empty() && std::filesystem::exists(o.trace) && !o.force) {
    fmt::print(stderr, "weft: --trace {} already exists; pass --force to overwrite it\n", o.trace);
    return 2;
  }
  const bool report_is_new = !o.report.empty() && !std::filesystem::exists(o.report);
  if (!o.report.empty()) {
    if (const std::string err = viz::prepare_report_dir(o.report, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  if (o.check_determinism && determinism_check(*s, seed) != 0) return 1;
  if (!o.report.empty()) {
    if (const std::string err = viz::prepare_report_dir(o.report, true); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  // With a report, a failing run's trace goes into the report.
  const std::optional<std::string> trace_path = o.trace.empty() ? std::nullopt : std::optional(o.trace);
  const one_run r = run_one(*s, seed, trace_path, o.report.empty() ? "." : o.report, limit);
  if (!r.report.ok()) {
    print_failure(k.program(), *s, seed, r);
    if (!o.report.empty()) write_seed_report(k.program(), o.report, *s, seed, r);
    return 1;
  }
  if (report_is_new) {
    std::error_code ec;
    std::filesystem::remove(o.report, ec);  // made by this run, still empty: nothing to report
  }
  fmt::print("weft: ok {} seed={}: virtual time {}, {} steps, trace hash {}{}\n", s->name, sim::format_seed(seed),
             millis(r.report.end_time_ns), r.report.steps, sim::format_seed(r.hash),
             r.trace_file.empty() ? "" : "; trace: " + r.trace_file);
  return r.trace_failed ? 2 : 0;
}

}  // namespace

subcommand add_run(CLI::App& app, const known& k) {
  auto o = std::make_shared<run_options>();
  subcommand sc;
  sc.app = app.add_subcommand("run", "run one scenario for one seed");
  sc.app->add_option("scenario", o->scenario, "scenario name (see `list`)")->required();
  sc.app->add_option("--seed", o->seed, "seed, decimal or 0x-hex (default 1)");
  sc.app->add_option("--trace", o->trace, "write the trace (JSON Lines) here");
  sc.app->add_flag("--force", o->force, "overwrite the --trace file if it exists");
  sc.app->add_flag("--check-determinism", o->check_determinism, "run twice and compare the traces first");
  sc.app->add_option("--time-limit", o->time_limit, "virtual time after which the run is a timeout failure");
  sc.app->add_option("--report", o->report,
                     "on a failure, write a report (index.html, pictures, trace) to this new directory");
  sc.run = [&k, o] { return run(k, *o); };
  return sc;
}

}  // namespace weft::cli
