#include "runtime/scheduler/inject_queue.hpp"

#include <mutex>

#include "runtime/sys/assert.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

inject_queue::~inject_queue() {
  WEFT_ASSERT(head_ == nullptr, "inject queue destroyed with tasks in it (drain it at shutdown)");
}

bool inject_queue::push(task_header* t) {
  t->queue_next = nullptr;
  return push_batch(t, t, 1);
}

bool inject_queue::push_batch(task_header* first, task_header* last, std::size_t count) {
  WEFT_ASSERT(count > 0 && first != nullptr && last != nullptr, "empty batch");
  WEFT_ASSERT(last->queue_next == nullptr, "batch not terminated");
  std::lock_guard lock(mutex_);
  if (closed_) {
    return false;
  }
  if (tail_ != nullptr) {
    tail_->queue_next = first;
  } else {
    head_ = first;
  }
  tail_ = last;
  len_.store(len_.unsync_load() + count, std::memory_order_seq_cst);
  return true;
}

task_header* inject_queue::pop() {
  std::size_t count = 0;
  return pop_n(1, count);
}

task_header* inject_queue::pop_n(std::size_t max, std::size_t& count) {
  count = 0;
  // Unlocked peek first: most calls find the queue empty.
  if (max == 0 || is_empty()) {
    return nullptr;
  }
  std::lock_guard lock(mutex_);
  task_header* first = head_;
  task_header* last = nullptr;
  while (count < max && head_ != nullptr) {
    last = head_;
    head_ = head_->queue_next;
    ++count;
  }
  if (last != nullptr) {
    last->queue_next = nullptr;
  }
  if (head_ == nullptr) {
    tail_ = nullptr;
  }
  const std::size_t len = len_.unsync_load();
  WEFT_ASSERT(len >= count, "inject queue length out of step");
  len_.store(len - count, std::memory_order_seq_cst);
  return count == 0 ? nullptr : first;
}

bool inject_queue::close() {
  std::lock_guard lock(mutex_);
  const bool was_open = !closed_;
  closed_ = true;
  return was_open;
}

bool inject_queue::is_closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace weft::rt::detail
