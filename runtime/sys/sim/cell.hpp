// sys::cell<T>, sim flavour. Simulated threads run one at a time, so the
// memory needs no protection to stay intact; what a cell adds is the claim
// that its accesses are ordered by other synchronisation. The exploration
// layer checks that claim with vector clocks; until a race detector is
// attached, accesses are plain.
#pragma once

#include "runtime/sys/real/cell.hpp"
