// WEFT_ASSERT: invariants checked in every build, production included.
//
// The simulator is only as sharp as the assertions it can trip, so the
// runtime asserts what it relies on (TigerStyle) and these checks stay on in
// release builds. Keep them cheap: a comparison, not a walk over a queue.
//
//   WEFT_ASSERT(prev.is_running(), "transition_to_idle from a non-running task");
//
// A failed assertion calls the installed handler. The default prints one line
// ("weft: assertion failed: <expr> (<message>) at file:line") and aborts; the
// deterministic world installs one that reports the failure with its seed.
#pragma once

namespace weft::sys {

using assertion_handler = void (*)(const char* expr, const char* message, const char* file,
                                   int line);

// Installs `handler` for every thread and returns the previous one.
assertion_handler set_assertion_handler(assertion_handler handler) noexcept;

[[noreturn]] void assertion_failed(const char* expr, const char* message, const char* file,
                                   int line) noexcept;

}  // namespace weft::sys

#define WEFT_ASSERT(cond, message)                                          \
  do {                                                                      \
    if (!(cond)) [[unlikely]] {                                             \
      ::weft::sys::assertion_failed(#cond, (message), __FILE__, __LINE__); \
    }                                                                       \
  } while (false)
