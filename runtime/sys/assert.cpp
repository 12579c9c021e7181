#include "runtime/sys/assert.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace weft::sys {
namespace {

[[noreturn]] void print_and_abort(const char* expr, const char* message, const char* file, int line) {
  std::fprintf(stderr, "weft: assertion failed: %s (%s) at %s:%d\n", expr, message, file, line);
  std::fflush(stderr);
  std::abort();
}

// A plain std::atomic on purpose: the handler is process configuration, not
// part of any protocol the simulator explores.
std::atomic<assertion_handler> installed{[](const char* e, const char* m, const char* f, int l) {
  print_and_abort(e, m, f, l);
}};

}  // namespace

assertion_handler set_assertion_handler(assertion_handler handler) noexcept {
  return installed.exchange(handler != nullptr ? handler : &print_and_abort);
}

void assertion_failed(const char* expr, const char* message, const char* file, int line) noexcept {
  installed.load()(expr, message, file, line);
  // A handler must not return; if it does, stop here rather than run on with
  // a broken invariant.
  print_and_abort(expr, message, file, line);
}

}  // namespace weft::sys
