// `weft run SCENARIO [--seed N] [--trace FILE [--force]] [--check-determinism]
//                    [--time-limit D] [--report DIR]`: one seed of a scenario.
//
// Exit 1 when the run fails (whatever else went wrong too), 2 for bad input
// or when a file that was asked for could not be written, else 0. A failing
// run's trace goes to --trace, else into the report, else weft-out/.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/seed_runs.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

struct run_flags {
  std::string scenario;
  std::string seed = "1";
  std::string trace;
  bool force = false;
  bool check_determinism = false;
  std::string time_limit;
  std::string report;
  bool swarm = false;
  bool shrink = false;
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

// Checks the output paths before anything runs; "" or the one line to print.
std::string check_outputs(const run_flags& f) {
  if (!f.trace.empty() && std::filesystem::exists(f.trace) && !f.force) {
    return fmt::format("--trace {} already exists; pass --force to overwrite it", f.trace);
  }
  if (!f.report.empty()) return viz::prepare_report_dir(f.report, false);
  return {};
}

// Where a failing run's trace goes when --trace does not say.
std::string failure_dir(const run_flags& f) { return f.report.empty() ? default_output_dir : f.report; }

int failed(const known& k, const run_flags& f, const sim::scenario& s, std::uint64_t seed, one_run& r) {
  note_status(1);
  if (f.trace.empty()) {
    if (const std::string err = make_output_dir(failure_dir(f), f.report.empty() ? "output" : "--report");
        !err.empty()) {
      r.trace_error = err;
      fmt::print(stderr, "weft: {}\n", err);
    } else {
      save_trace(r, failure_trace_path(failure_dir(f), s, seed));
    }
  }
  if (f.shrink) shrink_into(r, s, seed, r.trace_file.empty() ? "" : failure_dir(f));
  print_failure(k.program(), s, seed, r);
  if (!f.report.empty() && write_seed_report(k.program(), f.report, s, seed, r).empty()) {
    fmt::print("  report:    {}\n", (std::filesystem::path(f.report) / "index.html").string());
  }
  return 1;
}

int run(const known& k, const run_flags& f) {
  const sim::scenario* s = k.scenario_or_complain(with_swarm(f.scenario, f.swarm));
  if (s == nullptr) return 2;
  if (const std::string err = check_outputs(f); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    return 2;
  }
  const std::uint64_t seed = seed_of(f.seed);
  if (f.check_determinism && determinism_check(*s, seed) != 0) return 1;
  const std::optional<std::chrono::nanoseconds> limit =
      f.time_limit.empty() ? std::nullopt : std::optional(duration_of(f.time_limit));
  one_run r = run_one(*s, seed, limit, f.trace.empty() ? keep_trace::on_failure : keep_trace::always);
  if (!f.trace.empty()) save_trace(r, f.trace);
  if (!r.report.ok()) return failed(k, f, *s, seed, r);
  fmt::print("weft: ok {} seed={}: virtual time {}, {} steps, trace hash {}{}\n", s->name, sim::format_seed(seed),
             millis(r.report.end_time_ns), r.report.steps, sim::format_seed(r.hash),
             r.trace_file.empty() ? "" : "; trace: " + r.trace_file);
  return r.trace_error.empty() ? 0 : 2;
}

}  // namespace

subcommand add_run(CLI::App& app, const known& k) {
  auto f = std::make_shared<run_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("run", "run one scenario for one seed");
  CLI::App* c = sc.app;
  c->add_option("scenario", f->scenario, "scenario name (see `list`)")->required();
  c->add_option("--seed", f->seed, "seed, decimal or 0x-hex (default 1)")->check(seed_value());
  c->add_option("--trace", f->trace, "write the trace (JSON Lines) here");
  c->add_flag("--force", f->force, "overwrite the --trace file if it exists");
  c->add_flag("--check-determinism", f->check_determinism, "run twice and compare the traces first");
  c->add_flag("--swarm", f->swarm, swarm_help);
  c->add_flag("--shrink", f->shrink, shrink_help);
  c->add_option("--time-limit", f->time_limit, "virtual time after which the run is a timeout failure")
      ->check(duration_value());
  c->add_option("--report", f->report,
                "on a failure, write a report (index.html, pictures, trace) to this new or empty directory");
  sc.run = [&k, f] { return run(k, *f); };
  return sc;
}

}  // namespace weft::cli
