// `weft replay --schedule S [--memory sc|weak] [--trace-dir D]`: one schedule of a check or a
// world scenario, exactly; a schedule that no longer fits is bad input
// (exit 2). A scenario's replay prints its trace hash, which equals the
// hash `explore` printed for the shrunk run.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "cli/explore_report.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "sim/core/schedule.hpp"

namespace weft::cli {
namespace {

struct replay_flags {
  std::string schedule;
  std::string trace_dir;
  std::string memory;  // as `explore --memory` found the schedule
};

int replay(const known& k, const replay_flags& f) {
  const sim::parsed_schedule parsed = sim::decode_schedule(f.schedule);
  if (!parsed) {
    fmt::print(stderr, "weft: --schedule: {}\n", parsed.error.message);
    return 2;
  }
  const std::string& name = parsed.value->name;
  const std::optional<props::program> program = k.explorable_or_complain(name);
  if (!program) return 2;
  props::explore_options eo;
  eo.name = name;
  eo.strategy.which = props::strategy_spec::kind::replay;
  eo.strategy.schedule = f.schedule;
  eo.shrink = false;
  if (!f.memory.empty()) eo.weak_memory = f.memory == "weak";
  if (!f.trace_dir.empty() && !std::filesystem::is_directory(f.trace_dir)) {
    fmt::print(stderr, "weft: --trace-dir {}: not a directory\n", f.trace_dir);
    return 2;
  }
  eo.trace_dir = f.trace_dir.empty() ? default_output_dir : f.trace_dir;
  const props::explore_result r = props::explore(eo, *program);
  const std::string hash = r.world ? fmt::format(", trace hash {}", sim::format_seed(r.trace_hash)) : "";
  note_status(r.failure && r.failure->kind != sim::outcome::mismatch ? 1 : r.error.empty() ? 0 : 2);
  if (!r.error.empty() || (r.failure && r.failure->kind == sim::outcome::mismatch)) return print_explore_result(r);
  if (!r.failure) {
    fmt::print("weft: replayed {} to the end: no failure{}\n", name, hash);
    return 0;
  }
  const props::explore_failure& failure = *r.failure;
  fmt::print("weft: REPLAYED {} in {} ({} preemption{}, {} steps{})\n  {}\n", sim::outcome_name(failure.kind), name,
             failure.preemptions, failure.preemptions == 1 ? "" : "s", failure.steps, hash, failure.message);
  for (const std::string& b : failure.blocked) fmt::print("    {}\n", b);
  if (!failure.trace_file.empty()) fmt::print("  trace:     {}\n", failure.trace_file);
  if (!failure.trace_error.empty()) fmt::print("  trace:     not written: {}\n", failure.trace_error);
  return 1;
}

}  // namespace

subcommand add_replay(CLI::App& app, const known& k) {
  auto f = std::make_shared<replay_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("replay", "replay one schedule of a check or scenario exactly");
  sc.app->add_option("--schedule", f->schedule, "the schedule (w1:NAME:CHOICES)")->required();
  sc.app->add_option("--memory", f->memory, "sc or weak, as the schedule was found with (default: as the check asks)")
      ->check(CLI::IsMember({"sc", "weak"}));
  sc.app->add_option("--trace-dir", f->trace_dir, "where a failing run's steps go (an existing folder; default weft-out)");
  sc.run = [&k, f] { return replay(k, *f); };
  return sc;
}

}  // namespace weft::cli
