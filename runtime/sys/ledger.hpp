// Facade: selects the real or simulated implementation of sys::ledger.
// See runtime/sys/README.md.
#pragma once

#include "runtime/sys/flavour.hpp"

#if defined(WEFT_SYS_SIM) && WEFT_SYS_SIM
#include "runtime/sys/sim/ledger.hpp"
#else
#include "runtime/sys/real/ledger.hpp"
#endif
