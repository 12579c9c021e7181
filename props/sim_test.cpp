#include "props/sim_test.hpp"

#include <cstdlib>
#include <filesystem>

#include "props/parse.hpp"
#include "props/test_command.hpp"
#include "sim/world/scenario.hpp"

namespace weft::props {
namespace {

std::optional<std::string> env(const char* name) { return env_value(name); }

// A new file in `dir` (created if missing): TEST-SEED.jsonl, then TEST-SEED-1.jsonl, ...
std::string fresh_trace_path(const std::string& dir, const std::string& test_name, std::uint64_t seed) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string stem = test_name + "-" + sim::format_seed(seed);
  for (char& c : stem) {
    if (c == '/') c = '_';
  }
  fs::path p = fs::path(dir) / (stem + ".jsonl");
  for (int i = 1; fs::exists(p); ++i) p = fs::path(dir) / (stem + "-" + std::to_string(i) + ".jsonl");
  return p.string();
}

}  // namespace

std::optional<std::string> apply_environment(sim_test_options& o) {
  if (auto s = env("WEFT_SEED")) {
    const auto seed = sim::parse_seed(*s);
    if (!seed) return "WEFT_SEED=" + *s + ": not a seed (a decimal or 0x-hex 64-bit number)";
    o.only_seed = *seed;
  }
  if (auto s = env("WEFT_SEEDS")) {
    const auto n = parse_count(*s);
    if (!n) return "WEFT_SEEDS=" + *s + ": expected a positive number of seeds";
    o.seeds = *n;
  }
  if (auto s = env("WEFT_TIME_LIMIT")) {
    const auto t = parse_duration(*s);
    if (!t || t->count() <= 0) return "WEFT_TIME_LIMIT=" + *s + ": not a duration (use 500ms, 30s, 5m or 1h)";
    o.time_limit = *t;
  }
  if (auto s = env("WEFT_CHECK_DETERMINISM")) o.check_determinism = *s != "0";
  return std::nullopt;
}

sim_test_result run_sim_seeds(const std::string& test_name, const std::function<void(sim::world&)>& setup,
                              const sim_test_options& o) {
  sim_test_result result;
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t count = o.only_seed ? 1 : o.seeds;
  for (std::uint64_t i = 0; i < count; ++i) {
    // The budget stops new seeds from starting; the first always runs.
    if (i > 0 && o.time_limit && std::chrono::steady_clock::now() - start >= *o.time_limit) break;
    const std::uint64_t seed = o.only_seed.value_or(o.first_seed + i);
    sim::world w(seed, o.config);
    setup(w);
    const sim::run_report r = w.run();
    ++result.seeds_run;
    std::string message;
    if (!r.ok()) {
      message = "(" + std::string(sim::outcome_name(r.result)) + "): " + r.message;
      for (const std::string& line : r.blocked) message += "\n    " + line;
    } else if (o.check_determinism) {
      sim::world again(seed, o.config);
      setup(again);
      (void)again.run();
      if (auto d = sim::first_divergence(w.trace(), again.trace())) {
        message = "(determinism): the same seed gave two different traces: " + d->describe();
      }
    }
    if (message.empty()) continue;
    sim_test_failure f;
    f.seed = seed;
    f.message = message;
    f.repro_line = "reproduce: WEFT_SEED=" + sim::format_seed(seed) + " " +
                   (o.rerun_command.empty() ? this_test_command(test_name) : o.rerun_command);
    if (!o.trace_dir.empty()) {
      const std::string path = fresh_trace_path(o.trace_dir, test_name, seed);
      if (const std::string err = w.save_trace(path); err.empty()) {
        f.trace_file = path;
      } else {
        f.message += "\n  (" + err + ")";
      }
    }
    result.failure = std::move(f);
    break;
  }
  return result;
}

std::string describe(const sim_test_failure& f) {
  return "weft: FAILED seed=" + sim::format_seed(f.seed) + " " + f.message + "\n  trace: " +
         (f.trace_file.empty() ? "(not written)" : f.trace_file) + "\n  " + f.repro_line;
}

void run_sim_test(const char* suite, const char* name, void (*setup)(sim::world&), const sim::world_config& config,
                  const char* file, int line) {
  const std::string test_name = std::string(suite) + "." + name;
  sim_test_options o;
  o.config = config;
  o.rerun_command = this_test_command(test_name);
  o.trace_dir = test_output_dir();
  if (auto bad = apply_environment(o)) {
    ADD_FAILURE_AT(file, line) << "weft: " << *bad;
    return;
  }
  const sim_test_result r = run_sim_seeds(test_name, setup, o);
  if (r.failure) ADD_FAILURE_AT(file, line) << describe(*r.failure);
}

}  // namespace weft::props
