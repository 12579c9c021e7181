// The `weft` subcommands. Each returns the process exit status:
// 0 clean, 1 a bug was found, 2 bad usage or input (with one line on stderr).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/parse.hpp"

namespace weft::cli {

int list_command();

struct run_options {
  std::string scenario;
  std::uint64_t seed = 1;
  std::optional<std::string> trace_path;  // write the trace here
  bool force = false;                     // overwrite trace_path if it exists
  bool check_determinism = false;
  std::optional<std::chrono::nanoseconds> time_limit;  // virtual; overrides the scenario's
  std::optional<std::string> report_dir;               // on a failure, write a report here
};
int run_command(const run_options& o);

struct fuzz_options {
  std::string scenario;
  std::uint64_t first_seed = 1;
  std::optional<std::uint64_t> seeds;           // how many (before sharding)
  std::optional<std::chrono::nanoseconds> time; // wall-clock budget
  shard part;
  std::optional<std::string> junit_path;
  bool keep_going = false;  // default: stop at the first failing seed
  std::string trace_dir = ".";
  std::optional<std::chrono::nanoseconds> time_limit;  // virtual, per seed; overrides the scenario's
  std::optional<std::string> report_dir;               // failures' reports (and traces) go here
};
int fuzz_command(const fuzz_options& o);

struct explore_cli_options {
  std::string check;
  std::string strategy = "portfolio";
  std::optional<std::uint64_t> iterations;       // default 10,000
  std::optional<std::chrono::nanoseconds> time;  // wall-clock budget
  std::uint64_t seed = 1;
  bool shrink = true;
  std::string trace_dir = ".";
  std::optional<std::string> report_dir;  // on a failure, a report (and the schedule file) here
};
int explore_command(const explore_cli_options& o);
int replay_command(const std::string& schedule, const std::string& trace_dir);

struct model_options {
  std::string name;
  std::optional<int> threads;  // default: the model's
  std::optional<int> bound;
  std::optional<std::string> dot_path;
  std::size_t dot_limit = 400;  // larger graphs: draw the counterexample and its neighbours
  bool force = false;
};
int model_command(const model_options& o);

struct viz_options {
  std::string input;  // a trace, an explorer schedule file, or (--view model) a model name
  std::string view;
  std::string output;
  std::optional<std::string> from, to;  // a step or a virtual time
  std::optional<std::uint32_t> host;
  std::optional<std::uint64_t> task;
  std::string lanes = "host";
  std::size_t max_nodes = 300;
  bool force = false;
};
int viz_command(const viz_options& o);

}  // namespace weft::cli
