#include "runtime/sync/semaphore.hpp"

#include <algorithm>
#include <mutex>

#include "runtime/sys/assert.hpp"

namespace weft::rt {

semaphore::~semaphore() {
  WEFT_ASSERT(waiters_.empty(),
              "rt::semaphore (or rt::mutex) destroyed while tasks wait on it; they would touch freed "
              "memory: keep it alive (e.g. in a std::shared_ptr) until they are done");
}

void semaphore::give_back_locked(std::size_t n, detail::wake_batch& wakes) noexcept {
  permits_ += n;
  while (permits_ > 0 && !waiters_.empty()) {
    auto* head = static_cast<acquire_future::node*>(waiters_.front());
    const std::size_t give = std::min(permits_, head->needed - head->assigned);
    head->assigned += give;
    permits_ -= give;
    if (head->assigned < head->needed) {
      break;  // the head keeps what it got; later waiters wait behind it
    }
    waiters_.pop_front();
    head->done = true;
    wakes.add(std::move(head->w));
  }
}

void semaphore::add_permits(std::size_t n) {
  detail::wake_batch wakes;
  std::lock_guard lock(mutex_);
  give_back_locked(n, wakes);
}

expected<semaphore::permit, sync_error> semaphore::try_acquire(std::size_t n) {
  std::lock_guard lock(mutex_);
  if (closed_) return unexpected(sync_error::closed);
  if (!waiters_.empty() || permits_ < n) return unexpected(sync_error::no_permits);
  permits_ -= n;
  return permit(this, n);
}

void semaphore::close() {
  detail::wake_batch wakes;
  std::lock_guard lock(mutex_);
  closed_ = true;
  while (auto* n = static_cast<acquire_future::node*>(waiters_.pop_front())) {
    permits_ += n->assigned;  // what was set aside for it comes back
    n->assigned = 0;
    n->failed = true;
    n->done = true;
    wakes.add(std::move(n->w));
  }
}

bool semaphore::is_closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t semaphore::available_permits() {
  std::lock_guard lock(mutex_);
  return permits_;
}

semaphore::acquire_future::acquire_future(acquire_future&& other) noexcept
    : leaf_future(other), sem_(other.sem_) {
  WEFT_ASSERT(!other.node_.linked && !other.node_.done, "an acquire cannot move once polled");
  node_.needed = other.node_.needed;
}

semaphore::acquire_future::~acquire_future() {
  if (!polled_ || node_.taken) {
    return;  // never reached the semaphore, or the permit was handed over
  }
  detail::wake_batch wakes;
  std::lock_guard lock(sem_->mutex_);
  if (node_.linked) {
    sem_->waiters_.remove(&node_);
  }
  if (!node_.taken && node_.assigned > 0) {
    sem_->give_back_locked(std::exchange(node_.assigned, 0), wakes);
  }
}

bool semaphore::acquire_future::poll(const waker& w) noexcept {
  polled_ = true;
  std::lock_guard lock(sem_->mutex_);
  if (node_.done) {
    return true;
  }
  if (sem_->closed_) {
    node_.failed = true;
    node_.done = true;
    return true;
  }
  if (node_.linked) {
    if (!node_.w.will_wake(w)) node_.w = w;
    return false;
  }
  if (sem_->waiters_.empty() && sem_->permits_ >= node_.needed) {
    sem_->permits_ -= node_.needed;
    node_.assigned = node_.needed;
    node_.done = true;
    return true;
  }
  // Queue, taking what is free now only if nobody is ahead of us.
  if (sem_->waiters_.empty()) {
    node_.assigned = std::min(sem_->permits_, node_.needed);
    sem_->permits_ -= node_.assigned;
  }
  node_.w = w;
  sem_->waiters_.push_back(&node_);
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
