// weft: the runtime and the deterministic world in one include.
//
//   #include <weft/weft.hpp>
//
// gives the sys door (weft::sys::atomic, mutex, condvar, thread, cell), the
// runtime (weft::rt: tasks, spawn, schedulers, time, sync, weft::net), the
// world (weft::sim::world, sim::random, sim::buggify), the explorer
// (weft::props::explore) and the linearizability checker. Which flavour of
// the sys door you get follows the target you link: weft::runtime is the
// real one; weft::runtime_sim, weft::sim, weft::props, weft::gtest and
// weft::cli_main the simulated one (they define WEFT_SYS_SIM=1). The world
// and the explorer exist only in the simulated flavour.
#pragma once

#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

#if defined(WEFT_SYS_SIM)
#include "props/explore.hpp"
#include "props/linearizability.hpp"
#include "sim/world/world.hpp"
#endif
