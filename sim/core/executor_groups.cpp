// sim::executor, host groups: the threads of one simulated host, paused and resumed
// together, each group reading the clock with its own skew and drift.
#include "sim/core/executor.hpp"

#include "runtime/sys/assert.hpp"
#include "sim/core/executor_thread.hpp"

namespace weft::sim {

executor::group_state& executor::group(group_id g) {
  if (g >= groups_.size()) groups_.resize(g + 1);
  return groups_[g];
}

group_id executor::group_of(thread_id id) const noexcept { return threads_[id]->group; }

void executor::pause_group(group_id g) {
  group(g).paused = true;
  for (auto& t : threads_) {
    if (t->group == g && t->st == thread::state::runnable && t->id != current_) {
      t->st = thread::state::paused;
      --runnable_count_;
    }
  }
  // A thread pausing its own group stops at its next scheduling point.
}

void executor::resume_group(group_id g) {
  group(g).paused = false;
  for (auto& t : threads_) {
    if (t->group == g && t->st == thread::state::paused) {
      t->st = thread::state::runnable;
      ++runnable_count_;
    }
  }
}

void executor::set_group_clock(group_id g, std::int64_t skew_ns, std::int64_t drift_ppm) {
  group_state& gs = group(g);
  gs.skew_ns = skew_ns;
  gs.drift_ppm = drift_ppm;
}

std::vector<thread_id> executor::threads_of(group_id g) const {
  std::vector<thread_id> out;
  for (const auto& t : threads_) {
    if (t->group == g && t->st != thread::state::finished && t->st != thread::state::abandoned) {
      out.push_back(t->id);
    }
  }
  return out;
}

std::int64_t executor::now_ns() const noexcept {
  if (current_ == no_thread) return now_ns_;
  const group_id g = threads_[current_]->group;
  if (g >= groups_.size()) return now_ns_;
  const group_state& gs = groups_[g];
  return now_ns_ + gs.skew_ns + (now_ns_ - options_.epoch_ns) / 1'000'000 * gs.drift_ppm;
}

}  // namespace weft::sim
