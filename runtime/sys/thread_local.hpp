// Facade: selects the real or simulated implementation of sys::thread_local.
// See runtime/sys/README.md.
#pragma once

#include "runtime/sys/flavour.hpp"

#if defined(WEFT_SYS_SIM) && WEFT_SYS_SIM
#include "runtime/sys/sim/thread_local.hpp"
#else
#include "runtime/sys/real/thread_local.hpp"
#endif
