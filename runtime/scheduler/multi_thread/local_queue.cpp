#include "runtime/scheduler/multi_thread/local_queue.hpp"

#include "runtime/scheduler/inject_queue.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/task/harness.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

local_queue::local_queue(std::size_t capacity)
    : capacity_(capacity),
      mask_(static_cast<std::uint32_t>(capacity - 1)),
      buffer_(std::make_unique<sys::cell<task_header*>[]>(capacity)) {
  WEFT_ASSERT(capacity >= 2 && (capacity & (capacity - 1)) == 0,
              "local queue capacity must be a power of two, at least 2");
  WEFT_ASSERT(capacity <= (std::size_t{1} << 30), "local queue capacity too large");
}

local_queue::~local_queue() {
  WEFT_ASSERT(len() == 0, "local queue destroyed with tasks in it (drain it at shutdown)");
}

std::size_t local_queue::push_back(task_header* t, inject_queue& overflow) {
  for (;;) {
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    const std::uint32_t steal = steal_of(head);
    const std::uint32_t real = real_of(head);
    const std::uint32_t tail = tail_.unsync_load();
    if (tail - steal < capacity_) {
      slot(tail).set(t);
      tail_.store(tail + 1, std::memory_order_release);
      return 0;
    }
    if (steal != real) {
      // A thief is copying tasks out and will free room; send just this
      // task to the inject queue rather than wait.
      t->queue_next = nullptr;
      if (!overflow.push(t)) {
        harness::drop_reference(t);
      }
      return 1;
    }
    if (push_overflow(t, real, tail, overflow)) {
      return capacity_ / 2 + 1;
    }
    // Lost a race with a thief: the queue may have room now. Try again.
  }
}

bool local_queue::push_overflow(task_header* t, std::uint32_t head, std::uint32_t tail,
                                inject_queue& overflow) {
  const auto take = static_cast<std::uint32_t>(capacity_ / 2);
  WEFT_ASSERT(tail - head == capacity_, "overflow of a queue that is not full");
  // Claim the oldest half before reading it, so no thief can take it too.
  std::uint64_t expected = pack(head, head);
  if (!head_.compare_exchange_strong(expected, pack(head + take, head + take),
                                     std::memory_order_release, std::memory_order_relaxed)) {
    return false;
  }
  // Link the claimed tasks, then the new one, into one batch.
  task_header* first = slot(head).get();
  task_header* last = first;
  for (std::uint32_t i = 1; i < take; ++i) {
    task_header* next = slot(head + i).get();
    last->queue_next = next;
    last = next;
  }
  last->queue_next = t;
  t->queue_next = nullptr;
  if (!overflow.push_batch(first, t, take + 1)) {
    scheduler::drop_queue_entries(first);
  }
  return true;
}

std::size_t local_queue::push_batch_fitting(task_header* first, std::size_t count) {
  const std::uint32_t tail = tail_.unsync_load();
  const std::uint32_t steal = steal_of(head_.load(std::memory_order_acquire));
  WEFT_ASSERT(capacity_ - (tail - steal) >= count, "batch does not fit the local queue");
  std::uint32_t pos = tail;
  for (std::size_t i = 0; i < count; ++i) {
    WEFT_ASSERT(first != nullptr, "batch shorter than its count");
    task_header* next = first->queue_next;
    first->queue_next = nullptr;
    slot(pos).set(first);
    ++pos;
    first = next;
  }
  tail_.store(pos, std::memory_order_release);
  return count;
}

task_header* local_queue::pop() {
  std::uint64_t head = head_.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t steal = steal_of(head);
    const std::uint32_t real = real_of(head);
    if (real == tail_.unsync_load()) {
      return nullptr;
    }
    const std::uint32_t next_real = real + 1;
    // With no steal in progress, steal follows real.
    const std::uint64_t next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
    if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return slot(real).get();
    }
  }
}

bool local_queue::has_tasks() const noexcept {
  const std::uint32_t real = real_of(head_.load(std::memory_order_acquire));
  return tail_.unsync_load() != real;
}

std::size_t local_queue::room() const noexcept {
  const std::uint32_t steal = steal_of(head_.load(std::memory_order_acquire));
  return capacity_ - (tail_.unsync_load() - steal);
}

std::size_t local_queue::len() const noexcept {
  const std::uint32_t real = real_of(head_.load(std::memory_order_acquire));
  const std::uint32_t tail = tail_.load(std::memory_order_acquire);
  return tail - real;
}

task_header* local_queue::steal_into(local_queue& dst, std::size_t& stolen) {
  stolen = 0;
  WEFT_ASSERT(&dst != this, "a worker cannot steal from itself");
  const std::uint32_t dst_tail = dst.tail_.unsync_load();
  // dst may look empty to its owner yet have slots still being copied out by
  // a thief of its own; only steal into it if half of it is surely free.
  const std::uint32_t dst_steal = steal_of(dst.head_.load(std::memory_order_acquire));
  if (dst_tail - dst_steal > dst.capacity_ / 2) {
    return nullptr;
  }
  std::uint32_t n = claim_and_copy(dst, dst_tail);
  if (n == 0) {
    return nullptr;
  }
  stolen = n;
  // Run the last stolen task now; publish the rest in dst.
  --n;
  task_header* run_now = dst.slot(dst_tail + n).get();
  if (n > 0) {
    dst.tail_.store(dst_tail + n, std::memory_order_release);
  }
  return run_now;
}

std::uint32_t local_queue::claim_and_copy(local_queue& dst, std::uint32_t dst_tail) {
  std::uint64_t prev = head_.load(std::memory_order_acquire);
  std::uint64_t claimed = 0;
  std::uint32_t n = 0;
  for (;;) {
    const std::uint32_t steal = steal_of(prev);
    const std::uint32_t real = real_of(prev);
    if (steal != real) {
      return 0;  // another thief is at work
    }
    const std::uint32_t available = tail_.load(std::memory_order_acquire) - real;
    n = available - available / 2;
    if (n == 0) {
      return 0;
    }
    claimed = pack(steal, real + n);
    if (head_.compare_exchange_weak(prev, claimed, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      break;
    }
  }
  WEFT_ASSERT(n <= capacity_ / 2, "stole more than half a queue");
  const std::uint32_t first = steal_of(claimed);
  for (std::uint32_t i = 0; i < n; ++i) {
    dst.slot(dst_tail + i).set(slot(first + i).get());
  }
  // Done copying: move steal up to real, freeing the slots for the owner.
  prev = claimed;
  for (;;) {
    const std::uint32_t real = real_of(prev);
    if (head_.compare_exchange_weak(prev, pack(real, real), std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return n;
    }
    WEFT_ASSERT(steal_of(prev) != real_of(prev), "steal finished by someone else");
  }
}

}  // namespace weft::rt::detail
