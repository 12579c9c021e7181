// libFuzzer harness: the trace and schedule-file readers, and the views on
// whatever they accept. The first byte picks the reader; the rest is the
// file. Readers must accept or refuse with a line number, never crash;
// every trace they accept must draw (as dot text: the layout is Graphviz's
// business) and must survive a write/read round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "runtime/sys/assert.hpp"
#include "runtime/trace/jsonl.hpp"
#include "viz/trace_reader.hpp"
#include "viz/views.hpp"

namespace {

using namespace weft;

void trace_input(const std::string& text) {
  std::istringstream in(text);
  const viz::read_result r = viz::read_trace(in);
  if (!r) {
    WEFT_ASSERT(r.error().line >= 1, "a refused trace names its line");
    return;
  }
  const auto& events = r.value().events;
  viz::filter f;
  f.max_nodes = 64;
  (void)viz::spacetime_view(events, f, viz::lanes::host);
  (void)viz::spacetime_view(events, f, viz::lanes::thread);
  (void)viz::tasks_view(events, f);
  (void)viz::workers_view(events, f);
  std::istringstream again(trace::to_jsonl(events));
  const viz::read_result back = viz::read_trace(again);
  WEFT_ASSERT(back && back.value().events == events, "a trace read back after writing is the same trace");
}

void schedule_input(const std::string& text) {
  std::istringstream in(text);
  const auto r = viz::read_schedule(in);
  if (const auto* s = std::get_if<viz::schedule_file>(&r)) {
    viz::filter f;
    f.max_nodes = 64;
    (void)viz::interleaving_view(*s, f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > (1u << 16)) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    trace_input(text);
  } else {
    schedule_input(text);
  }
  return 0;
}
