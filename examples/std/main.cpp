// weft-std: the `weft` command over the plain-C++ catalogue
// (examples/std/programs.hpp), built with weft_instrument.
//
//   weft-std list
//   weft-std explore std-lost-update
#include "cli/cli.hpp"
#include "examples/std/checks.hpp"
#include "props/registry.hpp"

int main(int argc, char** argv) {
  for (weft::props::check& c : weft::examples::std_checks()) weft::props::registrations().add(std::move(c), "examples/std");
  return weft::cli_main(argc, argv);
}
