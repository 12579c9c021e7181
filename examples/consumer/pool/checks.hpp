// The pool under weft: the program the explorer runs and the service the
// world runs. Shared by the GoogleTest suite (tests/) and the project's own
// `weft` command (tools/).
#pragma once

#include "sim/world/world.hpp"

namespace pool::checks {

// Two tasks on a two-worker runtime each acquire from a pool of one
// connection, use it and give it back. Asserts that the pool never had more
// than one connection open. A thread-level program: run it under
// props::explore (WEFT_EXPLORE_TEST, WEFT_CHECK).
void two_acquires_on_a_pool_of_one();

// A database host "db" that accepts at most `db_limit` connections at once
// (it answers FULL to any more), and a client "app" whose six request tasks
// reach it through a pool of `db_limit` connections. The client throws
// if the database ever refuses it.
inline constexpr int db_limit = 2;
void service(weft::sim::world& world);

}  // namespace pool::checks
