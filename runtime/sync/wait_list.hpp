// An intrusive FIFO of waiters, for the sync primitives.
//
// Each waiting leaf future embeds a node; the primitive's lock guards the
// list and every node in it. A node is linked while its future waits and
// unlinked by whoever completes it (marking it done) or by the future's
// destructor (cancellation), so a future dropped mid-wait never leaves a
// dangling node behind. FIFO order is what makes the primitives fair.
#pragma once

#include <array>
#include <cstddef>

#include "runtime/sys/assert.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail {

struct wait_node {
  wait_node* prev = nullptr;
  wait_node* next = nullptr;
  waker w;
  bool linked = false;
  bool done = false;  // set by the completer before unlinking
};

class wait_list {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  std::size_t size() const noexcept { return size_; }
  wait_node* front() const noexcept { return head_; }

  void push_back(wait_node* n) noexcept {
    WEFT_ASSERT(!n->linked, "waiter queued twice");
    n->prev = tail_;
    n->next = nullptr;
    if (tail_ != nullptr) tail_->next = n; else head_ = n;
    tail_ = n;
    n->linked = true;
    ++size_;
  }
  void remove(wait_node* n) noexcept {
    WEFT_ASSERT(n->linked, "removing a waiter that is not queued");
    if (n->prev != nullptr) n->prev->next = n->next; else head_ = n->next;
    if (n->next != nullptr) n->next->prev = n->prev; else tail_ = n->prev;
    n->prev = n->next = nullptr;
    n->linked = false;
    --size_;
  }
  wait_node* pop_front() noexcept {
    wait_node* n = head_;
    if (n != nullptr) remove(n);
    return n;
  }

 private:
  wait_node* head_ = nullptr;
  wait_node* tail_ = nullptr;
  std::size_t size_ = 0;
};

// Wakers collected under a lock and woken after it is released.
class wake_batch {
 public:
  wake_batch() = default;
  wake_batch(const wake_batch&) = delete;
  wake_batch& operator=(const wake_batch&) = delete;
  ~wake_batch() { wake_all(); }

  void add(waker&& w) noexcept {
    if (!w) return;
    if (count_ < inline_.size()) {
      inline_[count_++] = std::move(w);
    } else {
      std::move(w).wake();  // batch full: wake now (rare; still correct)
    }
  }
  void wake_all() noexcept {
    for (std::size_t i = 0; i < count_; ++i) std::move(inline_[i]).wake();
    count_ = 0;
  }

 private:
  std::array<waker, 16> inline_;
  std::size_t count_ = 0;
};

}  // namespace weft::rt::detail
