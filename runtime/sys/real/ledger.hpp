// sys::ledger, real flavour: nothing. Counting every coroutine frame in a
// real process would cost a shared counter per spawn; leaks there are
// LeakSanitizer's job.
#pragma once

namespace weft::sys::ledger {

inline void frame_allocated() noexcept {}
inline void frame_freed() noexcept {}

}  // namespace weft::sys::ledger
