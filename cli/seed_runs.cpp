#include "cli/seed_runs.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "viz/report.hpp"
#include "viz/trace_reader.hpp"

namespace weft::cli {

std::string fresh_path(const std::string& dir, const std::string& stem, const std::string& ext) {
  namespace fs = std::filesystem;
  fs::path p = fs::path(dir) / (stem + ext);
  for (int i = 1; fs::exists(p); ++i) p = fs::path(dir) / (stem + "-" + std::to_string(i) + ext);
  return p.string();
}

std::string millis(std::int64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

std::string run_repro(const std::string& program, const std::string& scenario, std::uint64_t seed) {
  return program + " run " + scenario + " --seed " + sim::format_seed(seed);
}

one_run run_one(const sim::scenario& s, std::uint64_t seed, const std::optional<std::string>& trace_path,
                const std::string& trace_dir, std::optional<std::chrono::nanoseconds> time_limit) {
  one_run out;
  sim::world_config config = s.config;
  if (time_limit) config.time_limit = *time_limit;
  sim::world w(seed, config);
  s.setup(w);
  out.report = w.run();
  out.hash = w.trace_hash();
  std::string path;
  if (trace_path) {
    path = *trace_path;
  } else if (!out.report.ok()) {
    path = fresh_path(trace_dir, "weft-" + s.name + "-" + sim::format_seed(seed), ".jsonl");
  }
  if (!path.empty()) {
    if (const std::string err = w.save_trace(path); err.empty()) {
      out.trace_file = path;
    } else {
      out.trace_failed = true;
      fmt::print(stderr, "weft: {}\n", err);
    }
  }
  return out;
}

void write_seed_report(const std::string& program, const std::string& dir, const sim::scenario& s,
                       std::uint64_t seed, const one_run& r) {
  if (r.trace_file.empty()) return;
  viz::read_result t = viz::read_trace_file(r.trace_file);
  if (!t) {
    fmt::print(stderr, "weft: report: cannot read back {}: {}\n", r.trace_file, t.error().message);
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  viz::failure_page p;
  p.title = fmt::format("{} seed={}: {}", s.name, sim::format_seed(seed), sim::outcome_name(r.report.result));
  p.repro = run_repro(program, s.name, seed);
  p.message = r.report.message;
  p.details = r.report.blocked;
  p.trace_file = std::filesystem::relative(r.trace_file, dir, ec).string();
  if (const std::string err = viz::write_trace_report(dir, p, t.value().events); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
    return;
  }
  fmt::print("  report:    {}\n", (std::filesystem::path(dir) / "index.html").string());
}

void print_failure(const std::string& program, const sim::scenario& s, std::uint64_t seed, const one_run& r) {
  fmt::print("weft: FAILED {} seed={} ({}): {}\n", s.name, sim::format_seed(seed),
             sim::outcome_name(r.report.result), r.report.message);
  for (const std::string& line : r.report.blocked) fmt::print("    {}\n", line);
  fmt::print("  at virtual time {} after {} steps; trace: {} (hash {})\n", millis(r.report.end_time_ns),
             r.report.steps, r.trace_file.empty() ? "(not written)" : r.trace_file, sim::format_seed(r.hash));
  fmt::print("  reproduce: {}\n", run_repro(program, s.name, seed));
}

}  // namespace weft::cli
