// Shrinking a failing run to the smallest schedule that fails the same way
// (props::explore's last step; the algorithm is described in explore.hpp).
#pragma once

#include <cstdint>
#include <functional>

#include "props/explore.hpp"
#include "sim/core/run_pool.hpp"

namespace weft::props {

// Whether `b` fails the way `a` did: the same outcome and, for assertions,
// the same message (it names the file and line); for exceptions, the same
// message up to the numbers in it.
bool same_failure(const sim::run_report& a, const sim::run_report& b);

struct shrink_result {
  execution best;         // the smallest found; its choices replay strictly
  std::uint64_t runs = 0;  // re-executions spent
};

// At most options.shrink_runs re-executions of `body`.
shrink_result shrink(const execution& failing, const program& body, const explore_options& options,
                     sim::run_pool& pool);

}  // namespace weft::props
