#include "runtime/scheduler/multi_thread/idle.hpp"

#include <algorithm>
#include <mutex>

#include "runtime/sys/assert.hpp"

namespace weft::rt::detail {

idle::idle(std::size_t num_workers)
    : state_(std::uint64_t{num_workers} << unpark_shift), num_workers_(num_workers) {
  WEFT_ASSERT(num_workers > 0 && num_workers < search_mask, "worker count out of range");
  sleepers_.reserve(num_workers);
}

bool idle::notify_should_wakeup() const noexcept {
  const std::uint64_t s = state_.load(std::memory_order_seq_cst);
  return (s & search_mask) == 0 && (s >> unpark_shift) < num_workers_;
}

std::optional<std::size_t> idle::worker_to_notify() {
  if (!notify_should_wakeup()) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (!notify_should_wakeup()) {
    return std::nullopt;
  }
  // One more unparked worker, and it starts out searching.
  state_.fetch_add((std::uint64_t{1} << unpark_shift) | 1, std::memory_order_seq_cst);
  WEFT_ASSERT(!sleepers_.empty(), "fewer sleepers than parked workers");
  const std::size_t index = sleepers_.back();
  sleepers_.pop_back();
  return index;
}

bool idle::transition_worker_to_parked(std::size_t index, bool is_searching) {
  std::lock_guard lock(mutex_);
  const std::uint64_t dec = (std::uint64_t{1} << unpark_shift) | (is_searching ? 1 : 0);
  const std::uint64_t prev = state_.fetch_sub(dec, std::memory_order_seq_cst);
  WEFT_ASSERT((prev >> unpark_shift) > 0, "more workers parked than exist");
  WEFT_ASSERT(!is_searching || (prev & search_mask) > 0, "searching count underflow");
  WEFT_ASSERT(sleepers_.size() < num_workers_, "sleepers list overflow");
  sleepers_.push_back(index);
  return is_searching && (prev & search_mask) == 1;
}

bool idle::transition_worker_to_searching() {
  const std::uint64_t s = state_.load(std::memory_order_seq_cst);
  if (2 * (s & search_mask) >= num_workers_) {
    return false;
  }
  state_.fetch_add(1, std::memory_order_seq_cst);
  return true;
}

bool idle::transition_worker_from_searching() {
  const std::uint64_t prev = state_.fetch_sub(1, std::memory_order_seq_cst);
  WEFT_ASSERT((prev & search_mask) > 0, "searching count underflow");
  return (prev & search_mask) == 1;
}

bool idle::unpark_worker_by_id(std::size_t index) {
  std::lock_guard lock(mutex_);
  const auto it = std::find(sleepers_.begin(), sleepers_.end(), index);
  if (it == sleepers_.end()) {
    return false;
  }
  // Keep the order of the others: it decides who wakes next, and the
  // simulator needs that to be a function of the schedule alone.
  sleepers_.erase(it);
  state_.fetch_add(std::uint64_t{1} << unpark_shift, std::memory_order_seq_cst);
  return true;
}

bool idle::is_parked(std::size_t index) {
  std::lock_guard lock(mutex_);
  return std::find(sleepers_.begin(), sleepers_.end(), index) != sleepers_.end();
}

std::size_t idle::num_searching() const noexcept {
  return static_cast<std::size_t>(state_.load(std::memory_order_seq_cst) & search_mask);
}

std::size_t idle::num_unparked() const noexcept {
  return static_cast<std::size_t>(state_.load(std::memory_order_seq_cst) >> unpark_shift);
}

}  // namespace weft::rt::detail
