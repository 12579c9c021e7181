// The scenarios weft knows by name: what `weft list` prints and what
// `weft run` / `weft fuzz` run.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/faults.hpp"
#include "sim/world/scenario.hpp"

namespace weft::examples {

const std::vector<sim::scenario>& scenarios();
const sim::scenario* find_scenario(const std::string& name);

// The individual scenarios (one file each).
sim::scenario echo_scenario();
sim::scenario fanout_scenario();
// reactor-bug-<defect> (kind bug) for each reactor defect, then their
// twin reactor-echo (kind fixed).
std::vector<sim::scenario> reactor_scenarios();
sim::scenario kv_scenario(bool fixed);
sim::scenario lease_scenario(bool fixed);
sim::scenario election_scenario(bool fixed);
// kv with the fault plan `plan(w)` (called once the hosts n1, n2 and the
// client exist) instead of one drawn from the seed: for property tests that
// generate plans.
sim::scenario kv_scenario_with(bool fixed, std::function<sim::fault_plan(sim::world&)> plan);

}  // namespace weft::examples
