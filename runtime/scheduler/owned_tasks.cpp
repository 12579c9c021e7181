#include "runtime/scheduler/owned_tasks.hpp"

#include <mutex>

#include "runtime/sys/assert.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

bool owned_tasks::bind(task_header* t) {
  std::lock_guard lock(mutex_);
  WEFT_ASSERT(!t->in_owned_list, "task bound twice");
  t->id = next_id_++;
  if (closed_) {
    return false;
  }
  t->owned_prev = nullptr;
  t->owned_next = head_;
  if (head_ != nullptr) {
    head_->owned_prev = t;
  }
  head_ = t;
  t->in_owned_list = true;
  ++size_;
  return true;
}

bool owned_tasks::remove(task_header* t) {
  std::lock_guard lock(mutex_);
  if (!t->in_owned_list) {
    return false;  // already taken by a shutdown sweep
  }
  if (t->owned_prev != nullptr) {
    t->owned_prev->owned_next = t->owned_next;
  } else {
    WEFT_ASSERT(head_ == t, "owned list head out of step");
    head_ = t->owned_next;
  }
  if (t->owned_next != nullptr) {
    t->owned_next->owned_prev = t->owned_prev;
  }
  t->owned_prev = t->owned_next = nullptr;
  t->in_owned_list = false;
  WEFT_ASSERT(size_ > 0, "owned list size underflow");
  --size_;
  return true;
}

bool owned_tasks::close() {
  std::lock_guard lock(mutex_);
  const bool was_open = !closed_;
  closed_ = true;
  return was_open;
}

task_header* owned_tasks::pop_front() {
  std::lock_guard lock(mutex_);
  task_header* t = head_;
  if (t == nullptr) {
    return nullptr;
  }
  head_ = t->owned_next;
  if (head_ != nullptr) {
    head_->owned_prev = nullptr;
  }
  t->owned_next = nullptr;
  t->in_owned_list = false;
  --size_;
  return t;
}

bool owned_tasks::is_closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t owned_tasks::size() {
  std::lock_guard lock(mutex_);
  return size_;
}

std::uint64_t owned_tasks::spawned_count() {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

}  // namespace weft::rt::detail
