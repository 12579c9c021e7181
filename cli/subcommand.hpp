// The shape every subcommand file has: add_X() declares the subcommand and
// its flags on the app and returns how to run it once parsed. Each file
// owns its options; cli/app.cpp only wires them together.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "cli/known.hpp"

namespace weft::cli {

struct subcommand {
  CLI::App* app = nullptr;
  std::function<int()> run;  // the exit status: 0 clean, 1 bug found, 2 bad input
};

// Parses and checks a command line as cli_main would, without running it:
// 0 if it would run, else the exit status the parse alone decided (help,
// version, or 2 for bad input with its one line on stderr). For the
// command-line fuzzer (tests/fuzz/).
int parse_only(int argc, char** argv, const cli_config& config);

subcommand add_list(CLI::App& app, const known& k);
subcommand add_run(CLI::App& app, const known& k);
subcommand add_fuzz(CLI::App& app, const known& k);
subcommand add_explore(CLI::App& app, const known& k);
subcommand add_replay(CLI::App& app, const known& k);
subcommand add_model(CLI::App& app, const known& k);
subcommand add_viz(CLI::App& app, const known& k);
subcommand add_lin(CLI::App& app, const known& k);
subcommand add_litmus(CLI::App& app, const known& k);

}  // namespace weft::cli
