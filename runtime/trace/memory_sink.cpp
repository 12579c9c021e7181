#include "runtime/trace/memory_sink.hpp"

namespace weft::trace {

void memory_sink::record(const event& e) noexcept {
  std::lock_guard lock(mutex_);
  if (events_.size() >= capacity_) {
    ++dropped_;
    return;
  }
  try {
    events_.push_back(e);
    events_.back().seq = next_seq_++;
  } catch (...) {
    ++dropped_;  // out of memory: lose the event, not the process.
  }
}

std::vector<event> memory_sink::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::size_t memory_sink::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void memory_sink::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
  dropped_ = 0;
  next_seq_ = 0;
}

}  // namespace weft::trace
