#include "cli/seed_runs.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "cli/known.hpp"
#include "runtime/trace/jsonl.hpp"
#include "runtime/trace/whole_file.hpp"
#include "sim/core/schedule.hpp"
#include "viz/report.hpp"

namespace weft::cli {

std::string millis(std::int64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

std::string run_repro(const std::string& program, const std::string& scenario, std::uint64_t seed) {
  return program + " run " + scenario + " --seed " + sim::format_seed(seed);
}

std::string with_swarm(const std::string& scenario, bool swarm) {
  return swarm && !scenario.ends_with(swarm_suffix) ? scenario + std::string(swarm_suffix) : scenario;
}

std::string failure_trace_path(const std::string& dir, const sim::scenario& s, std::uint64_t seed,
                               const std::string& tag) {
  namespace fs = std::filesystem;
  const std::string stem = s.name + "-" + sim::format_seed(seed) + (tag.empty() ? "" : "-" + tag);
  fs::path p = fs::path(dir) / (stem + ".jsonl");
  for (int i = 1; fs::exists(p); ++i) p = fs::path(dir) / (stem + "-" + std::to_string(i) + ".jsonl");
  return p.string();
}

one_run run_one(const sim::scenario& s, std::uint64_t seed, std::optional<std::chrono::nanoseconds> time_limit,
                keep_trace keep) {
  one_run out;
  sim::world_config config = s.config;
  if (time_limit) config.time_limit = *time_limit;
  sim::world w(seed, config);
  s.setup(w);
  out.report = w.run();
  out.hash = w.trace_hash();
  if (keep == keep_trace::always || (keep == keep_trace::on_failure && !out.report.ok())) out.events = w.trace();
  if (!out.report.ok()) out.choices = w.choices();
  if (w.swarm() != nullptr) out.swarm = w.swarm()->describe();
  return out;
}

void shrink_into(one_run& r, const sim::scenario& s, std::uint64_t seed, const std::string& dir) {
  std::string why;
  r.shrunk = shrink_failing_run(s, r.choices, why);
  if (!r.shrunk) {
    r.shrink_error = why;
    return;
  }
  if (dir.empty()) return;
  const std::string path = failure_trace_path(dir, s, seed, "shrunk");
  if (std::string err = trace::write_whole_file(path, trace::to_jsonl(r.shrunk->events)); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    r.shrunk->trace_error = std::move(err);
  } else {
    r.shrunk->trace_file = path;
  }
}

void save_trace(one_run& r, const std::string& path) {
  if (std::string err = trace::write_whole_file(path, trace::to_jsonl(r.events)); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    r.trace_error = std::move(err);
    return;
  }
  r.trace_file = path;
}

std::string write_seed_report(const std::string& program, const std::string& dir, const sim::scenario& s,
                              std::uint64_t seed, const one_run& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  viz::failure_page p;
  p.title = fmt::format("{} seed={}: {}", s.name, sim::format_seed(seed), sim::outcome_name(r.report.result));
  p.repro = run_repro(program, s.name, seed);
  p.message = r.report.message;
  p.details = r.report.blocked;
  if (!r.swarm.empty()) p.details.push_back("swarm: " + r.swarm);
  const std::string& trace_file = r.shrunk ? r.shrunk->trace_file : r.trace_file;
  if (r.shrunk) {
    // The page draws the shrunk run: the same failure, told with the fewest faults and steps.
    p.title += " (shrunk)";
    p.repro = program + " replay --schedule " + r.shrunk->schedule;
    p.message = r.shrunk->message;
    p.details.push_back("shrunk: " + r.shrunk->story + "; the seed's own run: " + run_repro(program, s.name, seed));
  }
  if (!trace_file.empty()) p.trace_file = std::filesystem::relative(trace_file, dir, ec).string();
  if (std::string err = viz::write_trace_report(dir, p, r.shrunk ? r.shrunk->events : r.events); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
    return err;
  }
  return {};
}

void print_failure(const std::string& program, const sim::scenario& s, std::uint64_t seed, const one_run& r) {
  fmt::print("weft: FAILED {} seed={} ({}): {}\n", s.name, sim::format_seed(seed),
             sim::outcome_name(r.report.result), r.report.message);
  for (const std::string& line : r.report.blocked) fmt::print("    {}\n", line);
  if (!r.swarm.empty()) fmt::print("  swarm:     {}\n", r.swarm);
  const std::string trace = !r.trace_file.empty()    ? r.trace_file
                            : !r.trace_error.empty() ? "(not written: " + r.trace_error + ")"
                                                     : "(not kept)";
  fmt::print("  at virtual time {} after {} steps; trace: {} (hash {})\n", millis(r.report.end_time_ns),
             r.report.steps, trace, sim::format_seed(r.hash));
  fmt::print("  reproduce: {}\n", run_repro(program, s.name, seed));
  // The same run as a schedule: what `explore` shrinks and `replay` takes.
  fmt::print("  schedule:  {} replay --schedule {}\n", program, sim::encode_schedule(s.name, r.choices));
  if (!r.shrink_error.empty()) fmt::print("  shrunk:    not shrunk: {}\n", r.shrink_error);
  if (!r.shrunk) return;
  fmt::print("  shrunk:    {} ({} runs in {:.1f} s)\n", r.shrunk->story, r.shrunk->runs, r.shrunk->seconds);
  fmt::print("  replay:    {} replay --schedule {}\n", program, r.shrunk->schedule);
  const std::string shrunk_trace = !r.shrunk->trace_file.empty()    ? r.shrunk->trace_file
                                   : !r.shrunk->trace_error.empty() ? "(not written: " + r.shrunk->trace_error + ")"
                                                                    : "(not kept)";
  fmt::print("  its trace: {} (hash {})\n", shrunk_trace, sim::format_seed(r.shrunk->hash));
}

}  // namespace weft::cli
