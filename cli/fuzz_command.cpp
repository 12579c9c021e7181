// `weft fuzz SCENARIO [--seeds N | --time T] [--from S] [--shard K/N]
//                     [--junit FILE] [--trace-dir D] [--report DIR]
//                     [--report-limit N] [--keep-going] [--time-limit D]`:
// many seeds of a scenario, stopping at the first failing one unless
// --keep-going; shards split seed positions p by p % N == K-1.
//
// Everything is bounded: the first --report-limit failing seeds keep a
// trace (and, with --report, a page), written as they fail, inside the time
// budget; later ones are counted, listed in JUnit and summarised. The
// JUnit file is complete after every seed, so Ctrl-C, SIGTERM or a closed
// pipe still leave it (cli/junit.hpp).
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/junit.hpp"
#include "cli/seed_runs.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

using steady = std::chrono::steady_clock;

struct fuzz_flags {
  std::string scenario, seeds, time, from = "1", shard = "1/1", junit, trace_dir, report, time_limit;
  std::string report_limit = "10";
  bool keep_going = false;
  bool swarm = false;
  bool shrink = false;
};

// The run, decided from the flags before any seed runs.
struct fuzz_plan {
  const sim::scenario* scenario = nullptr;
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 100;  // positions, before sharding
  std::optional<std::chrono::nanoseconds> budget;
  std::optional<std::chrono::nanoseconds> time_limit;
  props::shard part;
  std::uint64_t report_limit = 10;
  std::string trace_dir;        // failing seeds' traces (the report folder, with --report)
  bool report_is_new = false;   // --report DIR did not exist: ours to remove if nothing failed
  std::unique_ptr<junit_writer> junit;
};

struct failure_record {
  std::uint64_t seed;
  one_run run;
  std::string page;  // the report page, relative to the report folder ("" if none)
};

struct fuzz_outcome {
  std::uint64_t seeds_run = 0;
  std::vector<failure_record> failures;  // the first report_limit keep their trace
  std::vector<std::uint64_t> more_failing_seeds;  // the next 20 failing seeds, listed only
  std::uint64_t failure_count = 0;
  double seconds = 0;
};

// Checks every output first, then creates them: a bad --report leaves no
// JUnit file behind, and a bad --junit no report folder.
std::string plan_outputs(const fuzz_flags& f, fuzz_plan& p) {
  if (!f.report.empty()) {
    p.report_is_new = !std::filesystem::exists(f.report);
    if (std::string err = viz::prepare_report_dir(f.report, false); !err.empty()) return err;
    p.trace_dir = f.report;
  } else {
    p.trace_dir = f.trace_dir.empty() ? default_output_dir : f.trace_dir;
    if (!f.trace_dir.empty() && !std::filesystem::is_directory(f.trace_dir)) {
      return fmt::format("--trace-dir {}: not a directory", f.trace_dir);
    }
  }
  if (!f.junit.empty()) {
    std::string error;
    p.junit = junit_writer::create(f.junit, "weft fuzz " + p.scenario->name, error);
    if (!p.junit) return error;
  }
  if (!f.report.empty()) return viz::prepare_report_dir(f.report, true);
  return {};
}

// Everything checked and opened before the first seed; nullopt after one line on stderr.
std::optional<fuzz_plan> plan_of(const known& k, const fuzz_flags& f) {
  fuzz_plan p;
  p.scenario = k.scenario_or_complain(with_swarm(f.scenario, f.swarm));
  if (p.scenario == nullptr) return std::nullopt;
  p.first_seed = seed_of(f.from);
  if (!f.time_limit.empty()) p.time_limit = duration_of(f.time_limit);
  if (!f.seeds.empty()) p.seeds = count_of(f.seeds);
  if (!f.time.empty()) {
    p.budget = duration_of(f.time);
    if (f.seeds.empty()) p.seeds = UINT64_MAX;  // the budget decides
  }
  p.part = shard_of(f.shard);
  p.report_limit = number_of(f.report_limit);
  if (p.seeds < p.part.index) {
    fmt::print(stderr, "weft: --shard {}: owns none of the {} seed{} (positions p with p % {} == {})\n", f.shard,
               p.seeds, p.seeds == 1 ? "" : "s", p.part.count, p.part.index - 1);
    return std::nullopt;
  }
  if (const std::string err = plan_outputs(f, p); !err.empty()) {
    fmt::print(stderr, "weft: {}\n", err);
    return std::nullopt;
  }
  return p;
}

