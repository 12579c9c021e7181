// Whether this build runs under AddressSanitizer: GCC says so with
// __SANITIZE_ADDRESS__, clang with __has_feature(address_sanitizer). The
// simulated threads' stack switches must be announced to AddressSanitizer,
// or it reports nonsense, and what abandoned threads' frames point to must
// stay reachable for LeakSanitizer; see executor.cpp and stack_pool.cpp.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define WEFT_SIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WEFT_SIM_ASAN 1
#endif
#endif

#if defined(WEFT_SIM_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif
