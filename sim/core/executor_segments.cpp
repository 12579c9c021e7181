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
    t.last_segment = static_cast<std::int64_t>(segments_.size());
  }
  segments_.push_back(s);
}

void executor::note_access_impl(const void* object, bool write) {
  if (segments_.empty()) begin_segment(current_, false);
  const std::uint32_t number = number_of(object);
  segment& s = segments_.back();
  // A short segment keeps one entry per object (a write covers a read).
  constexpr std::uint32_t dedupe_window = 16;
  if (s.end_access - s.first_access <= dedupe_window) {
    for (std::uint32_t i = s.first_access; i < s.end_access; ++i) {
      if (accesses_[i].object != number) continue;
      accesses_[i].write = accesses_[i].write || write;
      return;
    }
  }
  accesses_.push_back(object_access{number, write});
  s.end_access = static_cast<std::uint32_t>(accesses_.size());
  WEFT_ASSERT(s.end_access == accesses_.size(), "segment accesses out of step");
}

std::uint32_t executor::number_of(const void* object) {
  // An operation names its object at the scheduling point and again when
  // it touches it: the last answer is kept.
  if (object == last_numbered_) return last_number_;
  const std::uint32_t number = object_numbers_.find_or_add(object, objects_numbered_ + 1);
  if (number > objects_numbered_) ++objects_numbered_;
  last_numbered_ = object;
  last_number_ = number;
  return number;
}

void executor::operation(const void* object, bool write) {
  if (current_ == no_thread) return;
  thread& me = *threads_[current_];
  if (!write) {
    const bool again = me.last_read == object && me.last_read_epoch == write_epoch_;
    me.rereads = again ? me.rereads + 1 : 0;
    if (again && runnable_count_ > 1) {
      source_.spinning(me.id);  // read again, and nobody wrote anything since
    }
    me.last_read = object;
    me.last_read_epoch = write_epoch_;
  }
  if (!options_.record_segments) {
    operation();
    return;
  }
  me.pending = object_access{number_of(object), write};
  operation();
  me.pending.reset();
}

void executor::mark_spinning(thread& t) noexcept {
  t.spun = true;
  t.spun_epoch = write_epoch_;
  last_spin_epoch_ = write_epoch_;
}

bool executor::spun_since_last_write(const thread& t) const noexcept { return t.spun && t.spun_epoch == write_epoch_; }

std::optional<object_access> executor::pending_access(thread_id id) const noexcept {
  return id < threads_.size() ? threads_[id]->pending : std::nullopt;
}

void executor::acquire_operation(const void* object, const thread_id* holder) {
  if (current_ == no_thread) return;
  thread& me = *threads_[current_];
  me.pending_holder = holder;
  operation(object, true);
  me.pending_holder = nullptr;
}

bool executor::pending_blocked(thread_id id) const noexcept {
  if (id >= threads_.size()) return false;
  const thread& t = *threads_[id];
  return t.pending_holder != nullptr && *t.pending_holder != no_thread && *t.pending_holder != id;
}

void executor::note_join(thread_id joined) {
  if (!options_.record_segments || current_ == no_thread) return;
  const std::int64_t last = threads_[joined]->last_segment;
  if (last < 0) return;
  // What the joiner did before the join in this segment may race with the
  // joined thread: only what follows comes after it, so it starts a segment.
  begin_segment(current_, false);
  join_edges_.emplace_back(static_cast<std::uint32_t>(last), static_cast<std::uint32_t>(segments_.size() - 1));
}

void executor::forget_object(const void* object) noexcept {
  if (!options_.record_segments) return;
  object_numbers_.forget(object);
  if (object == last_numbered_) last_numbered_ = nullptr;
}

void forget_object(const void* object) noexcept {
  executor* ex = executor::current();
  if (ex != nullptr && ex->recording_segments()) ex->forget_object(object);
}

}  // namespace weft::sim
