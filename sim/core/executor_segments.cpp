// sim::executor, segments: what each thread did between two hand-overs and
// which objects it touched, for partial-order reduction (see `segment` in
// executor.hpp and props/dpor.hpp).
#include "runtime/sys/assert.hpp"
#include "sim/core/executor.hpp"
#include "sim/core/executor_thread.hpp"

namespace weft::sim {

void executor::begin_segment(thread_id who, bool decided) {
  segment s;
  s.thread = who;
  s.first_access = s.end_access = static_cast<std::uint32_t>(accesses_.size());
  s.global = who == no_thread;  // the driver: timed events touch whatever they touch
  s.decided = decided;
  if (who != no_thread) {
    thread& t = *threads_[who];
    if (!t.has_segment) s.spawned_in = t.spawned_in;
    t.has_segment = true;
  }
  segments_.push_back(s);
}

void executor::note_access_impl(const void* object, bool write) {
  if (segments_.empty()) begin_segment(current_, false);
  const auto [it, fresh] = object_numbers_.try_emplace(object, objects_numbered_ + 1);
  if (fresh) ++objects_numbered_;
  segment& s = segments_.back();
  // A short segment keeps one entry per object (a write covers a read).
  constexpr std::uint32_t dedupe_window = 16;
  if (s.end_access - s.first_access <= dedupe_window) {
    for (std::uint32_t i = s.first_access; i < s.end_access; ++i) {
      if (accesses_[i].object != it->second) continue;
      accesses_[i].write = accesses_[i].write || write;
      return;
    }
  }
  accesses_.push_back(object_access{it->second, write});
  s.end_access = static_cast<std::uint32_t>(accesses_.size());
  WEFT_ASSERT(s.end_access == accesses_.size(), "segment accesses out of step");
}

void executor::forget_object(const void* object) noexcept {
  if (options_.record_segments) object_numbers_.erase(object);
}

void forget_object(const void* object) noexcept {
  executor* ex = executor::current();
  if (ex != nullptr && ex->recording_segments()) ex->forget_object(object);
}

}  // namespace weft::sim
