// What the world-exploration tests share: a catalogue scenario by name, and
// explore options for a strategy written as on the command line.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "examples/scenarios/registry.hpp"
#include "props/explore.hpp"

namespace weft::props::testing_support {

inline const sim::scenario& scenario(const std::string& name) {
  const sim::scenario* s = examples::find_scenario(name);
  EXPECT_NE(s, nullptr) << name;
  return *s;
}

inline explore_options options(const std::string& name, const std::string& strategy, std::uint64_t iterations) {
  explore_options o;
  o.name = name;
  std::string error;
  const auto spec = parse_strategy(strategy, error);
  EXPECT_TRUE(spec.has_value()) << strategy << ": " << error;
  if (spec) o.strategy = *spec;
  o.iterations = iterations;
  return o;
}

}  // namespace weft::props::testing_support
