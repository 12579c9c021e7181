// main() for weft::cli_main: a program linked with it is a `weft` command
// over its own WEFT_CHECK and WEFT_SCENARIO registrations.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return weft::cli_main(argc, argv); }
