// rt::watch: one value, many readers, each told when it changes.
//
//   auto [tx, rx] = rt::watch<config>(initial);
//   tx.send(new_config);                         // replaces the value
//   // in each reader (receivers are copyable):
//   while (co_await rx.changed()) apply(rx.borrow_and_update());
//
// Readers see the latest value, not every value: two sends between reads
// are one change. changed() returns false once the sender is gone and the
// reader has seen the last value. send() fails (value handed back) when no
// receiver is left.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "runtime/result.hpp"
#include "runtime/sync/errors.hpp"
#include "runtime/sync/wait_list.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

template <class T>
class watch_sender;
template <class T>
class watch_receiver;
template <class T>
std::pair<watch_sender<T>, watch_receiver<T>> watch(T initial);

namespace detail {
template <class T>
struct watch_state {
  explicit watch_state(T v) : value(std::move(v)) {}
  sys::mutex mutex;
  T value;
  std::uint64_t version = 1;
  std::size_t receivers = 1;
  bool sender_gone = false;
  wait_list waiters;
};
}  // namespace detail

template <class T>
class watch_sender {
 public:
  watch_sender(watch_sender&&) noexcept = default;
  ~watch_sender() {
    if (!state_) return;
    detail::wake_batch wakes;
    std::lock_guard lock(state_->mutex);
    state_->sender_gone = true;
    while (detail::wait_node* n = state_->waiters.pop_front()) {
      n->done = true;
      wakes.add(std::move(n->w));
    }
  }

  // Replaces the value and notifies every receiver.
  expected<void, send_error<T>> send(T value) {
    detail::wake_batch wakes;
    std::lock_guard lock(state_->mutex);
    if (state_->receivers == 0) return unexpected(send_error<T>{std::move(value)});
    state_->value = std::move(value);
    ++state_->version;
    while (detail::wait_node* n = state_->waiters.pop_front()) {
      n->done = true;
      wakes.add(std::move(n->w));
    }
    return {};
  }
  T borrow() const {
    std::lock_guard lock(state_->mutex);
    return state_->value;
  }
  std::size_t receiver_count() const {
    std::lock_guard lock(state_->mutex);
    return state_->receivers;
  }
  watch_receiver<T> subscribe() const;

 private:
  friend std::pair<watch_sender<T>, watch_receiver<T>> watch<T>(T);
  explicit watch_sender(std::shared_ptr<detail::watch_state<T>> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::watch_state<T>> state_;
};

template <class T>
class watch_receiver {
 public:
  watch_receiver(const watch_receiver& other) : state_(other.state_), seen_(other.seen_) {
    std::lock_guard lock(state_->mutex);
    ++state_->receivers;
  }
  watch_receiver(watch_receiver&&) noexcept = default;
  ~watch_receiver() {
    if (!state_) return;
    std::lock_guard lock(state_->mutex);
    --state_->receivers;
  }

  // The current value (a copy); does not mark it seen.
  T borrow() const {
    std::lock_guard lock(state_->mutex);
    return state_->value;
  }
  // The current value, marked seen.
  T borrow_and_update() {
    std::lock_guard lock(state_->mutex);
    seen_ = state_->version;
    return state_->value;
  }

  class changed_future final : public leaf_future {
   public:
    explicit changed_future(watch_receiver* r) noexcept : rx_(r) {}
    changed_future(changed_future&& other) noexcept : leaf_future(other), rx_(other.rx_) {}
    changed_future& operator=(changed_future&&) = delete;
    ~changed_future() {
      if (!polled_) return;
      std::lock_guard lock(rx_->state_->mutex);
      if (node_.linked) rx_->state_->waiters.remove(&node_);
    }
    bool poll(const waker& w) noexcept override {
      polled_ = true;
      auto& s = *rx_->state_;
      std::lock_guard lock(s.mutex);
      if (s.version != rx_->seen_) {
        rx_->seen_ = s.version;
        changed_ = true;
      } else if (!s.sender_gone) {
        if (node_.linked) {
          if (!node_.w.will_wake(w)) node_.w = w;
        } else {
          node_.done = false;
          node_.w = w;
          s.waiters.push_back(&node_);
        }
        return false;
      }
      if (node_.linked) s.waiters.remove(&node_);
      return true;
    }
    // True if the value changed; false if the sender is gone.
    bool await_resume() const noexcept { return changed_; }

   private:
    watch_receiver* rx_;
    detail::wait_node node_;
    bool polled_ = false;
    bool changed_ = false;
  };

  changed_future changed() noexcept { return changed_future(this); }

 private:
  friend class watch_sender<T>;
  friend std::pair<watch_sender<T>, watch_receiver<T>> watch<T>(T);
  watch_receiver(std::shared_ptr<detail::watch_state<T>> s, std::uint64_t seen)
      : state_(std::move(s)), seen_(seen) {}
  std::shared_ptr<detail::watch_state<T>> state_;
  std::uint64_t seen_;
};

template <class T>
watch_receiver<T> watch_sender<T>::subscribe() const {
  std::lock_guard lock(state_->mutex);
  ++state_->receivers;
  return watch_receiver<T>(state_, state_->version);
}

template <class T>
std::pair<watch_sender<T>, watch_receiver<T>> watch(T initial) {
  auto s = std::make_shared<detail::watch_state<T>>(std::move(initial));
  return {watch_sender<T>(s), watch_receiver<T>(s, 1)};
}

}  // namespace weft::rt
