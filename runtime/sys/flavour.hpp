// Which flavour of the sys layer this translation unit is built against.
//
// The only place (with the facade headers next to it) that reads
// WEFT_SYS_SIM. Code elsewhere may use `sys::is_simulated` in an
// `if constexpr` when it must, but should prefer to be flavour-blind.
#pragma once

namespace weft::sys {

#if defined(WEFT_SYS_SIM) && WEFT_SYS_SIM
inline constexpr bool is_simulated = true;
#else
inline constexpr bool is_simulated = false;
#endif

}  // namespace weft::sys
