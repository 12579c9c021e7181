// The plain-C++ catalogue (programs.hpp) as weft checks.
#pragma once

#include <vector>

#include "props/registry.hpp"

namespace weft::examples {

// std-NAME ("bug") and std-NAME-fixed ("fixed") for every program, in order.
std::vector<props::check> std_checks();

}  // namespace weft::examples
