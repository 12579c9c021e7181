#include "runtime/scheduler/owned_tasks.hpp"

#include <mutex>

#include "runtime/sys/assert.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

owned_tasks::owned_tasks(std::size_t shards)
    : shards_(std::make_unique<shard[]>(shards)), mask_(shards - 1) {
  WEFT_ASSERT(shards > 0 && (shards & (shards - 1)) == 0, "shard count must be a power of two");
}

bool owned_tasks::bind(task_header* t, std::int32_t hint) {
  WEFT_ASSERT(!t->in_owned_list, "task bound twice");
  t->id = next_id_.fetch_add(1, std::memory_order_relaxed);
  const std::uint64_t pick = hint >= 0 ? static_cast<std::uint64_t>(hint) : t->id;
  t->owned_shard = static_cast<std::uint32_t>(pick & mask_);
  shard& s = shards_[t->owned_shard];
  std::lock_guard lock(s.mutex);
  if (s.closed) {
    return false;
  }
  t->owned_prev = nullptr;
  t->owned_next = s.head;
  if (s.head != nullptr) {
    s.head->owned_prev = t;
  }
  s.head = t;
  t->in_owned_list = true;
  ++s.size;
  return true;
}

bool owned_tasks::remove(task_header* t) {
  shard& s = shards_[t->owned_shard];
  std::lock_guard lock(s.mutex);
  if (!t->in_owned_list) {
    return false;  // already taken by a shutdown sweep
  }
  if (t->owned_prev != nullptr) {
    t->owned_prev->owned_next = t->owned_next;
  } else {
    WEFT_ASSERT(s.head == t, "owned list head out of step");
    s.head = t->owned_next;
  }
  if (t->owned_next != nullptr) {
    t->owned_next->owned_prev = t->owned_prev;
  }
  t->owned_prev = t->owned_next = nullptr;
  t->in_owned_list = false;
  WEFT_ASSERT(s.size > 0, "owned list size underflow");
  --s.size;
  return true;
}

bool owned_tasks::close() {
  bool was_open = false;
  for (std::size_t i = 0; i <= mask_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    was_open = was_open || !shards_[i].closed;
    shards_[i].closed = true;
  }
  return was_open;
}

task_header* owned_tasks::pop_front() {
  for (std::size_t i = 0; i <= mask_; ++i) {
    shard& s = shards_[i];
    std::lock_guard lock(s.mutex);
    task_header* t = s.head;
    if (t == nullptr) {
      continue;
    }
    s.head = t->owned_next;
    if (s.head != nullptr) {
      s.head->owned_prev = nullptr;
    }
    t->owned_next = nullptr;
    t->in_owned_list = false;
    --s.size;
    return t;
  }
  return nullptr;
}

bool owned_tasks::is_closed() {
  std::lock_guard lock(shards_[0].mutex);
  return shards_[0].closed;
}

std::size_t owned_tasks::size() {
  std::size_t n = 0;
  for (std::size_t i = 0; i <= mask_; ++i) {
    std::lock_guard lock(shards_[i].mutex);
    n += shards_[i].size;
  }
  return n;
}

std::uint64_t owned_tasks::spawned_count() const noexcept {
  return next_id_.load(std::memory_order_relaxed) - 1;
}

}  // namespace weft::rt::detail
