// detail::slot_ring<T>: the message store of a bounded rt::mpsc channel,
// many producers and one consumer, no lock.
//
// A power-of-two ring of slots, each with a sequence number. Position p
// (counted from 0 over the channel's life) uses slot p & mask; the slot's
// sequence says whose turn it is:
//
//   seq == p         free for the producer of position p
//   seq == p + 1     holds position p's message, for the consumer
//   seq == p + size  freed by the consumer, for the producer of p + size
//
// push: claim a position (fetch_add on `tail`, relaxed), wait until the
//       slot's seq is p (acquire), write the value, seq = p + 1 (release).
// pop:  the consumer's next position h (its own counter): seq == h + 1
//       (acquire) -> take the value, seq = h + size (release). seq == h
//       means empty, or a producer has claimed h and not finished writing
//       (`busy`: tail > h).
//
// The channel's semaphore hands out at most `capacity` <= size permits, a
// producer takes one before push and the consumer gives one back after pop,
// so a claimed position's slot is always free or about to be (the producer
// only spins while the consumer's release of it is not yet visible).
// The consumer counter is the receiver's alone (moved between threads only
// with the task that owns the receiver, through the scheduler).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::rt::detail {

// What the consumer found at its next position.
enum class pop_state {
  value,  // taken
  empty,  // nothing queued
  busy,   // a producer claimed it and is still writing
};

template <class T>
class slot_ring {
 public:

  explicit slot_ring(std::size_t capacity)
      : mask_(std::bit_ceil(capacity) - 1), slots_(std::make_unique<slot[]>(mask_ + 1)) {
    for (std::size_t i = 0; i <= mask_; ++i) slots_[i].seq.store(i, std::memory_order_relaxed);
  }
  slot_ring(const slot_ring&) = delete;
  slot_ring& operator=(const slot_ring&) = delete;

  // Producer, holding one of the channel's permits.
  void push(T value) {
    const std::uint64_t p = tail_.fetch_add(1, std::memory_order_relaxed);
    slot& s = slots_[p & mask_];
    while (s.seq.load(std::memory_order_acquire) != p) sys::spin_hint();
    s.value.with_mut([&](std::optional<T>& v) { v.emplace(std::move(value)); });
    s.seq.store(p + 1, std::memory_order_release);
  }

  // Consumer: the next message into `out`, if it is there.
  pop_state pop(std::optional<T>& out) {
    const std::uint64_t h = head_.get();
    slot& s = slots_[h & mask_];
    if (s.seq.load(std::memory_order_acquire) != h + 1) {
      return tail_.load(std::memory_order_acquire) > h ? pop_state::busy : pop_state::empty;
    }
    s.value.with_mut([&](std::optional<T>& v) {
      out.emplace(std::move(*v));
      v.reset();
    });
    s.seq.store(h + mask_ + 1, std::memory_order_release);
    head_.set(h + 1);
    return pop_state::value;
  }

 private:
  struct slot {
    sys::atomic<std::uint64_t> seq;
    sys::cell<std::optional<T>> value;
  };

  const std::size_t mask_;
  std::unique_ptr<slot[]> slots_;
  // On lines of their own: producers hammer one, the consumer the other.
  alignas(64) sys::atomic<std::uint64_t> tail_{0};  // next position to claim (producers)
  alignas(64) sys::cell<std::uint64_t> head_{0};    // next position to take (consumer)
};

}  // namespace weft::rt::detail
