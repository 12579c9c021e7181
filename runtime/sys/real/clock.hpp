// sys::clock, real flavour: the monotonic clock (std::chrono::steady_clock).
//
// The runtime reads time only here, so the sim flavour can substitute the
// deterministic world's virtual clock.
#pragma once

#include <chrono>

namespace weft::sys {

struct clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept {
    return time_point(std::chrono::duration_cast<duration>(
        std::chrono::steady_clock::now().time_since_epoch()));
  }
};

}  // namespace weft::sys
