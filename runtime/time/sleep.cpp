#include "runtime/time/sleep.hpp"

#include "runtime/context.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/error.hpp"

namespace weft::rt {

sleep_future::sleep_future(sleep_future&& other) noexcept
    : leaf_future(other), driver_(other.driver_), deadline_(other.deadline_) {
  WEFT_ASSERT(!other.timer_.registered, "a sleep cannot move once it has been polled");
}

detail::time_driver& current_time_driver() {
  const detail::context* cx = detail::current_context::get();
  if (cx == nullptr || cx->sched == nullptr) {
    throw usage_error("weft: rt::sleep used outside a runtime; call it from a task");
  }
  return cx->sched->driver().time();
}

}  // namespace weft::rt
