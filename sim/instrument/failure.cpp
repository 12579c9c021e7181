// sim/instrument: what ends a simulated thread's run. assert(), abort(),
// exit(nonzero) and std::terminate on a simulated thread are failures of
// that run, reported, shrunk and replayed like a failed WEFT_ASSERT;
// exit(0) ends it cleanly; fork() and signals are what the world does not
// model (outcome::unsupported). Elsewhere each is the real thing.
#include <signal.h>
#include <unistd.h>

#include <exception>
#include <string>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace wi = weft::sim::instrument;
using weft::sim::executor;
using weft::sim::outcome;

extern "C" [[noreturn]] void __assert_fail(const char* expression, const char* file, unsigned line,
                                           const char* function) noexcept {
  if (executor* ex = wi::in_run()) {
    ex->fail(outcome::assertion, std::string("assertion failed: ") + expression + " at " + file + ":" +
                                     std::to_string(line) + " (" + function + ")");
  }
  WEFT_REAL(__assert_fail)(expression, file, line, function);
  __builtin_unreachable();
}

extern "C" [[noreturn]] void abort() noexcept {
  if (executor* ex = wi::in_run()) {
    ex->fail(outcome::assertion, "abort() called at " + wi::symbolize(wi::program_site(__builtin_return_address(0))));
  }
  WEFT_REAL(abort)();
  __builtin_unreachable();
}

// exit() on a simulated thread would end the process, the explorer with it.
// It ends the run instead, as it ends a process: every thread stops where
// it is; a nonzero status is a failure (as a test program's would be).
extern "C" [[noreturn]] void exit(int status) noexcept {
  if (executor* ex = wi::in_run()) {
    if (status != 0) {
      ex->fail(outcome::assertion, "exit(" + std::to_string(status) + ") called at " +
                                       wi::symbolize(wi::program_site(__builtin_return_address(0))));
    }
    ex->end_program();
  }
  WEFT_REAL(exit)(status);
  __builtin_unreachable();
}

extern "C" pid_t fork() noexcept {
  if (executor* ex = wi::in_run()) wi::unsupported(*ex, "fork() on a simulated thread");
  return WEFT_REAL(fork)();
}

extern "C" int raise(int sig) noexcept {
  if (executor* ex = wi::in_run()) {
    wi::unsupported(*ex, "raise(" + std::to_string(sig) + ") on a simulated thread: signals are not simulated");
  }
  return WEFT_REAL(raise)(sig);
}

extern "C" int kill(pid_t pid, int sig) noexcept {
  if (executor* ex = wi::in_run()) {
    wi::unsupported(*ex, "kill(" + std::to_string(pid) + ", " + std::to_string(sig) +
                             ") on a simulated thread: signals are not simulated");
  }
  return WEFT_REAL(kill)(pid, sig);
}

extern "C" int pthread_kill(pthread_t thread, int sig) noexcept {
  if (executor* ex = wi::in_run()) {
    wi::unsupported(*ex, "pthread_kill(..., " + std::to_string(sig) + ") on a simulated thread: signals are not simulated");
  }
  return WEFT_REAL(pthread_kill)(thread, sig);
}

namespace {

// std::terminate on a simulated thread (an exception leaving a noexcept
// function, a joinable std::thread destroyed, ...): the run fails.
std::terminate_handler previous_terminate = nullptr;

[[noreturn]] void on_terminate() {
  if (executor* ex = wi::in_run()) {
    std::string why = "std::terminate called";
    if (std::exception_ptr e = std::current_exception()) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        why += " with an uncaught exception: " + std::string(x.what());
      } catch (...) {
        why += " with an uncaught non-standard exception";
      }
    }
    ex->fail(outcome::exception, why + " (thread " + std::to_string(ex->current_thread()) + " '" +
                                     ex->thread_name(ex->current_thread()) + "')");
  }
  if (previous_terminate != nullptr) previous_terminate();
  WEFT_REAL(abort)();
  __builtin_unreachable();
}

[[maybe_unused]] const bool terminate_installed = [] {
  previous_terminate = std::set_terminate(&on_terminate);
  return true;
}();

}  // namespace
