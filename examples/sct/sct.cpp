#include "examples/sct/sct.hpp"

namespace weft::examples::sct {

const std::vector<program>& programs() {
  static const std::vector<program> all = [] {
    std::vector<program> out = lock_programs();
    for (program& p : atomic_programs()) out.push_back(std::move(p));
    return out;
  }();
  return all;
}

}  // namespace weft::examples::sct
