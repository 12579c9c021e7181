// sys::clock, sim flavour: the deterministic world's virtual clock. It
// starts at a fixed epoch and moves only when every simulated thread is
// blocked, jumping to the next timed event.
#pragma once

#include <chrono>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor.hpp"

namespace weft::sys {

struct clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept {
    const sim::executor* ex = sim::executor::current();
    WEFT_ASSERT(ex != nullptr, "sys::clock (sim flavour) read outside a simulated world");
    return time_point(duration(ex->now_ns()));
  }
};

}  // namespace weft::sys
