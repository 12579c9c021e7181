// sim::executor, saying what went wrong: deadlocks with each blocked thread's
// wait, lost wakeups (unheard notifies, the runtime's probes), schedule mismatches.
#include "sim/core/executor.hpp"

#include <string>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor_thread.hpp"

namespace weft::sim {

void executor::report_deadlock() {
  failed_ = true;
  report_.result = outcome::deadlock;
  for (const auto& t : threads_) {
    if (t->st == thread::state::paused) {
      report_.blocked.push_back("thread " + std::to_string(t->id) + " '" + t->name +
                                "' is paused (its host was paused and never resumed)");
    } else if (t->st == thread::state::blocked) {
      std::string line = "thread " + std::to_string(t->id) + " '" + t->name + "' waits on " +
                         t->waiting.what;
      if (t->waiting.object != 0) line += " #" + std::to_string(t->waiting.object);
      if (t->site != nullptr) line += " at " + describe_pc(t->site);
      report_.blocked.push_back(std::move(line));
    }
  }
  report_.message = "deadlock: " + std::to_string(report_.blocked.size()) +
                    " thread(s) blocked and no event pending";
  // A deadlock in which a wakeup went missing is reported as such.
  for (const auto& t : threads_) {
    if (t->st != thread::state::blocked) continue;
    auto it = unheard_notifies_.find(t->waiting.object);
    if (it != unheard_notifies_.end() && std::string_view(t->waiting.what) == "condvar") {
      report_.result = outcome::lost_wakeup;
      report_.message = "lost wakeup: thread " + std::to_string(t->id) + " '" + t->name + "' waits on condvar #" +
                        std::to_string(t->waiting.object) + " forever, but it was notified at step " +
                        std::to_string(it->second) + " while nobody waited";
      return;
    }
  }
  const scope installed(*this);
  for (auto& p : probes_) {
    if (!p) continue;
    if (std::optional<std::string> why = (*p)()) {
      report_.result = outcome::lost_wakeup;
      report_.message = "lost wakeup: " + *why;
      return;
    }
  }
}

std::string executor::mismatch_message(const schedule_mismatch& e) const {
  std::string out = "schedule does not match this program at step " + std::to_string(report_.steps) +
                    " (choice " + std::to_string(e.position()) + ": " + e.detail();
  if (!e.runnable().empty()) {
    out += ", runnable:";
    for (std::size_t i = 0; i < e.runnable().size(); ++i) {
      const thread_id t = e.runnable()[i];
      out += (i == 0 ? " " : ", ") + std::to_string(t) + " '" + threads_[t]->name + "'";
    }
  }
  return out + ")";
}

void executor::note_unheard_notify(std::uint64_t object) {
  unheard_notifies_[object] = report_.steps;
  if (options_.op_log && current_ != no_thread) log_op("notify condvar #" + std::to_string(object) + ": nobody waits");
}

std::size_t executor::add_probe(probe p) {
  probes_.push_back(std::move(p));
  return probes_.size() - 1;
}

void executor::remove_probe(std::size_t handle) noexcept {
  if (handle < probes_.size()) probes_[handle].reset();
}

}  // namespace weft::sim
