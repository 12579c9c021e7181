// Scenarios: a named world setup that can be run for any seed.
//
// A scenario says which hosts and clients a world has and what faults it
// suffers; run_seed() builds a fresh world for a seed and runs it. The
// `weft` command, the GoogleTest glue and the determinism check all go
// through here, so a seed means the same run everywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/world.hpp"

namespace weft::sim {

struct scenario {
  std::string name;
  std::string kind;         // "scenario", "bug" (has a deliberate bug), "fixed" (its twin)
  std::string description;  // one line
  world_config config;
  std::function<void(world&)> setup;
};

struct seed_result {
  std::uint64_t seed = 0;
  run_report report;
  std::uint64_t trace_hash = 0;
  std::vector<trace::event> trace;  // empty unless asked for
  std::vector<choice> choices;      // the decisions made: replays the run
};

// Runs `s` once for `seed` in a fresh world.
seed_result run_seed(const scenario& s, std::uint64_t seed, bool keep_trace = false);

// Where two traces of what should be the same run first differ.
struct divergence {
  std::size_t index = 0;                  // event position
  std::optional<trace::event> first;      // nullopt: that trace ended here
  std::optional<trace::event> second;
  std::string describe() const;
};
std::optional<divergence> first_divergence(const std::vector<trace::event>& a,
                                           const std::vector<trace::event>& b);

// Runs `seed` twice; nullopt if both traces are byte-identical.
std::optional<divergence> check_determinism(const scenario& s, std::uint64_t seed);

// "0x2a" for 42: how seeds are printed and parsed everywhere.
std::string format_seed(std::uint64_t seed);
// Accepts decimal or 0x-hex; nullopt if malformed.
std::optional<std::uint64_t> parse_seed(const std::string& text);

}  // namespace weft::sim
