// A worker's local run queue, as a sequential specification: what push, pop
// and steal-half return when one operation runs at a time. The real queue
// (runtime/scheduler/multi_thread/local_queue.hpp) is a lock-free ring; this
// is a bounded FIFO of task ids. tests/models/refinement_test.cpp runs
// random operation sequences on both and compares every result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace weft::models::spec {

class local_queue {
 public:
  using id = std::uint64_t;

  // `capacity`: a power of two, at least 2.
  explicit local_queue(std::size_t capacity) : capacity_(capacity) {}

  std::size_t capacity() const { return capacity_; }
  std::size_t len() const { return items_.size(); }
  std::size_t room() const { return capacity_ - items_.size(); }
  const std::deque<id>& items() const { return items_; }

  // Appends `t`. When the queue is full, the oldest capacity/2 tasks and
  // then `t` move to the end of `overflow` instead, oldest first. Returns
  // how many tasks moved there: 0 or capacity/2 + 1.
  std::size_t push(id t, std::deque<id>& overflow) {
    if (items_.size() < capacity_) {
      items_.push_back(t);
      return 0;
    }
    const std::size_t half = capacity_ / 2;
    for (std::size_t i = 0; i < half; ++i) {
      overflow.push_back(items_.front());
      items_.pop_front();
    }
    overflow.push_back(t);
    return half + 1;
  }

  // Appends tasks that are known to fit (count <= room()).
  void push_fitting(const std::deque<id>& batch) {
    for (id t : batch) items_.push_back(t);
  }

  // The oldest task, or none.
  std::optional<id> pop() {
    if (items_.empty()) return std::nullopt;
    const id t = items_.front();
    items_.pop_front();
    return t;
  }

  struct steal_result {
    std::optional<id> run_now;  // the task the thief runs at once
    std::size_t stolen = 0;     // how many were taken in all (run_now included)
  };

  // Steal half: takes the oldest ceil(len/2) tasks. The last of them is
  // returned to run now; the others are appended to `dst` in order. Nothing
  // is taken if this queue is empty or if `dst` holds more than half its
  // capacity (the thief only steals into a queue at least half free).
  steal_result steal_half_into(local_queue& dst) {
    if (dst.len() > dst.capacity() / 2) return {};
    const std::size_t n = items_.size() - items_.size() / 2;
    if (n == 0) return {};
    for (std::size_t i = 0; i + 1 < n; ++i) {
      dst.items_.push_back(items_.front());
      items_.pop_front();
    }
    const id last = items_.front();
    items_.pop_front();
    return {last, n};
  }

 private:
  std::size_t capacity_;
  std::deque<id> items_;  // oldest first
};

}  // namespace weft::models::spec
