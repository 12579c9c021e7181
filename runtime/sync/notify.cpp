#include "runtime/sync/notify.hpp"

#include <mutex>

namespace weft::rt {

notify::~notify() {
  WEFT_ASSERT(waiters_.empty(),
              "rt::notify destroyed while tasks wait on it; they would touch freed memory: keep it "
              "alive (e.g. in a std::shared_ptr) until they are done");
}

notify::notified_future notify::notified() {
  std::lock_guard lock(mutex_);
  return notified_future(this, generation_);
}

notify::notified_future::notified_future(notified_future&& other) noexcept
    : leaf_future(other), owner_(other.owner_), generation_(other.generation_) {
  WEFT_ASSERT(!other.polled_, "a notified() cannot move once polled");
}

notify::notified_future::~notified_future() {
  if (!polled_ || observed_) return;
  waker to_wake;
  {
    std::lock_guard lock(owner_->mutex_);
    if (node_.linked) {
      owner_->waiters_.remove(&node_);
    } else if (node_.done && node_.by_one) {
      // Chosen by notify_one, but never saw it: pass it on.
      to_wake = owner_->notify_one_locked();
    }
  }
  std::move(to_wake).wake();
}

bool notify::notified_future::poll(const waker& w) noexcept {
  polled_ = true;
  std::lock_guard lock(owner_->mutex_);
  if (node_.done || owner_->generation_ != generation_) {
    if (node_.linked) owner_->waiters_.remove(&node_);
    observed_ = true;
    return true;
  }
  if (node_.linked) {
    if (!node_.w.will_wake(w)) node_.w = w;
    return false;
  }
  if (owner_->permit_) {
    owner_->permit_ = false;
    node_.done = true;
    observed_ = true;
    return true;
  }
  node_.w = w;
  owner_->waiters_.push_back(&node_);
  return false;
}

waker notify::notify_one_locked() {
  if (auto* n = static_cast<notified_future::node*>(waiters_.pop_front())) {
    n->done = true;
    n->by_one = true;
    return std::move(n->w);
  }
  permit_ = true;
  return waker();
}

void notify::notify_one() {
  waker to_wake;
  {
    std::lock_guard lock(mutex_);
    to_wake = notify_one_locked();
  }
  std::move(to_wake).wake();
}

void notify::notify_waiters() {
  detail::wake_batch wakes;
  std::lock_guard lock(mutex_);
  ++generation_;
  while (detail::wait_node* n = waiters_.pop_front()) {
    n->done = true;
    wakes.add(std::move(n->w));
  }
}

}  // namespace weft::rt
