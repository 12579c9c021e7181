// What the views (spacetime, tasks, workers, interleaving) share: the size
// limit, captions, lane headers and the house colours. Internal to viz/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/trace/dot.hpp"
#include "runtime/trace/event.hpp"
#include "viz/views.hpp"

namespace weft::viz::detail {

// Keeps the last `max` of `v` (the end is where failures are); returns how
// many were cut. max 0 keeps everything.
template <class T>
std::size_t keep_last(std::vector<T>& v, std::size_t max) {
  if (max == 0 || v.size() <= max) return 0;
  const std::size_t cut = v.size() - max;
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(cut));
  return cut;
}

// "BASE (steps 10..120, host 2) — the first 40 events are not shown (...)".
std::string caption(std::string base, const filter& f, std::size_t cut, const char* what);

// A row or column header: white on dark, optionally in a layout group.
void header(trace::dot_writer& d, const std::string& id, const std::string& label, const std::string& group = "");

// The graph as a view returns it: the text and its counts.
graph finish(trace::dot_writer& d, std::size_t cut, std::vector<std::string> highlighted);

std::string millis(std::int64_t ns);

// Events of the deterministic world (network, faults, clock), not the runtime's.
bool is_world_kind(trace::kind k) noexcept;
// A fault or its repair: crash, restart, partition, heal, pause, resume, net_link.
bool is_fault_kind(trace::kind k) noexcept;

// Keeps at most `max` of `ev` (max 0: all): every fault and the two events
// after it (the latest faults first if they alone would not fit in half of
// `max`), then the last events before the end. Returns how many were cut.
std::size_t keep_faults_and_last(std::vector<trace::event>& ev, std::size_t max);

}  // namespace weft::viz::detail
