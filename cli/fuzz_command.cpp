// `weft fuzz SCENARIO [--seeds N | --time T] [--from S] [--shard K/N]
//                     [--junit FILE] [--trace-dir D] [--report DIR]
//                     [--keep-going] [--time-limit D]`:
// many seeds of a scenario, stopping at the first failing one unless
// --keep-going; shards split seed positions p by p % N == K-1.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "cli/flags.hpp"
#include "cli/seed_runs.hpp"
#include "cli/subcommand.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

using steady = std::chrono::steady_clock;

struct fuzz_flags {
  std::string scenario, seeds, time, from = "1", shard = "1/1", junit, trace_dir = ".", report, time_limit;
  bool keep_going = false;
};

struct fuzz_plan {
  const sim::scenario* scenario = nullptr;
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 100;  // positions, before sharding
  std::optional<std::chrono::nanoseconds> budget;
  std::optional<std::chrono::nanoseconds> time_limit;
  props::shard part;
  bool report_is_new = false;  // --report DIR did not exist: ours to remove if nothing failed
};

struct record {
  std::uint64_t seed;
  double secs;
  std::optional<one_run> failure;
};

// Reads and checks every flag; nullopt (after one line on stderr) if any is bad.
std::optional<fuzz_plan> plan_of(const known& k, const fuzz_flags& f) {
  fuzz_plan p;
  p.scenario = k.scenario_or_complain(f.scenario);
  if (p.scenario == nullptr || !read_seed("--from", f.from, p.first_seed)) return std::nullopt;
  std::chrono::nanoseconds d{};
  if (!f.time_limit.empty()) {
    if (!read_duration("--time-limit", f.time_limit, d)) return std::nullopt;
    p.time_limit = d;
  }
  if (!f.seeds.empty() && !read_count("--seeds", f.seeds, p.seeds)) return std::nullopt;
  if (!f.time.empty()) {
    if (!read_duration("--time", f.time, d)) return std::nullopt;
    p.budget = d;
    if (f.seeds.empty()) p.seeds = UINT64_MAX;  // the budget decides
  }
  if (!read_shard("--shard", f.shard, p.part)) return std::nullopt;
  if (!std::filesystem::is_directory(f.trace_dir)) {
    fmt::print(stderr, "weft: --trace-dir {}: not a directory\n", f.trace_dir);
    return std::nullopt;
  }
  if (!f.junit.empty() && std::filesystem::exists(f.junit)) {
    fmt::print(stderr, "weft: --junit {} already exists; remove it or choose another path\n", f.junit);
    return std::nullopt;
  }
  if (!f.report.empty()) {
    p.report_is_new = !std::filesystem::exists(f.report);
    if (const std::string err = viz::prepare_report_dir(f.report, true); !err.empty()) {
      fmt::print(stderr, "weft: {}\n", err);
      return std::nullopt;
    }
  }
  return p;
}

std::vector<record> fuzz_loop(const fuzz_plan& p, const fuzz_flags& f) {
  const std::string trace_dir = f.report.empty() ? f.trace_dir : f.report;
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  const auto start = steady::now();
  auto last_report = start;
  std::vector<record> runs;
  std::size_t failures = 0;
  auto progress = [&](bool final) {
    const double secs = std::chrono::duration<double>(steady::now() - start).count();
    const std::string line = fmt::format("weft fuzz {}: {} seeds, {} failure{}, {:.0f} seeds/s", p.scenario->name,
                                         runs.size(), failures, failures == 1 ? "" : "s",
                                         secs > 0 ? static_cast<double>(runs.size()) / secs : 0.0);
    if (tty) {
      fmt::print(stderr, "\r{}{}", line, final ? "\n" : "");
    } else {
      fmt::print(stderr, "{}\n", line);
    }
  };
  for (std::uint64_t position = 0; position < p.seeds; ++position) {
    if (!p.part.owns(position)) continue;
    if (p.budget && steady::now() - start >= *p.budget) break;
    const std::uint64_t seed = p.first_seed + position;
    const auto t0 = steady::now();
    one_run r = run_one(*p.scenario, seed, std::nullopt, trace_dir, p.time_limit);
    record rec{seed, std::chrono::duration<double>(steady::now() - t0).count(), std::nullopt};
    if (!r.report.ok()) {
      ++failures;
      rec.failure = std::move(r);
    }
    runs.push_back(std::move(rec));
    if (const auto now = steady::now(); now - last_report >= (tty ? std::chrono::milliseconds(100) : std::chrono::seconds(5))) {
      progress(false);
      last_report = now;
    }
    if (failures > 0 && !f.keep_going) break;
  }
  progress(true);
  return runs;
}

