// Registers the plain-C++ catalogue (programs.hpp) as checks: std-NAME
// (kind "bug") and std-NAME-fixed (kind "fixed"), for `weft-std` and tests.
#include "examples/std/checks.hpp"

#include "examples/std/programs.hpp"

namespace weft::examples {

std::vector<props::check> std_checks() {
  int count = 0;
  const stdbugs::program* all = stdbugs::programs(count);
  std::vector<props::check> out;
  for (int i = 0; i < count; ++i) {
    const stdbugs::program& p = all[i];
    const std::string name = std::string("std-") + p.name;
    out.push_back({name, "bug", p.description, p.bug, p.weak_memory, 0});
    out.push_back({name + "-fixed", "fixed", std::string(p.name) + ", fixed", p.fixed, p.weak_memory, 0});
  }
  return out;
}

}  // namespace weft::examples