// A failing seed within the report limit: its trace, and its page.
void keep_failure(const known& k, fuzz_plan& p, const fuzz_flags& f, failure_record& rec) {
  if (const std::string err = make_output_dir(p.trace_dir, f.trace_dir.empty() ? "output" : "--trace-dir");
      !err.empty()) {
    rec.run.trace_error = err;
  } else {
    save_trace(rec.run, failure_trace_path(p.trace_dir, *p.scenario, rec.seed));
  }
  if (f.report.empty()) return;
  rec.page = p.scenario->name + "-" + sim::format_seed(rec.seed);
  if (!write_seed_report(k.program(), (std::filesystem::path(f.report) / rec.page).string(), *p.scenario, rec.seed,
                         rec.run)
           .empty()) {
    rec.page.clear();
  }
}

void record_junit(const known& k, fuzz_plan& p, std::uint64_t seed, double secs, const one_run* failure) {
  if (!p.junit) return;
  junit_case c{p.scenario->name, "seed " + sim::format_seed(seed), secs, std::nullopt};
  if (failure != nullptr) {
    const std::string trace = failure->trace_file.empty() ? "(not kept: --report-limit)" : failure->trace_file;
    c.failure = junit_failure{failure->report.message,
                              run_repro(k.program(), p.scenario->name, seed) + "\ntrace: " + trace};
  }
  if (!p.junit->add(c)) {
    fmt::print(stderr, "weft: {}; the JUnit file stops here\n", p.junit->error());
    p.junit.reset();
  }
}

std::string progress_text(const fuzz_plan& p, const fuzz_outcome& o, steady::time_point start) {
  const double secs = std::chrono::duration<double>(steady::now() - start).count();
  return fmt::format("weft fuzz {}: {} seeds, {} failure{}, {:.0f} seeds/s", p.scenario->name, o.seeds_run,
                     o.failure_count, o.failure_count == 1 ? "" : "s",
                     secs > 0 ? static_cast<double>(o.seeds_run) / secs : 0.0);
}

fuzz_outcome fuzz_loop(const known& k, fuzz_plan& p, const fuzz_flags& f) {
  const auto start = steady::now();
  progress_line progress;
  fuzz_outcome out;
  for (std::uint64_t position = 0; position < p.seeds; ++position) {
    if (!p.part.owns(position)) continue;
    if (p.budget && steady::now() - start >= *p.budget) break;
    if (interrupted().load(std::memory_order_relaxed)) break;
    const std::uint64_t seed = p.first_seed + position;
    const auto t0 = steady::now();
    const bool keep = out.failures.size() < p.report_limit;
    one_run r = run_one(*p.scenario, seed, p.time_limit, keep ? keep_trace::on_failure : keep_trace::never);
    const double secs = std::chrono::duration<double>(steady::now() - t0).count();
    ++out.seeds_run;
    if (!r.report.ok()) {
      ++out.failure_count;
      note_status(1);
      failure_record rec{seed, std::move(r), ""};
      if (keep && f.shrink) {
        if (p.budget && steady::now() - start >= *p.budget) {
          rec.run.shrink_error = "the time budget was spent";
        } else {
          shrink_into(rec.run, *p.scenario, seed, p.trace_dir);
        }
      }
      if (keep) keep_failure(k, p, f, rec);
      record_junit(k, p, seed, secs, &rec.run);
      if (keep) {
        out.failures.push_back(std::move(rec));
      } else if (out.more_failing_seeds.size() < 20) {
        out.more_failing_seeds.push_back(seed);
      }
      if (!f.keep_going) break;
    } else {
      record_junit(k, p, seed, secs, nullptr);
    }
    progress.update(progress_text(p, out, start));
  }
  progress.finish(progress_text(p, out, start));
  out.seconds = std::chrono::duration<double>(steady::now() - start).count();
  return out;
}

