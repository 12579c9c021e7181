// weft::cli_main: declares the subcommands (one file each), parses, and
// runs the one chosen. Parse errors, like every bad input, are one line on
// stderr and exit 2.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "cli/cli.hpp"
#include "cli/session.hpp"
#include "cli/subcommand.hpp"
#include "runtime/sys/assert.hpp"

#ifndef WEFT_VERSION
#error "WEFT_VERSION is defined by the build"
#endif

namespace weft {
namespace {

// CLI11 reports its own parse errors over several lines; weft promises one.
// A value a check refused names itself ("--seed: 12abc: not a seed ...");
// anything else points at --help.
int usage_error(const std::string& program, const CLI::Error& e) {
  std::string what = e.what();
  std::replace(what.begin(), what.end(), '\n', ' ');
  if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) {
    fmt::print(stderr, "weft: {}\n", what);
  } else {
    fmt::print(stderr, "weft: {} (see {} --help)\n", what, program);
  }
  return 2;
}

// The first word that is not a flag: the subcommand the user meant.
std::optional<std::string> first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') return std::string(argv[i]);
  }
  return std::nullopt;
}

bool is_subcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == word) return true;
  }
  return false;
}

std::string subcommand_names(const CLI::App& app) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    out += (out.empty() ? "" : ", ") + sub->get_name();
  }
  return out;
}

// `weft help [SUBCOMMAND]`, and a first word that is no subcommand. Returns
// the exit status if it handled the command line.
std::optional<int> help_or_unknown(CLI::App& app, const std::string& program, int argc, char** argv) {
  const std::optional<std::string> word = first_word(argc, argv);
  if (!word || is_subcommand(app, *word)) return std::nullopt;
  if (*word != "help") {
    fmt::print(stderr, "weft: unknown subcommand '{}' (subcommands: {}; see {} --help)\n", *word,
               subcommand_names(app), program);
    return 2;
  }
  const std::vector<std::string> rest(argv + 1, argv + argc);
  const auto topic = std::find_if(rest.begin(), rest.end(), [&](const std::string& a) { return is_subcommand(app, a); });
  fmt::print("{}", topic == rest.end() ? app.help() : app.get_subcommand(*topic)->help());
  return 0;
}

std::string footer(const std::string& program) {
  return fmt::format(
      "Examples:\n"
      "  {0} list\n"
      "  {0} fuzz SCENARIO --time 5m --shard 2/8 --junit fuzz.xml\n"
      "  {0} run SCENARIO --seed 0x2a --report failure/\n"
      "  {0} explore CHECK --strategy pct:3\n"
      "  {0} replay --schedule w1:CHECK:AAIQ\n"
      "  {0} lin history.edn --explain\n"
      "  {0} litmus SB --dot | dot -Tsvg > sb.svg\n"
      "\n"
      "Exit status: 0 clean, 1 a bug was found, 2 bad usage or input (one line on stderr);\n"
      "`lin` also 3: no verdict within the budget.",
      program);
}

// The program's registrations that failed (bad or repeated names).
bool registrations_are_sound(const cli::known& k) {
  const auto& own = props::registrations().errors();
  const auto& merged = k.all().errors();
  if (own.empty() && merged.empty()) return true;
  fmt::print(stderr, "weft: {}\n", own.empty() ? merged.front() : own.front());
  return false;
}

// One invocation's command line: the app, its subcommands, what it knows.
struct command_line {
  std::string program;
  bool catalogue;
  cli::known known;
  CLI::App app;
  std::vector<cli::subcommand> subcommands;

  command_line(int argc, char** argv, const cli_config& config)
      : program(!config.program.empty() ? config.program : (argc > 0 && argv[0] != nullptr ? argv[0] : "weft")),
        catalogue(config.catalogue || wants_catalogue(argc, argv)),
        known(program, catalogue),
        app("run async programs in a deterministic world, by seed; explore their interleavings", program) {
    app.require_subcommand(1);
    app.footer(footer(program));
    app.set_version_flag("--version", std::string("weft ") + WEFT_VERSION);
    app.add_flag("--catalogue", catalogue, "include weft's own scenarios, bug catalogue and models");
    app.failure_message([](const CLI::App*, const CLI::Error& e) { return std::string(e.what()); });
    subcommands = {cli::add_list(app, known),   cli::add_run(app, known),   cli::add_fuzz(app, known),
                   cli::add_explore(app, known), cli::add_replay(app, known), cli::add_model(app, known),
                   cli::add_viz(app, known),     cli::add_lin(app, known),     cli::add_litmus(app, known)};
  }

  static bool wants_catalogue(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      if (std::string_view(argv[i]) == "--catalogue") return true;
    }
    return false;
  }

  // Parses and checks every value. The exit status if that already decided
  // the outcome (help, version, bad input), nullopt to go on and run.
  std::optional<int> parse(int argc, char** argv) {
    if (const std::optional<int> handled = help_or_unknown(app, program, argc, argv)) return handled;
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return app.exit(e);  // --help, --version
    } catch (const CLI::Error& e) {
      return usage_error(program, e);
    }
    if (!registrations_are_sound(known)) return 2;
    return std::nullopt;
  }
};

}  // namespace

namespace cli {

int parse_only(int argc, char** argv, const cli_config& config) {
  command_line c(argc, argv, config);
  return c.parse(argc, argv).value_or(0);
}

}  // namespace cli

int cli_main(int argc, char** argv, const cli_config& config) {
  command_line c(argc, argv, config);
  if (const std::optional<int> done = c.parse(argc, argv)) return *done;
  cli::install_signal_handlers();
  for (const cli::subcommand& s : c.subcommands) {
    if (!s.app->parsed()) continue;
    try {
      const int status = s.run();
      // Output that stayed in stdout's buffer fails only here: treated as a
      // write that failed while printing.
      if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        fmt::print(stderr, "weft: cannot write standard output: {}\n", std::strerror(errno));
        return cli::noted_status();
      }
      return status;
    } catch (const std::system_error&) {
      // Output closed under us (a pipe whose reader left): the status decided so far stands.
      return cli::noted_status();
    }
  }
  WEFT_ASSERT(false, "a parsed command line names one subcommand");
  return 2;
}

}  // namespace weft
