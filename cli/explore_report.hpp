// What `explore` and `replay` share: printing an exploration's result and
// the failure's report page.
#pragma once

#include <string>

#include "props/explore.hpp"
#include "props/registry.hpp"

namespace weft::cli {

// Prints the result; the exit status: 2 for bad input (a malformed or
// foreign schedule, one line on stderr), 1 for a failure found, else 0.
int print_explore_result(const props::explore_result& r);

// The report page of r's failure in `dir`: index.html with the
// interleaving (a check) or the space-time views of the shrunk run's trace
// (a world scenario).
void write_explore_report(const std::string& program, const std::string& dir, const std::string& name,
                          const props::explore_result& r);

}  // namespace weft::cli
