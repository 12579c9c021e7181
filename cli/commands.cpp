#include "cli/commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include "examples/bugs/catalogue.hpp"
#include "examples/scenarios/registry.hpp"
#include "models/model.hpp"
#include "viz/report.hpp"
#include "viz/trace_reader.hpp"
#include "props/explore.hpp"
#include "sim/core/schedule.hpp"
#include "runtime/trace/jsonl.hpp"
#include "sim/world/scenario.hpp"

namespace weft::cli {
namespace {

using steady = std::chrono::steady_clock;

std::string known_scenarios() {
  std::string out;
  for (const sim::scenario& s : examples::scenarios()) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

const sim::scenario* find_or_complain(const std::string& name) {
  const sim::scenario* s = examples::find_scenario(name);
  if (s == nullptr && examples::find_check(name) != nullptr) {
    fmt::print(stderr, "weft: '{}' is a check of the bug catalogue, not a scenario: use `weft explore {}`\n", name,
               name);
  } else if (s == nullptr) {
    fmt::print(stderr, "weft: unknown scenario '{}' (known: {}; see `weft list`)\n", name, known_scenarios());
  }
  return s;
}

// A file name in `dir` that does not exist yet: base, then base-1, base-2...
std::string fresh_path(const std::string& dir, const std::string& stem, const std::string& ext) {
  namespace fs = std::filesystem;
  fs::path p = fs::path(dir) / (stem + ext);
  for (int i = 1; fs::exists(p); ++i) p = fs::path(dir) / (stem + "-" + std::to_string(i) + ext);
  return p.string();
}

std::string millis(std::int64_t ns) { return fmt::format("{:.3f} ms", static_cast<double>(ns) / 1e6); }

std::string repro(const std::string& scenario, std::uint64_t seed) {
  return "weft run " + scenario + " --seed " + sim::format_seed(seed);
}

struct one_run {
  sim::run_report report;
  std::uint64_t hash = 0;
  std::string trace_file;  // empty if none was written
};

// Runs one seed; writes the trace to `trace_path` if given, else to a fresh
// file in `trace_dir` when the run fails.
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
    if (w.write_trace(path)) {
      out.trace_file = path;
    } else {
      fmt::print(stderr, "weft: could not write the trace to {}\n", path);
    }
  }
  return out;
}

// The report of one failing seed in `dir`; the trace is `trace_file`.
void write_seed_report(const std::string& dir, const sim::scenario& s, std::uint64_t seed, const one_run& r) {
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
  p.repro = repro(s.name, seed);
  p.message = r.report.message;
  p.details = r.report.blocked;
  p.trace_file = std::filesystem::relative(r.trace_file, dir, ec).string();
  if (const std::string err = viz::write_trace_report(dir, p, t.value().events); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
    return;
  }
  fmt::print("  report:    {}\n", (std::filesystem::path(dir) / "index.html").string());
}

void print_failure(const sim::scenario& s, std::uint64_t seed, const one_run& r) {
  fmt::print("weft: FAILED {} seed={} ({}): {}\n", s.name, sim::format_seed(seed),
             sim::outcome_name(r.report.result), r.report.message);
  for (const std::string& line : r.report.blocked) fmt::print("    {}\n", line);
  fmt::print("  at virtual time {} after {} steps; trace: {} (hash {})\n", millis(r.report.end_time_ns),
             r.report.steps, r.trace_file.empty() ? "(not written)" : r.trace_file, sim::format_seed(r.hash));
  fmt::print("  reproduce: {}\n", repro(s.name, seed));
}

}  // namespace

int list_command() {
  for (const sim::scenario& s : examples::scenarios()) {
    fmt::print("{}\t{}\t{}\n", s.name, s.kind, s.description);
  }
  for (const examples::check& c : examples::checks()) {
    fmt::print("{}\t{}\t{}\n", c.name, c.kind, c.description);
  }
  for (const models::model_entry& m : models::catalogue()) {
    fmt::print("{}\t{}\t{}\n", m.name, m.kind, m.description);
  }
  return 0;
}

