// The `weft` command: list the scenarios, run one by seed, fuzz many seeds.
//
//   weft list
//   weft run SCENARIO [--seed N] [--trace FILE] [--check-determinism] [--time-limit D]
//   weft fuzz SCENARIO [--seeds N | --time 30s] [--shard K/N] [--junit FILE] [--time-limit D]
//   weft explore CHECK [--strategy S] [--iterations N] [--time T] [--seed N] [--no-shrink] [--trace-dir D]
//   weft replay --schedule S [--trace-dir D]
//   weft model NAME [--threads N] [--bound B] [--dot FILE] [--dot-limit N] [--force]
//   weft viz INPUT --view VIEW -o FILE [--from X] [--to X] [--host N] [--task N] [--max-nodes N] [--force]
//
// Exit status: 0 clean, 1 a bug was found, 2 bad usage or input (one line
// on stderr saying what was wrong).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "sim/world/scenario.hpp"

namespace {

using namespace weft;

// CLI11 reports its own parse errors over several lines; weft promises one.
int usage_error(const CLI::Error& e) {
  std::string what = e.what();
  for (char& c : what) {
    if (c == '\n') c = ' ';
  }
  fmt::print(stderr, "weft: {} (see weft --help)\n", what);
  return 2;
}

std::optional<std::chrono::nanoseconds> virtual_limit(const std::string& text) {
  const auto t = cli::parse_duration(text);
  if (!t || t->count() <= 0) {
    fmt::print(stderr, "weft: --time-limit {}: not a duration (use 500ms, 30s, 5m or 1h)\n", text);
    return std::nullopt;
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weft: run async programs in a deterministic world, by seed"};
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return std::string(e.what()); });

  app.add_subcommand("list", "the scenarios weft knows: NAME<TAB>kind<TAB>description");

  cli::run_options run;
  std::string run_seed = "1";
  std::string run_trace;
  auto* run_cmd = app.add_subcommand("run", "run one scenario for one seed");
  run_cmd->add_option("scenario", run.scenario, "scenario name (see `weft list`)")->required();
  run_cmd->add_option("--seed", run_seed, "seed, decimal or 0x-hex (default 1)");
  run_cmd->add_option("--trace", run_trace, "write the trace (JSON Lines) here");
  run_cmd->add_flag("--force", run.force, "overwrite the --trace file if it exists");
  run_cmd->add_flag("--check-determinism", run.check_determinism, "run twice and compare the traces first");
  std::string run_limit;
  run_cmd->add_option("--time-limit", run_limit, "virtual time after which the run is a timeout failure");
  std::string run_report;
  run_cmd->add_option("--report", run_report, "on a failure, write a report (index.html, pictures, trace) to this new directory");

  cli::fuzz_options fuzz;
  std::string fuzz_from = "1";
  std::uint64_t fuzz_seeds = 0;
  std::string fuzz_time;
  std::string fuzz_shard = "1/1";
  std::string fuzz_junit;
  auto* fuzz_cmd = app.add_subcommand("fuzz", "run a scenario for many seeds, reporting failing ones");
  fuzz_cmd->add_option("scenario", fuzz.scenario, "scenario name (see `weft list`)")->required();
  auto* seeds_opt = fuzz_cmd->add_option("--seeds", fuzz_seeds, "how many seeds (default 100)");
  auto* time_opt = fuzz_cmd->add_option("--time", fuzz_time, "wall-clock budget: 500ms, 30s, 5m, 1h");
  fuzz_cmd->add_option("--from", fuzz_from, "first seed (default 1)");
  fuzz_cmd->add_option("--shard", fuzz_shard, "run shard K of N (seed positions p with p % N == K-1)");
  fuzz_cmd->add_option("--junit", fuzz_junit, "write a JUnit XML report here");
  fuzz_cmd->add_option("--trace-dir", fuzz.trace_dir, "where failing seeds' traces go (default .)");
  std::string fuzz_report;
  fuzz_cmd->add_option("--report", fuzz_report,
                       "write a report of each failing seed (and its trace) to this new directory");
  fuzz_cmd->add_flag("--keep-going", fuzz.keep_going, "do not stop at the first failing seed");
  std::string fuzz_limit;
  fuzz_cmd->add_option("--time-limit", fuzz_limit, "virtual time after which a seed's run is a timeout failure");
  (void)seeds_opt;
  (void)time_opt;

