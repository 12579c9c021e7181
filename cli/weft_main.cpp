// The stock `weft` command: cli_main over weft's own catalogue.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return weft::cli_main(argc, argv, {.program = "weft", .catalogue = true}); }