// Each failure: printed, and with --report a page of its own and an index.
void report_failures(const known& k, const fuzz_plan& p, const fuzz_flags& f, const std::vector<record>& runs) {
  std::vector<std::pair<std::string, std::string>> pages;
  for (const record& rec : runs) {
    if (!rec.failure) continue;
    print_failure(k.program(), *p.scenario, rec.seed, *rec.failure);
    if (f.report.empty()) continue;
    const std::string sub = p.scenario->name + "-" + sim::format_seed(rec.seed);
    write_seed_report(k.program(), (std::filesystem::path(f.report) / sub).string(), *p.scenario, rec.seed,
                      *rec.failure);
    pages.emplace_back(sub + "/index.html",
                       fmt::format("seed {}: {}", sim::format_seed(rec.seed), rec.failure->report.message));
  }
  if (f.report.empty()) return;
  if (pages.empty()) {
    std::error_code ec;
    if (p.report_is_new) std::filesystem::remove(f.report, ec);  // ours and still empty: nothing to report
    return;
  }
  const std::string title = fmt::format("weft fuzz {}: {} failing seed{}", p.scenario->name, pages.size(),
                                        pages.size() == 1 ? "" : "s");
  if (const std::string err = viz::write_index(f.report, title, pages); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
  } else {
    fmt::print("  report:    {}\n", (std::filesystem::path(f.report) / "index.html").string());
  }
}

// The JUnit XML file: one test case per seed. False if it could not be written.
bool write_junit(const known& k, const fuzz_plan& p, const std::string& path, const std::vector<record>& runs,
                 std::size_t failures, double total) {
  std::ofstream out(path);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuite name=\"weft fuzz {}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     p.scenario->name, runs.size(), failures, total);
  for (const record& rec : runs) {
    out << fmt::format("  <testcase classname=\"{}\" name=\"seed {}\" time=\"{:.6f}\"", p.scenario->name,
                       sim::format_seed(rec.seed), rec.secs);
    if (!rec.failure) {
      out << "/>\n";
      continue;
    }
    out << fmt::format(">\n    <failure message=\"{}\">{}\ntrace: {}</failure>\n  </testcase>\n",
                       viz::html_escape(rec.failure->report.message),
                       viz::html_escape(run_repro(k.program(), p.scenario->name, rec.seed)),
                       viz::html_escape(rec.failure->trace_file));
  }
  out << "</testsuite>\n";
  out.flush();
  return static_cast<bool>(out);
}

int fuzz(const known& k, const fuzz_flags& f) {
  const std::optional<fuzz_plan> p = plan_of(k, f);
  if (!p) return 2;
  const auto start = steady::now();
  const std::vector<record> runs = fuzz_loop(*p, f);
  const double total = std::chrono::duration<double>(steady::now() - start).count();
  std::size_t failures = 0;
  for (const record& r : runs) failures += r.failure ? 1 : 0;
  fmt::print("weft: fuzz {}: {} seeds in {:.2f} s ({:.0f} seeds/s), {} failure{}\n", p->scenario->name, runs.size(),
             total, total > 0 ? static_cast<double>(runs.size()) / total : 0.0, failures, failures == 1 ? "" : "s");
  report_failures(k, *p, f, runs);
  if (!f.junit.empty() && !write_junit(k, *p, f.junit, runs, failures, total)) {
    fmt::print(stderr, "weft: could not write {}\n", f.junit);
    return failures > 0 ? 1 : 2;
  }
  return failures > 0 ? 1 : 0;
}

}  // namespace

subcommand add_fuzz(CLI::App& app, const known& k) {
  auto f = std::make_shared<fuzz_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("fuzz", "run a scenario for many seeds, reporting failing ones");
  CLI::App* c = sc.app;
  c->add_option("scenario", f->scenario, "scenario name (see `list`)")->required();
  c->add_option("--seeds", f->seeds, "how many seeds (default 100; with --time, no limit)");
  c->add_option("--time", f->time, "wall-clock budget: 500ms, 30s, 5m, 1h");
  c->add_option("--from", f->from, "first seed (default 1)");
  c->add_option("--shard", f->shard, "run shard K of N (seed positions p with p % N == K-1)");
  c->add_option("--junit", f->junit, "write a JUnit XML report here");
  c->add_option("--trace-dir", f->trace_dir, "where failing seeds' traces go (default .)");
  c->add_option("--report", f->report, "write a report of each failing seed (and its trace) to this new directory");
  c->add_flag("--keep-going", f->keep_going, "do not stop at the first failing seed");
  c->add_option("--time-limit", f->time_limit, "virtual time after which a seed's run is a timeout failure");
  sc.run = [&k, f] { return fuzz(k, *f); };
  return sc;
}

}  // namespace weft::cli
