// What lives for one invocation of the command beyond its flags: signals
// that stop long runs cleanly, the progress line, the default output
// folder, and the exit status decided so far.
//
// Ctrl-C (SIGINT) and SIGTERM set a flag that `fuzz` and `explore` check
// between runs: they stop, finish their JUnit file and report, and say
// that they were interrupted. SIGPIPE is ignored, so a closed output pipe
// (`weft fuzz ... | head -2`) is a write error, not sudden death; cli_main
// then exits with the status decided so far (note_status), so a bug found
// before the pipe closed still exits 1.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace weft::cli {

void install_signal_handlers();
const std::atomic<bool>& interrupted();
int interrupting_signal();  // the signal that set interrupted(), or 0

// The exit status to use if printing fails from here on.
void note_status(int status);
int noted_status();

// Where weft writes what nobody asked a place for (failing seeds' traces,
// schedule files): one folder, created when first needed, that version
// control can ignore.
inline constexpr const char* default_output_dir = "weft-out";

// Creates `dir` (and its parents) if missing. "" or one line naming `flag`.
std::string make_output_dir(const std::string& dir, const char* flag);

// A progress line on stderr: redrawn in place at most every 100 ms on a
// terminal, a new line every 5 s otherwise.
class progress_line {
 public:
  progress_line();
  void update(const std::string& text);  // rate-limited
  void finish(const std::string& text);  // always shown

 private:
  bool tty_;
  std::chrono::steady_clock::time_point last_;
  bool shown_ = false;
};

}  // namespace weft::cli
