#include "examples/scenarios/registry.hpp"

namespace weft::examples {

const std::vector<sim::scenario>& scenarios() {
  static const std::vector<sim::scenario> all = [] {
    std::vector<sim::scenario> v = {echo_scenario(), kv_scenario(false), kv_scenario(true),
                                     lease_scenario(false), lease_scenario(true),
                                     election_scenario(false), election_scenario(true), fanout_scenario()};
    for (sim::scenario& s : reactor_scenarios()) v.push_back(std::move(s));
    return v;
  }();
  return all;
}

const sim::scenario* find_scenario(const std::string& name) {
  for (const sim::scenario& s : scenarios()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace weft::examples
