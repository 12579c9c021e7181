// The strategies on the SCTBench-style programs (examples/sct): for each
// buggy program and strategy, how many schedules until the first failure
// (seed 1, the same budget for all), and whether each fixed twin stays
// clean under the default strategy. The default's column also shows the
// preemptions of its find, before and after shrinking. Prints a Markdown
// table.
//
//   weft_bench_sct [--budget N] [--strategies random,pct:3,...] [--only NAME] [--fixed-with S] [--verbose]
//
// Exit status 0 when the default strategy (portfolio) found every bug and
// passed every fixed twin within the budget, 1 otherwise, 2 on bad input.
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

props::explore_result run(const std::string& name, const std::string& strategy, std::uint64_t budget,
                          const std::function<void()>& body) {
  props::explore_options o;
  o.name = name;
  std::string error;
  o.strategy = *props::parse_strategy(strategy, error);
  o.iterations = budget;
  o.time = std::chrono::seconds(120);
  o.shrink = strategy == "portfolio";  // the default also shows what shrinking makes of its find
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

}  // namespace

int main(int argc, char** argv) {
  settings s;
  if (!parse(argc, argv, s)) {
    std::fprintf(stderr, "usage: weft_bench_sct [--budget N] [--strategies a,b,...] [--only NAME] [--fixed-with S] [--verbose]\n");
    return 2;
  }
  std::printf("schedules to the first failure (seed 1, budget %llu; — = not found)\n\n| program | threads |",
              static_cast<unsigned long long>(s.budget));
  for (const std::string& st : s.strategies) std::printf(" %s |", st.c_str());
  std::printf(" fixed twin (%s) |\n|---|---|", s.fixed_with.c_str());
  for (std::size_t i = 0; i < s.strategies.size(); ++i) std::printf("---|");
  std::printf("---|\n");
  bool default_ok = true;
  for (const examples::sct::program& p : examples::sct::programs()) {
    if (!s.only.empty() && p.name != s.only) continue;
    std::printf("| %s | %d |", p.name.c_str(), p.threads);
    for (const std::string& st : s.strategies) {
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
