// Your own `weft` command: your checks and scenarios, weft's subcommands.
//
//   #include <weft/cli.hpp>
//   using namespace weft;
//
//   WEFT_CHECK("pool-two-acquires", "two tasks acquire from a pool of one") {
//     ...  // a thread-level program, explored by `explore` and `replay`
//   }
//   WEFT_SCENARIO("pool-service", "clients reach a database through the pool") {
//     world.host("db", ...);  // a world setup, run by `run` and `fuzz`
//     world.client("app", ...);
//   }
//
// Link the program with weft::cli_main (which supplies main()) and it is a
// full `weft` over these registrations: list, run, fuzz, explore, replay,
// viz, with shards, JUnit, --report and the same exit statuses. Its repro
// lines name the program as it was invoked. `--catalogue` adds weft's own
// scenarios, bug catalogue and models. To write main() yourself, link
// weft::cli instead and call weft::cli_main(argc, argv, config).
#pragma once

#include <weft/weft.hpp>

#include "cli/cli.hpp"
#include "props/registry.hpp"
