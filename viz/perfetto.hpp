// Chrome trace-event JSON (opens in Perfetto's UI and chrome://tracing):
// one process per host, one track per worker (and per other thread), polls
// as slices, wakes, steals, parks and faults as instants, messages and
// wake->poll as flow arrows.
//
// Time: virtual nanoseconds become microseconds, plus one nanosecond per
// trace step, so events at the same virtual instant keep their order and
// polls that took no virtual time still show as thin slices.
#pragma once

#include <string>
#include <vector>

#include "runtime/trace/event.hpp"

namespace weft::viz {

std::string perfetto_json(const std::vector<trace::event>& events);

}  // namespace weft::viz
