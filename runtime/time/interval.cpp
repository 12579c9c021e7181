#include "runtime/time/interval.hpp"

#include <stdexcept>

namespace weft::rt {
namespace {

clock::duration checked_period(clock::duration period) {
  if (period <= clock::duration::zero()) {
    throw std::invalid_argument("weft: interval period must be positive");
  }
  return period;
}

constexpr auto late_slack = std::chrono::milliseconds(5);

}  // namespace

interval::interval(clock::duration period, missed_tick_behavior behavior)
    : interval(clock::now(), period, behavior) {}

interval::interval(clock::time_point start, clock::duration period, missed_tick_behavior behavior)
    : period_(checked_period(period)), behavior_(behavior), sleep_(sleep_until(start)) {}

void interval::reset() { sleep_.reset(clock::now() + period_); }

clock::time_point interval::next_after(clock::time_point scheduled,
                                       clock::time_point now) const noexcept {
  if (now - scheduled <= late_slack) {
    return scheduled + period_;
  }
  switch (behavior_) {
    case missed_tick_behavior::burst:
      return scheduled + period_;
    case missed_tick_behavior::delay:
      return now + period_;
    case missed_tick_behavior::skip: {
      const auto missed = (now - scheduled) / period_ + 1;
      return scheduled + missed * period_;
    }
  }
  return scheduled + period_;
}

bool interval::poll_tick(const waker& w, clock::time_point& fired_at) noexcept {
  if (!sleep_.poll(w)) {
    return false;
  }
  const clock::time_point scheduled = sleep_.deadline();
  fired_at = scheduled;
  sleep_.reset(next_after(scheduled, clock::now()));
  return true;
}

}  // namespace weft::rt
