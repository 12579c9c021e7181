// libFuzzer harness: schedule strings. A schedule is decoded or refused
// with a position inside the text; every decoded one encodes back to the
// same choices; and replaying it on a small check either replays, reports
// a failure, or says it does not match — never crashes or hangs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "props/explore.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/schedule.hpp"

namespace {

using namespace weft;

// Two threads, a lost update: schedules of it fail, pass or mismatch.
void racy_counter() {
  sys::atomic<int> n{0};
  const auto work = [&] { n.store(n.load(std::memory_order_acquire) + 1, std::memory_order_release); };
  sys::thread a("a", work);
  sys::thread b("b", work);
  a.join();
  b.join();
  WEFT_ASSERT(n.load(std::memory_order_acquire) == 2, "an increment was lost");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const sim::parsed_schedule parsed = sim::decode_schedule(text);
  if (!parsed) {
    WEFT_ASSERT(parsed.error.position <= text.size(), "a refusal points inside the text");
    return 0;
  }
  const std::string again = sim::encode_schedule(parsed.value->name, parsed.value->choices);
  const sim::parsed_schedule round = sim::decode_schedule(again);
  WEFT_ASSERT(round && round.value->name == parsed.value->name &&
                  round.value->choices.size() == parsed.value->choices.size(),
              "a decoded schedule encodes back to itself");
  props::explore_options o;
  o.name = parsed.value->name;
  o.strategy.which = props::strategy_spec::kind::replay;
  o.strategy.schedule = text;
  o.shrink = false;
  o.max_steps = 1000;
  o.trace_dir = "";
  const props::explore_result r = props::explore(o, racy_counter);
  WEFT_ASSERT(r.error.empty() || !r.failure, "bad input runs nothing");
  return 0;
}
