// Facade: deliberate defects of the runtime, for the bug catalogue.
//
// A few of the runtime's protocols have a classic way of going wrong that
// the deterministic world must be able to find. Each is a `defect` here,
// tested at the one place it would be made. In the real flavour
// defect_on() is a constant false, so the test vanishes and the production
// code is the only code; in the sim flavour it reads the set of defects the
// running executor was given (executor_options::defects), so a scenario can
// switch one on for a run without rebuilding anything.
// See runtime/sys/README.md.
#pragma once

#include <cstdint>

#include "runtime/sys/flavour.hpp"

namespace weft::sys {

enum class defect : std::uint8_t {
  // io/scheduled_io: clear_readiness() clears the bits without checking
  // that no newer event arrived since the caller's would-block.
  reactor_clear_ignores_tick = 0,
  // io/scheduled_io: poll_ready() stores the waker without looking at the
  // readiness again, so an event dispatched in between wakes nobody.
  reactor_unchecked_waker = 1,
  // io/scheduled_io: the driver wakes the waiting task before it publishes
  // the readiness that task will look for.
  reactor_wake_before_set = 2,
  // task/state: a by-reference wake that finds the task already notified
  // writes nothing, so it releases nothing: the task's next poll need not
  // see what the waker wrote before waking (a lost wake-up under weak
  // memory; the path tokio-rs/tokio#7589 found and #7622 fixed in Tokio).
  wake_by_ref_unreleased = 3,
};

constexpr std::uint32_t defect_bit(defect d) noexcept { return std::uint32_t{1} << static_cast<unsigned>(d); }

}  // namespace weft::sys

#if defined(WEFT_SYS_SIM) && WEFT_SYS_SIM
#include "runtime/sys/sim/defect.hpp"
#else
#include "runtime/sys/real/defect.hpp"
#endif
