// weft in GoogleTest: one header for tests (link weft::gtest).
//
//   #include <weft/gtest.hpp>
//   using namespace weft;
//
//   WEFT_EXPLORE_TEST(Counter, TwoIncrementsAreNeverLost) {   // every interleaving
//     sys::atomic<int> n{0};
//     sys::thread a("a", [&] { n.fetch_add(1); });
//     sys::thread b("b", [&] { n.fetch_add(1); });
//     a.join();
//     b.join();
//     WEFT_ASSERT(n.load() == 2, "an increment was lost");
//   }
//
//   WEFT_SIM_TEST(Service, SurvivesPartitions) {               // many seeds of a world
//     world.host("server", serve);
//     world.client("client", talk);
//   }
//
// A failure prints exactly one line that reproduces it
// (`reproduce: WEFT_SCHEDULE=... <binary> --gtest_filter=...` or
// `reproduce: WEFT_SEED=... <binary> --gtest_filter=...`). See
// props/explore_test.hpp and props/sim_test.hpp for the options and the
// environment variables.
#pragma once

#include <weft/weft.hpp>

#include "props/explore_test.hpp"
#include "props/sim_test.hpp"