int run_command(const run_options& o) {
  const sim::scenario* s = find_or_complain(o.scenario);
  if (s == nullptr) return 2;
  if (o.trace_path && std::filesystem::exists(*o.trace_path) && !o.force) {
    fmt::print(stderr, "weft: --trace {} already exists; pass --force to overwrite it\n", *o.trace_path);
    return 2;
  }
  if (o.check_determinism) {
    if (auto d = sim::check_determinism(*s, o.seed)) {
      fmt::print("weft: determinism check FAILED for {} seed={}: {}\n", s->name, sim::format_seed(o.seed),
                 d->describe());
      return 1;
    }
    fmt::print("weft: determinism check passed for {} seed={}: two runs, identical traces\n", s->name,
               sim::format_seed(o.seed));
  }
  if (o.report_dir) {
    if (const std::string err = viz::prepare_report_dir(*o.report_dir, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  // With a report, a failing run's trace goes into the report.
  std::optional<std::string> trace_path = o.trace_path;
  const std::string trace_dir = o.report_dir.value_or(".");
  if (o.report_dir) {
    std::error_code ec;
    if (!std::filesystem::create_directories(*o.report_dir, ec) && ec) {
      fmt::print(stderr, "weft: --report {}: cannot create it: {}\n", *o.report_dir, ec.message());
      return 2;
    }
  }
  const one_run r = run_one(*s, o.seed, trace_path, trace_dir, o.time_limit);
  if (!r.report.ok()) {
    print_failure(*s, o.seed, r);
    if (o.report_dir) write_seed_report(*o.report_dir, *s, o.seed, r);
    return 1;
  }
  if (o.report_dir) {
    std::error_code ec;
    std::filesystem::remove(*o.report_dir, ec);  // removes it only if still empty: nothing to report
  }
  fmt::print("weft: ok {} seed={}: virtual time {}, {} steps, trace hash {}{}\n", s->name,
             sim::format_seed(o.seed), millis(r.report.end_time_ns), r.report.steps, sim::format_seed(r.hash),
             r.trace_file.empty() ? "" : "; trace: " + r.trace_file);
  return 0;
}

int fuzz_command(const fuzz_options& o) {
  const sim::scenario* s = find_or_complain(o.scenario);
  if (s == nullptr) return 2;
  if (!std::filesystem::is_directory(o.trace_dir)) {
    fmt::print(stderr, "weft: --trace-dir {}: not a directory\n", o.trace_dir);
    return 2;
  }
  if (o.junit_path && std::filesystem::exists(*o.junit_path)) {
    fmt::print(stderr, "weft: --junit {} already exists; remove it or choose another path\n", *o.junit_path);
    return 2;
  }
  if (o.report_dir) {
    if (const std::string err = viz::prepare_report_dir(*o.report_dir, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
  }
  const std::string trace_dir = o.report_dir.value_or(o.trace_dir);
  if (o.report_dir) {
    std::error_code ec;
    if (!std::filesystem::create_directories(*o.report_dir, ec) && ec) {
      fmt::print(stderr, "weft: --report {}: cannot create it: {}\n", *o.report_dir, ec.message());
      return 2;
    }
  }
  const std::uint64_t seeds = o.seeds.value_or(o.time ? UINT64_MAX : 100);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  const auto start = steady::now();
  auto last_report = start;

  struct record {
    std::uint64_t seed;
    double secs;
    std::optional<one_run> failure;
  };
  std::vector<record> runs;
  std::size_t failures = 0;

  auto progress = [&](bool final) {
    const double secs = std::chrono::duration<double>(steady::now() - start).count();
    const std::string line = fmt::format("weft fuzz {}: {} seeds, {} failure{}, {:.0f} seeds/s", s->name, runs.size(),
                                         failures, failures == 1 ? "" : "s", secs > 0 ? runs.size() / secs : 0.0);
    if (tty) {
      fmt::print(stderr, "\r{}{}", line, final ? "\n" : "");
    } else {
      fmt::print(stderr, "{}\n", line);
    }
  };

  for (std::uint64_t position = 0; position < seeds; ++position) {
    if (!o.part.owns(position)) continue;
    if (o.time && steady::now() - start >= *o.time) break;
    const std::uint64_t seed = o.first_seed + position;
    const auto t0 = steady::now();
    one_run r = run_one(*s, seed, std::nullopt, trace_dir, o.time_limit);
    record rec{seed, std::chrono::duration<double>(steady::now() - t0).count(), std::nullopt};
    if (!r.report.ok()) {
      ++failures;
      rec.failure = std::move(r);
    }
    runs.push_back(std::move(rec));
    const auto now = steady::now();
    if (now - last_report >= (tty ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000))) {
      progress(false);
      last_report = now;
    }
    if (failures > 0 && !o.keep_going) break;
  }
  progress(true);

  const double total = std::chrono::duration<double>(steady::now() - start).count();
  fmt::print("weft: fuzz {}: {} seeds in {:.2f} s ({:.0f} seeds/s), {} failure{}\n", s->name, runs.size(), total,
             total > 0 ? runs.size() / total : 0.0, failures, failures == 1 ? "" : "s");
  std::vector<std::pair<std::string, std::string>> pages;
  for (const record& rec : runs) {
    if (!rec.failure) continue;
    print_failure(*s, rec.seed, *rec.failure);
    if (o.report_dir) {
      const std::string sub = s->name + "-" + sim::format_seed(rec.seed);
      write_seed_report((std::filesystem::path(*o.report_dir) / sub).string(), *s, rec.seed, *rec.failure);
      pages.emplace_back(sub + "/index.html", fmt::format("seed {}: {}", sim::format_seed(rec.seed),
                                                          rec.failure->report.message));
    }
  }
  if (o.report_dir) {
    if (pages.empty()) {
      std::error_code ec;
      std::filesystem::remove(*o.report_dir, ec);  // still empty: nothing to report
    } else if (const std::string err = viz::write_index(
                   *o.report_dir, fmt::format("weft fuzz {}: {} failing seed{}", s->name, pages.size(),
                                              pages.size() == 1 ? "" : "s"),
                   pages);
               !err.empty()) {
      fmt::print(stderr, "weft: report: {}\n", err);
    } else {
      fmt::print("  report:    {}\n", (std::filesystem::path(*o.report_dir) / "index.html").string());
    }
  }

  if (o.junit_path) {
    std::ofstream out(*o.junit_path);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuite name=\"weft fuzz {}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n", s->name,
                       runs.size(), failures, total);
    for (const record& rec : runs) {
      out << fmt::format("  <testcase classname=\"{}\" name=\"seed {}\" time=\"{:.6f}\"", s->name,
                         sim::format_seed(rec.seed), rec.secs);
      if (!rec.failure) {
        out << "/>\n";
        continue;
      }
      out << fmt::format(">\n    <failure message=\"{}\">{}\ntrace: {}</failure>\n  </testcase>\n",
                         viz::html_escape(rec.failure->report.message), viz::html_escape(repro(s->name, rec.seed)),
                         viz::html_escape(rec.failure->trace_file));
    }
    out << "</testsuite>\n";
    if (!out) {
      fmt::print(stderr, "weft: could not write {}\n", *o.junit_path);
      return 2;
    }
  }
  return failures > 0 ? 1 : 0;
}

}  // namespace weft::cli

namespace weft::cli {

namespace {

std::string known_checks() {
  std::string out;
  for (const examples::check& c : examples::checks()) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

const examples::check* find_check_or_complain(const std::string& name) {
  const examples::check* c = examples::find_check(name);
  if (c == nullptr && examples::find_scenario(name) != nullptr) {
    fmt::print(stderr, "weft: '{}' is a scenario, not a check: use `weft fuzz {}`\n", name, name);
  } else if (c == nullptr) {
    fmt::print(stderr, "weft: unknown check '{}' (known: {}; see `weft list`)\n", name, known_checks());
  }
  return c;
}

int report(const props::explore_result& r) {
  if (!r.error.empty()) {
    fmt::print(stderr, "weft: {}\n", r.error);
    return 2;
  }
  if (r.failure && r.failure->kind == sim::outcome::mismatch) {
    fmt::print(stderr, "weft: {}\n", r.failure->message);
    return 2;
  }
  fmt::print("{}", r.summary());
  std::fflush(stdout);
  return r.failure ? 1 : 0;
}

}  // namespace

int explore_command(const explore_cli_options& o) {
  const examples::check* c = find_check_or_complain(o.check);
  if (c == nullptr) return 2;
  std::string error;
  const auto spec = props::parse_strategy(o.strategy, error);
  if (!spec) {
    fmt::print(stderr, "weft: --strategy: {}\n", error);
    return 2;
  }
  props::explore_options eo;
  eo.name = c->name;
  eo.strategy = *spec;
  if (o.iterations) eo.iterations = *o.iterations;
  eo.time = o.time;
  eo.seed = o.seed;
  eo.shrink = o.shrink;
  eo.trace_dir = o.trace_dir;
  eo.repro = "weft replay --schedule {}";
  if (o.report_dir) {
    if (const std::string err = viz::prepare_report_dir(*o.report_dir, false); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return 2;
    }
    eo.trace_dir = *o.report_dir;  // the failing schedule's steps go into the report
  }
  const props::explore_result r = props::explore(eo, c->body);
  const int status = report(r);
  if (o.report_dir && status == 1 && r.failure && !r.failure->trace_file.empty()) {
    auto s = viz::read_schedule_file(r.failure->trace_file);
    if (auto* err = std::get_if<viz::read_error>(&s)) {
      fmt::print(stderr, "weft: report: {}\n", err->describe(r.failure->trace_file));
      return status;
    }
    const viz::schedule_file& sf = std::get<viz::schedule_file>(s);
    viz::failure_page p;
    p.title = fmt::format("{}: {}", c->name, sim::outcome_name(r.failure->kind));
    p.repro = "weft replay --schedule " + sf.schedule;
    p.message = r.failure->message;
    p.details = r.failure->blocked;
    p.trace_file = std::filesystem::path(r.failure->trace_file).filename().string();
    if (const std::string err = viz::write_schedule_report(*o.report_dir, p, sf); !err.empty()) {
      fmt::print(stderr, "weft: report: {}\n", err);
    } else {
      fmt::print("  report:    {}\n", (std::filesystem::path(*o.report_dir) / "index.html").string());
    }
  }
  return status;
}

int replay_command(const std::string& schedule, const std::string& trace_dir) {
  const sim::parsed_schedule parsed = sim::decode_schedule(schedule);
  if (!parsed) {
    fmt::print(stderr, "weft: --schedule: {}\n", parsed.error.message);
    return 2;
  }
  const examples::check* c = find_check_or_complain(parsed.value->name);
  if (c == nullptr) return 2;
  props::explore_options eo;
  eo.name = c->name;
  eo.strategy.which = props::strategy_spec::kind::replay;
  eo.strategy.schedule = schedule;
  eo.shrink = false;
  eo.trace_dir = trace_dir;
  const props::explore_result r = props::explore(eo, c->body);
  if (!r.error.empty() || (r.failure && r.failure->kind == sim::outcome::mismatch)) return report(r);
  if (!r.failure) {
    fmt::print("weft: replayed {} to the end: no failure\n", c->name);
    return 0;
  }
  const props::explore_failure& f = *r.failure;
  fmt::print("weft: REPLAYED {} in {} ({} preemption{}, {} steps)\n  {}\n", sim::outcome_name(f.kind), c->name,
             f.preemptions, f.preemptions == 1 ? "" : "s", f.steps, f.message);
  for (const std::string& b : f.blocked) fmt::print("    {}\n", b);
  if (!f.trace_file.empty()) fmt::print("  trace:     {}\n", f.trace_file);
  return 1;
}

}  // namespace weft::cli
