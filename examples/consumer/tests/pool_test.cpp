// The pool's tests under weft: every interleaving of two acquires
// (WEFT_EXPLORE_TEST) and many seeds of a whole service (WEFT_SIM_TEST).
// With POOL_DEFECT=1 both fail, each with one line that reproduces it.
#include <weft/gtest.hpp>

#include "pool/checks.hpp"

WEFT_EXPLORE_TEST(Pool, NeverOpensMoreThanItsLimit) { pool::checks::two_acquires_on_a_pool_of_one(); }

WEFT_SIM_TEST(PoolService, TheDatabaseNeverRefusesTheApp) { pool::checks::service(world); }
