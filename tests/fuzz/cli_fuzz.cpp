// libFuzzer harness: the command line. The input is split on NUL bytes
// into at most 24 arguments; the command parses and checks them exactly as
// `weft` would (cli::parse_only: nothing runs, nothing is written). It must
// end with 0 (would run), 2 (bad input) or help/version — never crash,
// hang, or read out of bounds. Run it with -close_fd_mask=3 (scripts/fuzz
// does): the help text and error lines would drown libFuzzer's own output,
// which libFuzzer keeps on a copy of stderr.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/subcommand.hpp"
#include "runtime/sys/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 2048) return 0;
  std::vector<std::string> words{"weft"};
  std::string cur;
  for (std::size_t i = 0; i < size && words.size() < 24; ++i) {
    if (data[i] == 0) {
      words.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  if (!cur.empty() && words.size() < 24) words.push_back(cur);
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int status = weft::cli::parse_only(static_cast<int>(words.size()), argv.data(),
                                           {.program = "weft", .catalogue = true});
  WEFT_ASSERT(status == 0 || status == 2, "a command line parses, or is bad input (help and version are 0)");
  return 0;
}
