// sys::defect_on, sim flavour: whether the running executor was given the
// defect (executor_options::defects); false outside a run.
#pragma once

#include "sim/core/executor.hpp"

namespace weft::sys {

inline bool defect_on(defect d) noexcept {
  const sim::executor* ex = sim::executor::current();
  return ex != nullptr && (ex->defects() & defect_bit(d)) != 0;
}

}  // namespace weft::sys
