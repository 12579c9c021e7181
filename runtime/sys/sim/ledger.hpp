// sys::ledger, sim flavour: the runtime reports every coroutine frame it
// allocates and frees (task bodies, spawned or awaited), so the explorer can
// report frames still allocated when a run ends cleanly: leaked tasks.
#pragma once

#include "sim/core/executor.hpp"

namespace weft::sys::ledger {

inline void frame_allocated() noexcept {
  if (sim::executor* ex = sim::executor::current()) ex->note_frames(+1);
}
inline void frame_freed() noexcept {
  if (sim::executor* ex = sim::executor::current()) ex->note_frames(-1);
}

}  // namespace weft::sys::ledger
