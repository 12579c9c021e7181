// The inject queue: a scheduler's shared FIFO for tasks that arrive from
// outside its workers (spawns and wakes from other threads) and for overflow
// from full local queues.
//
// A mutex guards an intrusive singly linked list through
// task_header::queue_next. The length is also kept in an atomic so that
// idle workers can ask "is there anything?" without taking the lock; that
// read is part of the park protocol (multi_thread/idle.hpp), so it is
// seq_cst, pairing with the seq_cst store in push.
//
// Every entry holds one task reference. When the queue is closed (shutdown),
// pushes are refused and the caller drops the entry's reference.
#pragma once

#include <cstddef>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::rt::detail {

struct task_header;

class inject_queue {
 public:
  inject_queue() = default;
  inject_queue(const inject_queue&) = delete;
  inject_queue& operator=(const inject_queue&) = delete;
  ~inject_queue();

  // Appends one entry. False if the queue is closed (entry not taken).
  bool push(task_header* t);
  // Appends `count` entries linked first..last through queue_next. False
  // if closed (none taken).
  bool push_batch(task_header* first, task_header* last, std::size_t count);
  // Removes the oldest entry, or returns null.
  task_header* pop();
  // Removes up to `max` entries, linked through queue_next; returns the
  // first (null if none) and sets `count`.
  task_header* pop_n(std::size_t max, std::size_t& count);

  // Closes the queue; returns false if it was already closed.
  bool close();
  bool is_closed();

  bool is_empty() const noexcept { return len() == 0; }
  std::size_t len() const noexcept { return len_.load(std::memory_order_seq_cst); }

 private:
  sys::mutex mutex_{sys::mutex::spin::brief};
  task_header* head_ = nullptr;
  task_header* tail_ = nullptr;
  sys::atomic<std::size_t> len_{0};
  bool closed_ = false;
};

}  // namespace weft::rt::detail
