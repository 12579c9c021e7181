// How a failing test tells the user to run it again: the exact command that
// runs only that GoogleTest test of this binary, and where its files go.
#pragma once

#include <string>

namespace weft::props {

// "/abs/path/to/binary --gtest_filter=Suite.Name": the running executable
// (from /proc/self/exe, so it works from any directory), quoted for a POSIX
// shell where needed.
std::string this_test_command(const std::string& full_test_name);

// Where the GoogleTest glue writes traces and schedule files of failing
// runs: $WEFT_TRACE_DIR if set, else "weft-out" under the working directory
// (one folder to ignore in version control).
std::string test_output_dir();

// `text` quoted for a POSIX shell if it holds anything but [A-Za-z0-9_./:=@%+,-].
std::string shell_quote(const std::string& text);

}  // namespace weft::props
