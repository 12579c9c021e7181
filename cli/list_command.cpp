// `weft list`: every check, scenario and model this command knows, one per
// line: NAME<TAB>KIND<TAB>DESCRIPTION. Scenarios first, then checks, then
// (with the catalogue) models, each in registration order.
#include <fmt/format.h>

#include "cli/subcommand.hpp"
#include "models/model.hpp"

namespace weft::cli {

subcommand add_list(CLI::App& app, const known& k) {
  subcommand sc;
  sc.app = app.add_subcommand("list", "the scenarios, checks and models known: NAME<TAB>KIND<TAB>DESCRIPTION");
  sc.run = [&k] {
    for (const sim::scenario& s : k.all().scenarios()) fmt::print("{}\t{}\t{}\n", s.name, s.kind, s.description);
    for (const props::check& c : k.all().checks()) fmt::print("{}\t{}\t{}\n", c.name, c.kind, c.description);
    if (k.has_catalogue()) {
      for (const models::model_entry& m : models::catalogue()) {
        fmt::print("{}\t{}\t{}\n", m.name, m.kind, m.description);
      }
    }
    std::fflush(stdout);
    return 0;
  };
  return sc;
}

}  // namespace weft::cli
