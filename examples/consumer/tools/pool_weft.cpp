// pool-weft: this project's own `weft` command. Linked with weft::cli_main,
// it lists, explores, replays, runs and fuzzes the registrations below:
//
//   pool-weft list
//   pool-weft explore pool-two-acquires
//   pool-weft fuzz pool-service --seeds 500 --junit fuzz.xml
#include <weft/cli.hpp>

#include "pool/checks.hpp"

WEFT_CHECK("pool-two-acquires", "two tasks acquire from a pool of one connection; at most one is ever open") {
  pool::checks::two_acquires_on_a_pool_of_one();
}

WEFT_SCENARIO("pool-service", "six request tasks reach a two-connection database through a pool of two") {
  pool::checks::service(world);
}
