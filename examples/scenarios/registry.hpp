// The scenarios weft knows by name: what `weft list` prints and what
// `weft run` / `weft fuzz` run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/world/scenario.hpp"

namespace weft::examples {

const std::vector<sim::scenario>& scenarios();
const sim::scenario* find_scenario(const std::string& name);

// The individual scenarios (one file each).
sim::scenario echo_scenario();
sim::scenario kv_scenario(bool fixed);

}  // namespace weft::examples
