// main() of an unmodified program, explored: what `weft_instrument(TARGET
// MAIN)` links (weft::explore_main). The linker's --wrap=main sends the C
// runtime's call of main here (__wrap_main), and the program's own main is
// __real_main: each run of the exploration is one run of the program's
// main() as the simulated thread "main", its std::threads simulated
// threads (sim/instrument).
//
//   ./prog args...                                  # 10,000 schedules, default portfolio
//   WEFT_STRATEGY=dpor WEFT_ITERATIONS=100000 ./prog args...
//   WEFT_SCHEDULE=w1:prog:... ./prog args...         # replay the printed schedule
//   WEFT_EXPLORE=off ./prog args...                  # run it for real, once
//
// The program's own output is discarded while schedules are searched
// (WEFT_OUTPUT=on keeps it) and shown when one schedule is replayed.
//
// A run fails as any explored run does (a failed assert, a deadlock, a data
// race, ...) and also when main returns nonzero or calls exit() with a
// nonzero status. Returning from main (or exit(0)) ends the run as it ends
// the process: threads still running stop there. Prints weft's one summary (stdout when clean, stderr when
// a failure is found, with the line that replays it) and exits 0 clean,
// 1 found, 2 for a bad WEFT_* variable or schedule.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "props/explore.hpp"
#include "props/test_command.hpp"
#include "sim/core/schedule.hpp"
#include "sim/core/sync.hpp"

extern "C" int __real_main(int argc, char** argv, char** envp);

namespace weft::props {
namespace {

// An on/off variable: unset gives `fallback`; anything but on/off/1/0 is
// bad input (nullopt).
std::optional<bool> switch_variable(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  const std::string_view s = v;
  if (s == "on" || s == "1") return true;
  if (s == "off" || s == "0") return false;
  return std::nullopt;
}

// "WEFT_SCHEDULE={} /abs/prog arg...": the program as invoked, quoted.
std::string repro_command(int argc, char** argv) {
  std::string line = "WEFT_SCHEDULE={}";
  for (int i = 0; i < argc; ++i) line += " " + shell_quote(argv[i]);
  return line;
}

// The program's name as a schedule names it: its file name.
std::string program_name(const char* argv0) {
  const std::string_view path = argv0 != nullptr ? argv0 : "program";
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Sends stdout and stderr to /dev/null while it lives (when `on`).
class quiet_output {
 public:
  explicit quiet_output(bool on) {
    if (!on) return;
    std::fflush(stdout);
    std::fflush(stderr);
    saved_out_ = dup(STDOUT_FILENO);
    saved_err_ = dup(STDERR_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      close(null);
    }
  }
  quiet_output(const quiet_output&) = delete;
  quiet_output& operator=(const quiet_output&) = delete;
  ~quiet_output() { restore(); }
  void restore() {
    if (saved_out_ < 0) return;
    std::fflush(stdout);
    std::fflush(stderr);
    dup2(saved_out_, STDOUT_FILENO);
    dup2(saved_err_, STDERR_FILENO);
    close(saved_out_);
    close(saved_err_);
    saved_out_ = saved_err_ = -1;
  }

 private:
  int saved_out_ = -1;
  int saved_err_ = -1;
};

int explore_main(int argc, char** argv, char** envp) {
  explore_options o;
  o.name = program_name(argc > 0 ? argv[0] : nullptr);
  o.trace_dir = test_output_dir();
  if (const auto bad = apply_explore_environment(o)) {
    std::fprintf(stderr, "weft: %s\n", bad->c_str());
    return 2;
  }
  o.repro = repro_command(argc, argv);
  const bool replay = o.strategy.which == strategy_spec::kind::replay;
  if (replay) o.shrink = false;
  // The program's own output, once per run, would bury the report: it is
  // shown only when one schedule is replayed (or with WEFT_OUTPUT=on).
  const std::optional<bool> show = switch_variable("WEFT_OUTPUT", false);
  if (!show) {
    std::fprintf(stderr, "weft: WEFT_OUTPUT=%s: expected on or off\n", std::getenv("WEFT_OUTPUT"));
    return 2;
  }
  quiet_output quiet(!replay && !*show);
  const explore_result r = explore(o, [argc, argv, envp] {
    const int status = __real_main(argc, argv, envp);
    sim::executor& ex = sim::this_world();
    if (status != 0) ex.fail(sim::outcome::assertion, "main returned " + std::to_string(status));
    ex.end_program();  // returning from main ends the process, threads still running or not
  });
  quiet.restore();
  if (!r.error.empty()) {
    std::fprintf(stderr, "weft: WEFT_SCHEDULE: %s\n", r.error.c_str());
    return 2;
  }
  if (r.failure) {
    std::fputs(r.summary().c_str(), stderr);
    return r.failure->kind == sim::outcome::mismatch ? 2 : 1;
  }
  std::fputs(r.summary().c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace weft::props

extern "C" int __wrap_main(int argc, char** argv, char** envp) {
  const std::optional<bool> explore = weft::props::switch_variable("WEFT_EXPLORE", true);
  if (!explore) {
    std::fprintf(stderr, "weft: WEFT_EXPLORE=%s: expected on or off\n", std::getenv("WEFT_EXPLORE"));
    return 2;
  }
  if (!*explore) return __real_main(argc, argv, envp);
  const int status = weft::props::explore_main(argc, argv, envp);
  std::fflush(stdout);
  return status;
}