  cli::explore_cli_options explore;
  std::uint64_t explore_iterations = 0;
  std::string explore_time;
  std::string explore_seed = "1";
  bool explore_no_shrink = false;
  auto* explore_cmd = app.add_subcommand("explore", "search a check's interleavings for a bug");
  explore_cmd->add_option("check", explore.check, "check name (see `weft list`)")->required();
  explore_cmd->add_option("--strategy", explore.strategy,
                          "random, pct:D, dfs:P, replay:SCHEDULE or portfolio (default)");
  explore_cmd->add_option("--iterations", explore_iterations, "schedules to try (default 10000)");
  explore_cmd->add_option("--time", explore_time, "wall-clock budget: 500ms, 30s, 5m, 1h");
  explore_cmd->add_option("--seed", explore_seed, "first seed of random and pct (default 1)");
  explore_cmd->add_flag("--no-shrink", explore_no_shrink, "report the schedule as found");
  explore_cmd->add_option("--trace-dir", explore.trace_dir, "where the failing schedule's steps go (default .)");
  std::string explore_report;
  explore_cmd->add_option("--report", explore_report,
                          "on a failure, write a report (index.html, the interleaving, the schedule) to this new directory");

  std::string replay_schedule;
  std::string replay_trace_dir = ".";
  auto* replay_cmd = app.add_subcommand("replay", "replay one schedule of a check exactly");
  replay_cmd->add_option("--schedule", replay_schedule, "the schedule (w1:NAME:CHOICES)")->required();
  replay_cmd->add_option("--trace-dir", replay_trace_dir, "where its steps go (default .)");

  cli::model_options model_opts;
  int model_threads = 0;
  int model_bound = 0;
  std::string model_dot;
  auto* model_cmd = app.add_subcommand("model", "check a model of a runtime protocol exhaustively");
  model_cmd->add_option("name", model_opts.name, "model name (see `weft list`, kinds model and model-bug)")
      ->required();
  model_cmd->add_option("--threads", model_threads, "actors of the model (what they are depends on the model)");
  model_cmd->add_option("--bound", model_bound, "the model's size bound (tasks, capacity, horizon...)");
  model_cmd->add_option("--dot", model_dot, "write the state graph (Graphviz dot), counterexample in red");
  model_cmd->add_option("--dot-limit", model_opts.dot_limit,
                        "draw graphs up to this many states in full; larger ones (or any, with 0) as the "
                        "counterexample path and its neighbours (default 400)");
  model_cmd->add_flag("--force", model_opts.force, "overwrite the --dot file if it exists");

