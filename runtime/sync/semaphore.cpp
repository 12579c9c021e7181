#include "runtime/sync/semaphore.hpp"

#include <algorithm>
#include <mutex>

#include "runtime/sys/assert.hpp"

namespace weft::rt {

semaphore::semaphore(std::size_t permits) : word_(permits << shift) {
  WEFT_ASSERT(permits <= max_permits, "rt::semaphore: too many permits");
}

semaphore::~semaphore() {
  WEFT_ASSERT(waiters_.empty(),
              "rt::semaphore (or rt::mutex) destroyed while tasks wait on it; they would touch freed "
              "memory: keep it alive (e.g. in a std::shared_ptr) until they are done");
}

void semaphore::give_back_locked(std::size_t n, detail::wake_batch& wakes) noexcept {
  while (n > 0 && !waiters_.empty()) {
    auto* head = static_cast<acquire_future::node*>(waiters_.front());
    const std::size_t give = std::min(n, head->needed - head->assigned);
    head->assigned += give;
    n -= give;
    if (head->assigned < head->needed) {
      break;  // the head keeps what it got; later waiters wait behind it
    }
    waiters_.pop_front();
    head->done = true;
    wakes.add(std::move(head->w));
  }
  if (!waiters_.empty()) {
    WEFT_ASSERT(n == 0, "permits left over while a waiter still needs them");
    return;
  }
  std::size_t w = word_.load(std::memory_order_acquire);
  for (;;) {
    WEFT_ASSERT((w & waiters_bit) == 0 || count(w) == 0, "permits in the word while tasks wait");
    WEFT_ASSERT(count(w) + n <= max_permits, "rt::semaphore: permit count overflow");
    if (word_.compare_exchange_weak(w, (w + (n << shift)) & ~waiters_bit, std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      return;
    }
  }
}

void semaphore::fail_waiters_locked(detail::wake_batch& wakes) noexcept {
  std::size_t back = 0;
  while (auto* n = static_cast<acquire_future::node*>(waiters_.pop_front())) {
    back += std::exchange(n->assigned, 0);  // what was set aside for it comes back
    n->failed = true;
    n->done = true;
    wakes.add(std::move(n->w));
  }
  give_back_locked(back, wakes);
}

void semaphore::add_permits_to_waiters(std::size_t n) {
  detail::wake_batch wakes;
  std::lock_guard lock(mutex_);
  give_back_locked(n, wakes);
}

void semaphore::close() {
  word_.fetch_or(closed_bit, std::memory_order_acq_rel);
  detail::wake_batch wakes;
  std::lock_guard lock(mutex_);
  fail_waiters_locked(wakes);
}

bool semaphore::is_closed() { return (word_.load(std::memory_order_acquire) & closed_bit) != 0; }

std::size_t semaphore::available_permits() { return count(word_.load(std::memory_order_acquire)); }

bool semaphore::enqueue_locked(acquire_future::node& n, const waker& w) noexcept {
  std::size_t cur = word_.load(std::memory_order_acquire);
  for (;;) {
    if ((cur & closed_bit) != 0) {
      n.failed = true;
      n.done = true;
      return true;
    }
    const bool first = (cur & waiters_bit) == 0;
    WEFT_ASSERT(first == waiters_.empty(), "WAITERS out of step with the wait list");
    if (first && count(cur) >= n.needed) {  // permits came back since the lock-free try
      if (word_.compare_exchange_weak(cur, cur - (n.needed << shift), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        n.assigned = n.needed;
        n.done = true;
        return true;
      }
      continue;
    }
    // Queue, taking what is free now only if nobody is ahead of us.
    const std::size_t take = first ? count(cur) : 0;
    if (word_.compare_exchange_weak(cur, ((count(cur) - take) << shift) | (cur & closed_bit) | waiters_bit,
                                    std::memory_order_acq_rel, std::memory_order_acquire)) {
      n.assigned = take;
      n.w = w;
      waiters_.push_back(&n);
      return false;
    }
  }
}

semaphore::acquire_future::acquire_future(acquire_future&& other) noexcept
    : leaf_future(other), sem_(other.sem_) {
  WEFT_ASSERT(!other.polled_, "an acquire cannot move once polled");
  node_.needed = other.node_.needed;
}

semaphore::acquire_future::~acquire_future() {
  if (!polled_ || node_.taken) {
    return;  // never reached the semaphore, or the permit was handed over
  }
  if (!queued_) {
    // Served on the lock-free path, never waited: give back what we hold.
    if (node_.assigned > 0) sem_->add_permits(std::exchange(node_.assigned, 0));
    return;
  }
  detail::wake_batch wakes;
  std::lock_guard lock(sem_->mutex_);
  if (node_.linked) {
    sem_->waiters_.remove(&node_);
  }
  sem_->give_back_locked(std::exchange(node_.assigned, 0), wakes);
}

bool semaphore::acquire_future::poll(const waker& w) noexcept {
  if (!polled_) {
    polled_ = true;
    switch (sem_->try_take(node_.needed)) {
      case fast::taken:
        node_.assigned = node_.needed;
        node_.done = true;
        return true;
      case fast::closed:
        node_.failed = true;
        node_.done = true;
        return true;
      case fast::busy:
        break;
    }
    queued_ = true;
    std::lock_guard lock(sem_->mutex_);
    return sem_->enqueue_locked(node_, w);
  }
  if (!queued_) return true;  // served on the first poll
  detail::wake_batch wakes;
  std::lock_guard lock(sem_->mutex_);
  if (node_.done) {
    return true;
  }
  if ((sem_->word_.load(std::memory_order_acquire) & closed_bit) != 0) {
    sem_->fail_waiters_locked(wakes);  // close() is on its way to do the same
    return true;
  }
  if (!node_.w.will_wake(w)) node_.w = w;
  return false;
}

expected<semaphore::permit, sync_error> semaphore::acquire_future::await_resume() {
  WEFT_ASSERT(node_.done, "acquire resumed before it completed");
  if (node_.failed) {
    return unexpected(sync_error::closed);
  }
  WEFT_ASSERT(node_.assigned == node_.needed, "acquire completed without its permits");
  node_.taken = true;
  return permit(sem_, node_.needed);
}

}  // namespace weft::rt
