// What one invocation of the command knows: the program's registrations,
// then weft's catalogue when asked for; and the lookups every subcommand
// makes, each of which says in one line on stderr what was wrong.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "props/program.hpp"
#include "props/registry.hpp"

namespace weft::cli {

// "NAME+swarm": the scenario NAME with swarm testing on (see find_scenario).
inline constexpr std::string_view swarm_suffix = "+swarm";

class known {
 public:
  // `program`: how messages name the command ("weft", "./pool-weft").
  known(std::string program, bool catalogue);

  const props::registry& all() const noexcept { return all_; }
  bool has_catalogue() const noexcept { return catalogue_; }
  const std::string& program() const noexcept { return program_; }

  // nullptr, after one line on stderr, for an unknown name (or a name of
  // the other kind: a scenario given to explore, a check given to run).
  const sim::scenario* scenario_or_complain(const std::string& name) const;
  const props::check* check_or_complain(const std::string& name) const;
  // What `explore` and `replay` run: a check's body or a whole scenario.
  std::optional<props::program> explorable_or_complain(const std::string& name) const;

  // A registered scenario by name; "NAME+swarm" is NAME with swarm testing
  // on (sim/world/swarm.hpp), as `--swarm` asks and schedules name it.
  const sim::scenario* find_scenario(const std::string& name) const;

 private:
  std::string names_of_scenarios() const;
  std::string names_of_checks() const;
  std::string unknown_hint() const;

  std::string program_;
  bool catalogue_;
  props::registry all_;
  mutable std::deque<sim::scenario> swarm_variants_;  // made on first lookup; stable addresses
};

}  // namespace weft::cli