  cli::viz_options viz;
  std::string viz_from, viz_to;
  std::uint32_t viz_host = 0;
  std::uint64_t viz_task = 0;
  auto* viz_cmd = app.add_subcommand("viz", "render a trace, a schedule or a model as a picture or a Perfetto timeline");
  viz_cmd->add_option("input", viz.input,
                      "a trace (.jsonl), an explorer schedule file (.schedule.jsonl), or a model name")
      ->required();
  viz_cmd->add_option("--view", viz.view, "spacetime, tasks, workers, interleaving, model or perfetto")->required();
  viz_cmd->add_option("-o,--output", viz.output, "the file to write: .svg, .png or .dot (perfetto: .json)")
      ->required();
  viz_cmd->add_option("--from", viz_from, "start at this step, or this virtual time (5ms)");
  viz_cmd->add_option("--to", viz_to, "end at this step, or this virtual time");
  viz_cmd->add_option("--host", viz_host, "only this host's events");
  viz_cmd->add_option("--task", viz_task, "tasks and workers views: this task and its neighbours");
  viz_cmd->add_option("--lanes", viz.lanes, "spacetime: one lane per host (default) or per thread");
  viz_cmd->add_option("--max-nodes", viz.max_nodes, "size limit; larger views keep the last items (default 300)");
  viz_cmd->add_flag("--force", viz.force, "overwrite the output file if it exists");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Error& e) {
    return usage_error(e);
  }

  if (app.got_subcommand("list")) return cli::list_command();

  if (viz_cmd->parsed()) {
    if (!viz_from.empty()) viz.from = viz_from;
    if (!viz_to.empty()) viz.to = viz_to;
    if (viz_cmd->count("--host") > 0) viz.host = viz_host;
    if (viz_cmd->count("--task") > 0) viz.task = viz_task;
    return cli::viz_command(viz);
  }

  if (model_cmd->parsed()) {
    if (model_cmd->count("--threads") > 0) model_opts.threads = model_threads;
    if (model_cmd->count("--bound") > 0) model_opts.bound = model_bound;
    if (!model_dot.empty()) model_opts.dot_path = model_dot;
    return cli::model_command(model_opts);
  }

  if (run_cmd->parsed()) {
    const auto seed = sim::parse_seed(run_seed);
    if (!seed) {
      fmt::print(stderr, "weft: --seed {}: not a seed (a decimal or 0x-hex 64-bit number)\n", run_seed);
      return 2;
    }
    run.seed = *seed;
    if (!run_limit.empty()) {
      run.time_limit = virtual_limit(run_limit);
      if (!run.time_limit) return 2;
    }
    if (!run_trace.empty()) run.trace_path = run_trace;
    if (!run_report.empty()) run.report_dir = run_report;
    return cli::run_command(run);
  }

  if (explore_cmd->parsed()) {
    if (explore_cmd->count("--iterations") > 0) {
      if (explore_iterations == 0) {
        fmt::print(stderr, "weft: --iterations 0: give at least one\n");
        return 2;
      }
      explore.iterations = explore_iterations;
    }
    if (!explore_time.empty()) {
      const auto t = cli::parse_duration(explore_time);
      if (!t || t->count() <= 0) {
        fmt::print(stderr, "weft: --time {}: not a duration (use 500ms, 30s, 5m or 1h)\n", explore_time);
        return 2;
      }
      explore.time = *t;
    }
    const auto seed = sim::parse_seed(explore_seed);
    if (!seed) {
      fmt::print(stderr, "weft: --seed {}: not a seed (a decimal or 0x-hex 64-bit number)\n", explore_seed);
      return 2;
    }
    explore.seed = *seed;
    explore.shrink = !explore_no_shrink;
    if (!explore_report.empty()) explore.report_dir = explore_report;
    return cli::explore_command(explore);
  }

  if (replay_cmd->parsed()) return cli::replay_command(replay_schedule, replay_trace_dir);

  const auto from = sim::parse_seed(fuzz_from);
  if (!from) {
    fmt::print(stderr, "weft: --from {}: not a seed (a decimal or 0x-hex 64-bit number)\n", fuzz_from);
    return 2;
  }
  fuzz.first_seed = *from;
  if (!fuzz_limit.empty()) {
    fuzz.time_limit = virtual_limit(fuzz_limit);
    if (!fuzz.time_limit) return 2;
  }
  if (fuzz_cmd->count("--seeds") > 0) {
    if (fuzz_seeds == 0) {
      fmt::print(stderr, "weft: --seeds 0: give at least one seed\n");
      return 2;
    }
    fuzz.seeds = fuzz_seeds;
  }
  if (!fuzz_time.empty()) {
    const auto t = cli::parse_duration(fuzz_time);
    if (!t || t->count() <= 0) {
      fmt::print(stderr, "weft: --time {}: not a duration (use 500ms, 30s, 5m or 1h)\n", fuzz_time);
      return 2;
    }
    fuzz.time = *t;
  }
  const auto shard = cli::parse_shard(fuzz_shard);
  if (!shard) {
    fmt::print(stderr, "weft: --shard {}: expected K/N with 1 <= K <= N (e.g. 2/4)\n", fuzz_shard);
    return 2;
  }
  fuzz.part = *shard;
  if (!fuzz_junit.empty()) fuzz.junit_path = fuzz_junit;
  if (!fuzz_report.empty()) fuzz.report_dir = fuzz_report;
  return cli::fuzz_command(fuzz);
}
