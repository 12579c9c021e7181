// weft::cli_main: the `weft` command over a program's own registrations.
//
//   int main(int argc, char** argv) { return weft::cli_main(argc, argv); }
//
// (weft::cli_main, the CMake target, supplies exactly this main(); link
// weft::cli to write your own.) The command knows the checks and scenarios
// the program registered with WEFT_CHECK and WEFT_SCENARIO
// (props/registry.hpp), and weft's own catalogue — the scenarios echo, kv,
// kv-fixed and fanout, the bug catalogue and the protocol models — when
// `config.catalogue` is set or the user passes --catalogue. The stock
// `weft` is this function over the catalogue alone.
//
// Exit status: 0 clean, 1 a bug was found, 2 bad usage or input (one line
// on stderr), as documented in `weft --help`.
#pragma once

#include <string>

namespace weft {

struct cli_config {
  // How repro lines and messages name the command; empty: argv[0] as
  // invoked (so the printed line runs from where the user ran it).
  std::string program;
  // Include weft's own catalogue without --catalogue.
  bool catalogue = false;
};

int cli_main(int argc, char** argv, const cli_config& config = {});

}  // namespace weft