void write_index(const fuzz_plan& p, const fuzz_flags& f, const fuzz_outcome& o) {
  if (f.report.empty()) return;
  std::vector<std::pair<std::string, std::string>> pages;
  for (const failure_record& rec : o.failures) {
    if (rec.page.empty()) continue;
    pages.emplace_back(rec.page + "/index.html",
                       fmt::format("seed {}: {}", sim::format_seed(rec.seed), rec.run.report.message));
  }
  if (pages.empty()) {
    std::error_code ec;
    if (p.report_is_new) std::filesystem::remove(f.report, ec);  // ours and still empty: nothing to report
    return;
  }
  const std::string title = fmt::format("weft fuzz {}: {} failing seed{}{}", p.scenario->name, o.failure_count,
                                        o.failure_count == 1 ? "" : "s",
                                        o.failure_count > pages.size() ? fmt::format(" (the first {})", pages.size())
                                                                       : std::string());
  if (const std::string err = viz::write_index(f.report, title, pages); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
  } else {
    fmt::print("  report:    {}\n", (std::filesystem::path(f.report) / "index.html").string());
  }
}

void print_outcome(const known& k, const fuzz_plan& p, const fuzz_outcome& o) {
  std::string why;
  if (interrupted().load(std::memory_order_relaxed)) {
    why = fmt::format(" (interrupted by signal {})", interrupting_signal());
  } else if (p.budget && o.failure_count == 0 && p.seeds == UINT64_MAX) {
    why = " (the time budget ran out)";
  }
  fmt::print("weft: fuzz {}: {} seeds in {:.2f} s ({:.0f} seeds/s), {} failure{}{}\n", p.scenario->name, o.seeds_run,
             o.seconds, o.seconds > 0 ? static_cast<double>(o.seeds_run) / o.seconds : 0.0, o.failure_count,
             o.failure_count == 1 ? "" : "s", why);
  for (const failure_record& rec : o.failures) print_failure(k.program(), *p.scenario, rec.seed, rec.run);
  if (o.failure_count > o.failures.size()) {
    std::string seeds;
    for (const std::uint64_t seed : o.more_failing_seeds) seeds += (seeds.empty() ? "" : ", ") + sim::format_seed(seed);
    const std::uint64_t unlisted = o.failure_count - o.failures.size() - o.more_failing_seeds.size();
    fmt::print("  {} more failing seed{} not shown or kept (--report-limit {}): {}{}\n",
               o.failure_count - o.failures.size(), o.failure_count - o.failures.size() == 1 ? "" : "s",
               p.report_limit, seeds, unlisted > 0 ? fmt::format(" and {} more", unlisted) : std::string());
  }
}

int fuzz(const known& k, const fuzz_flags& f) {
  std::optional<fuzz_plan> p = plan_of(k, f);
  if (!p) return 2;
  note_status(0);
  const fuzz_outcome o = fuzz_loop(k, *p, f);
  const int status = o.failure_count > 0 ? 1 : interrupted().load() ? 128 + interrupting_signal() : 0;
  note_status(status);
  print_outcome(k, *p, o);
  write_index(*p, f, o);
  if (!p->junit && !f.junit.empty() && status == 0) return 2;  // the JUnit file could not be completed
  return status;
}

}  // namespace

subcommand add_fuzz(CLI::App& app, const known& k) {
  auto f = std::make_shared<fuzz_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("fuzz", "run a scenario for many seeds, reporting failing ones");
  CLI::App* c = sc.app;
  c->add_option("scenario", f->scenario, "scenario name (see `list`)")->required();
  c->add_option("--seeds", f->seeds, "how many seeds (default 100; with --time, no limit)")->check(count_value());
  c->add_option("--time", f->time, "wall-clock budget: 500ms, 30s, 5m, 1h")->check(duration_value());
  c->add_option("--from", f->from, "first seed (default 1)")->check(seed_value());
  c->add_option("--shard", f->shard, "run shard K of N (seed positions p with p % N == K-1)")->check(shard_value());
  c->add_option("--junit", f->junit, "write a JUnit XML report here (a new file, complete after every seed)");
  c->add_option("--trace-dir", f->trace_dir, "where failing seeds' traces go (an existing folder; default weft-out)");
  c->add_option("--report", f->report, "write a report of each failing seed (and its trace) to this new directory");
  c->add_option("--report-limit", f->report_limit,
                "how many failing seeds keep a trace and a report (default 10; later ones are counted and listed)")
      ->check(number_value(0, 1'000'000));
  c->add_flag("--keep-going", f->keep_going, "do not stop at the first failing seed");
  c->add_flag("--swarm", f->swarm, swarm_help);
  c->add_flag("--shrink", f->shrink, shrink_help);
  c->add_option("--time-limit", f->time_limit, "virtual time after which a seed's run is a timeout failure")
      ->check(duration_value());
  sc.run = [&k, f] { return fuzz(k, *f); };
  return sc;
}

}  // namespace weft::cli
