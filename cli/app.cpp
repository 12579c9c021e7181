// weft::cli_main: declares the subcommands (one file each), parses, and
// runs the one chosen. Parse errors, like every bad input, are one line on
// stderr and exit 2.
#include <fmt/format.h>

#include "cli/cli.hpp"
#include "cli/subcommand.hpp"
#include "runtime/sys/assert.hpp"

#ifndef WEFT_VERSION
#error "WEFT_VERSION is defined by the build"
#endif

namespace weft {
namespace {

// CLI11 reports its own parse errors over several lines; weft promises one.
int usage_error(const std::string& program, const CLI::Error& e) {
  std::string what = e.what();
  for (char& c : what) {
    if (c == '\n') c = ' ';
  }
  fmt::print(stderr, "weft: {} (see {} --help)\n", what, program);
  return 2;
}

std::string footer(const std::string& program) {
  return fmt::format(
      "Examples:\n"
      "  {0} list\n"
      "  {0} fuzz SCENARIO --time 5m --shard 2/8 --junit fuzz.xml\n"
      "  {0} run SCENARIO --seed 0x2a --report failure/\n"
      "  {0} explore CHECK --strategy pct:3\n"
      "  {0} replay --schedule w1:CHECK:AAIQ\n"
      "\n"
      "Exit status: 0 clean, 1 a bug was found, 2 bad usage or input (one line on stderr).",
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

}  // namespace

int cli_main(int argc, char** argv, const cli_config& config) {
  const std::string program =
      !config.program.empty() ? config.program : (argc > 0 && argv[0] != nullptr ? argv[0] : "weft");
  bool catalogue = config.catalogue;
  for (int i = 1; i < argc && !catalogue; ++i) catalogue = std::string_view(argv[i]) == "--catalogue";
  const cli::known k(program, catalogue);

  CLI::App app{"run async programs in a deterministic world, by seed; explore their interleavings", program};
  app.require_subcommand(1);
  app.footer(footer(program));
  app.set_version_flag("--version", std::string("weft ") + WEFT_VERSION);
  app.add_flag("--catalogue", catalogue, "include weft's own scenarios, bug catalogue and models");
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return std::string(e.what()); });
  const std::vector<cli::subcommand> subcommands = {
      cli::add_list(app, k),    cli::add_run(app, k),   cli::add_fuzz(app, k), cli::add_explore(app, k),
      cli::add_replay(app, k),  cli::add_model(app, k), cli::add_viz(app, k)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::Error& e) {
    return usage_error(program, e);
  }
  if (!registrations_are_sound(k)) return 2;
  for (const cli::subcommand& s : subcommands) {
    if (s.app->parsed()) return s.run();
  }
  WEFT_ASSERT(false, "a parsed command line names one subcommand");
  return 2;
}

}  // namespace weft
