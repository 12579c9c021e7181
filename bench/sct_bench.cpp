// The strategies on the SCTBench-style programs (examples/sct): for each
// buggy program and strategy, how many schedules until the first failure
// (the same budget for all), and whether each fixed twin stays clean under
// the default strategy. With --seeds 1 (the default) each cell is seed 1's
// count, and the default's column also shows the preemptions of its find,
// before and after shrinking. With --seeds K each cell is the median over K
// far-apart seeds (a seed that finds nothing counts as past the budget)
// and how many of the K found the bug. Prints a Markdown table.
//
//   weft_bench_sct [--budget N] [--seeds K] [--strategies random,pct:3,...] [--only NAME] [--fixed-with S] [--verbose]
//
// Exit status 0 when the default strategy (portfolio) found every bug with
// every seed and passed every fixed twin within the budget, 1 otherwise, 2
// on bad input.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "examples/sct/sct.hpp"
#include "props/explore.hpp"

using namespace weft;

namespace {

struct settings {
  std::uint64_t budget = 10'000;
  std::uint64_t seeds = 1;
  std::vector<std::string> strategies = {"random", "pct:3", "pct:10", "pos", "portfolio", "dpor"};
  std::string only;
  std::string fixed_with = "portfolio";
  bool verbose = false;  // each find's whole report on stderr
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

bool parse(int argc, char** argv, settings& s) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose") {
      s.verbose = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (arg == "--budget") {
      s.budget = std::strtoull(value.c_str(), nullptr, 10);
      if (s.budget == 0) return false;
    } else if (arg == "--seeds") {
      s.seeds = std::strtoull(value.c_str(), nullptr, 10);
      if (s.seeds == 0 || s.seeds > 1000) return false;
    } else if (arg == "--strategies") {
      s.strategies = split(value);
    } else if (arg == "--only") {
      s.only = value;
    } else if (arg == "--fixed-with") {
      s.fixed_with = value;
    } else {
      return false;
    }
  }
  std::string error;
  if (!props::parse_strategy(s.fixed_with, error)) {
    std::fprintf(stderr, "weft_bench_sct: %s\n", error.c_str());
    return false;
  }
  for (const std::string& text : s.strategies) {
    if (!props::parse_strategy(text, error)) {
      std::fprintf(stderr, "weft_bench_sct: %s\n", error.c_str());
      return false;
    }
  }
  return true;
}

// Seed k of --seeds K: far apart, since iteration i of seed s uses s + i.
std::uint64_t nth_seed(std::uint64_t k) { return 1 + k * 0x9E3779B97F4A7C15ull; }

props::explore_result run(const std::string& name, const std::string& strategy, std::uint64_t budget,
                          const std::function<void()>& body, std::uint64_t seed = 1, bool shrink = true) {
  props::explore_options o;
  o.name = name;
  std::string error;
  o.strategy = *props::parse_strategy(strategy, error);
  o.iterations = budget;
  o.time = std::chrono::seconds(120);
  o.seed = seed;
  o.shrink = shrink && strategy == "portfolio";  // the default also shows what shrinking makes of its find
  return props::explore(o, body);
}

std::string cell(const props::explore_result& r) {
  if (r.failure && r.failure->shrink_runs > 0) {
    return std::to_string(r.failure->iteration) + " (" + std::to_string(r.failure->preemptions) + "→" +
           std::to_string(r.failure->shrunk_preemptions) + " pre.)";
  }
  if (r.failure) return std::to_string(r.failure->iteration);
  if (r.exhausted) return "none (exhausted " + std::to_string(r.schedules) + ")";
  return "—";
}

// Median schedules-to-failure over s.seeds seeds, "found/K" beside it.
std::string median_cell(const settings& s, const examples::sct::program& p, const std::string& strategy,
                        bool& all_found) {
  std::vector<std::uint64_t> counts;
  std::uint64_t found = 0;
  for (std::uint64_t k = 0; k < s.seeds; ++k) {
    const props::explore_result r = run(p.name, strategy, s.budget, p.buggy, nth_seed(k), false);
    if (r.failure) ++found;
    counts.push_back(r.failure ? r.failure->iteration : s.budget + 1);
  }
  all_found = found == s.seeds;
  std::sort(counts.begin(), counts.end());
  const std::uint64_t median = counts[counts.size() / 2];
  const std::string m = median > s.budget ? "—" : std::to_string(median);
  return m + " (" + std::to_string(found) + "/" + std::to_string(s.seeds) + ")";
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr, "usage: weft_bench_sct [--budget N] [--seeds K] [--strategies a,b,...] [--only NAME] [--fixed-with S] [--verbose]\n");
    return 2;
  }
  if (s.seeds == 1) {
    std::printf("schedules to the first failure (seed 1, budget %llu; — = not found)\n\n",
                static_cast<unsigned long long>(s.budget));
  } else {
    std::printf("median schedules to the first failure over %llu seeds (found/seeds; budget %llu; — = median not found)\n\n",
                static_cast<unsigned long long>(s.seeds), static_cast<unsigned long long>(s.budget));
  }
  std::printf("| program | threads |");
  for (const std::string& st : s.strategies) std::printf(" %s |", st.c_str());
  std::printf(" fixed twin (%s) |\n|---|---|", s.fixed_with.c_str());
  for (std::size_t i = 0; i < s.strategies.size(); ++i) std::printf("---|");
  std::printf("---|\n");
  bool default_ok = true;
  for (const examples::sct::program& p : examples::sct::programs()) {
    if (!s.only.empty() && p.name != s.only) continue;
    std::printf("| %s | %d |", p.name.c_str(), p.threads);
    for (const std::string& st : s.strategies) {
      if (s.seeds > 1) {
        bool all_found = false;
        std::printf(" %s |", median_cell(s, p, st, all_found).c_str());
        std::fflush(stdout);
        if (st == "portfolio" && !all_found) default_ok = false;
        continue;
      }
      const props::explore_result r = run(p.name, st, s.budget, p.buggy);
      if (st == "portfolio" && !r.failure) default_ok = false;
      if (s.verbose) std::fprintf(stderr, "%s %s: %s", p.name.c_str(), st.c_str(), r.summary().c_str());
      std::printf(" %s |", cell(r).c_str());
      std::fflush(stdout);
    }
    const props::explore_result clean = run(p.name + "-fixed", s.fixed_with, s.budget, p.fixed);
    default_ok = default_ok && !clean.failure;
    if (s.verbose) std::fprintf(stderr, "%s-fixed %s: %s", p.name.c_str(), s.fixed_with.c_str(), clean.summary().c_str());
    std::printf(" %s |\n", clean.failure ? ("FAILED: " + clean.failure->message).c_str() : "clean");
    std::fflush(stdout);
  }
  return default_ok ? 0 : 1;
}
