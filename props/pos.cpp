#include "props/pos.hpp"

#include "runtime/sys/assert.hpp"
#include "sim/core/executor.hpp"

namespace weft::props {
namespace {

bool conflicts(const sim::object_access& pending, const sim::segment& s,
               std::span<const sim::object_access> accesses) {
  if (s.global) return true;
  for (std::uint32_t i = s.first_access; i < s.end_access; ++i) {
    if (accesses[i].object == pending.object && (accesses[i].write || pending.write)) return true;
  }
  return false;
}

}  // namespace

std::int64_t& pos_source::priority(sim::thread_id t) {
  if (t >= priority_.size()) {
    priority_.resize(std::size_t{t} + 1, 0);
    drawn_.resize(std::size_t{t} + 1, false);
  }
  if (!drawn_[t]) {
    drawn_[t] = true;
    redraw(t);
  }
  return priority_[t];
}

void pos_source::catch_up() {
  const sim::executor* ex = sim::executor::current();
  WEFT_ASSERT(ex != nullptr && ex->recording_segments(), "pos runs need segments recorded");
  const std::vector<sim::segment>& segments = ex->segments();
  for (; seen_segments_ < segments.size(); ++seen_segments_) {
    const sim::segment& s = segments[seen_segments_];
    if (s.thread != sim::no_thread) redraw(s.thread);
    for (sim::thread_id u = 0; u < priority_.size(); ++u) {
      if (u == s.thread) continue;
      const std::optional<sim::object_access> pending = ex->pending_access(u);
      if (pending && conflicts(*pending, s, ex->accesses())) redraw(u);
    }
  }
}

bool pos_source::just_spawned(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  bool fresh = false;
  bool current_runs = false;
  for (const sim::thread_id t : runnable) {
    fresh = fresh || t >= drawn_.size() || !drawn_[t];
    current_runs = current_runs || t == current;
    priority(t);  // drawn on first sight, whatever is picked
  }
  return fresh && current_runs && current != sim::no_thread;
}

sim::thread_id pos_source::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  catch_up();
  // A thread waiting to take a lock another holds is not enabled: picking
  // it would only block it. If every thread is in that state, the highest
  // still runs (and blocks), so the run goes on to its deadlock report.
  const sim::executor& ex = *sim::executor::current();
  if (just_spawned(runnable, current) && !ex.pending_blocked(current)) return current;
  sim::thread_id best = sim::no_thread;
  bool best_enabled = false;
  for (const sim::thread_id t : runnable) {
    const bool enabled = !ex.pending_blocked(t);
    if (best == sim::no_thread || (enabled && !best_enabled) ||
        (enabled == best_enabled && priority(t) > priority(best))) {
      best = t;
      best_enabled = enabled;
    }
  }
  return best;
}

}  // namespace weft::props
