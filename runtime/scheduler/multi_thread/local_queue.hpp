// A worker's local run queue: a bounded ring buffer with one owner (push,
// pop) and any number of thieves (steal half).
//
// Layout
// ------
//   buffer  `capacity` slots (a power of two), indexed by position & mask.
//   tail    u32, written only by the owner: the next position to fill.
//   head    u64 packing two u32 positions, (steal << 32) | real:
//             real   the next position the owner (or a thief) takes from;
//             steal  where the thief that is copying tasks out began.
//           When no steal is in progress, steal == real.
//
// Protocol
// --------
//   push (owner)  if tail - steal < capacity, write buffer[tail], then store
//                 tail+1 (release: publishes the slot to thieves). If full and
//                 no steal is in progress, move half the queue plus the new
//                 task to the inject queue (claim them with one CAS on head
//                 first, so no thief takes them too). If full while a steal
//                 is in progress, the thief will free space soon: the new
//                 task goes to the inject queue alone.
//   pop (owner)   CAS head.real forward by one (and head.steal with it when
//                 no steal is in progress).
//   steal (thief) 1. load head; if steal != real another thief is at work:
//                    give up. Otherwise claim half of the tasks (rounded up)
//                    by CASing head to (steal, real + n): real moves, steal
//                    stays, which marks the steal as in progress and keeps
//                    the owner from reusing those slots.
//                 2. copy the n tasks into the thief's own queue.
//                 3. CAS head.steal forward to head.real: the slots are free.
//                 The thief returns the last stolen task to run at once and
//                 publishes the others by storing its own tail.
//
// Why the orders suffice: slot contents travel owner->thief through the
// release store of tail and the thief's acquire load of it; slot reuse
// travels thief->owner through the thief's acq_rel CAS of head (step 3) and
// the owner's acquire load of head before it writes. Every head update is a
// CAS, so head has one modification order that all parties agree on.
//
// models/ has an exhaustive model of this queue (push, pop, steal-half,
// overflow); tests/runtime/local_queue_test.cpp drives the real one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"

namespace weft::rt::detail {

struct task_header;
class inject_queue;

class local_queue {
 public:
  // `capacity`: a power of two, at least 2.
  explicit local_queue(std::size_t capacity);
  local_queue(const local_queue&) = delete;
  local_queue& operator=(const local_queue&) = delete;
  ~local_queue();

  // ---- owner only ----

  // Appends `t`. When the queue is full, moves half of it plus `t` to
  // `overflow` (see the protocol). Returns the number of tasks moved there
  // (0 when there was room). If `overflow` is closed, the moved entries'
  // references are dropped.
  std::size_t push_back(task_header* t, inject_queue& overflow);
  // Appends a batch that is known to fit (room() >= count): used when
  // moving tasks from the inject queue. Returns the number appended.
  std::size_t push_batch_fitting(task_header* first, std::size_t count);
  // Takes the oldest task, or null.
  task_header* pop();
  // True if the owner has something to pop.
  bool has_tasks() const noexcept;
  // Free slots as the owner sees them.
  std::size_t room() const noexcept;

  // ---- any thread ----

  // Steals half of this queue's tasks into `dst` (which the caller owns).
  // Returns one of them to run now, or null; `stolen` receives how many
  // were taken in all.
  task_header* steal_into(local_queue& dst, std::size_t& stolen);
  // Tasks in the queue (a snapshot; exact only when nothing runs).
  std::size_t len() const noexcept;
  bool is_empty() const noexcept { return len() == 0; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  static std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
    return (std::uint64_t{steal} << 32) | real;
  }
  static std::uint32_t steal_of(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head >> 32);
  }
  static std::uint32_t real_of(std::uint64_t head) noexcept {
    return static_cast<std::uint32_t>(head);
  }
  sys::cell<task_header*>& slot(std::uint32_t position) noexcept {
    return buffer_[position & mask_];
  }

  bool push_overflow(task_header* t, std::uint32_t head, std::uint32_t tail,
                     inject_queue& overflow);
  std::uint32_t claim_and_copy(local_queue& dst, std::uint32_t dst_tail);

  const std::size_t capacity_;
  const std::uint32_t mask_;
  std::unique_ptr<sys::cell<task_header*>[]> buffer_;
  sys::atomic<std::uint64_t> head_{0};
  sys::atomic<std::uint32_t> tail_{0};
};

}  // namespace weft::rt::detail
