// rt::broadcast: every message to every receiver, with a bounded backlog.
//
//   auto [tx, rx] = rt::broadcast<event>(64);
//   auto rx2 = tx.subscribe();                   // sees messages sent from now on
//   tx.send(e);                                  // to every receiver
//   auto r = co_await rx.recv();
//   if (!r && r.error().lagged()) { /* r.error().missed messages were overwritten */ }
//
// The channel keeps the last `capacity` messages. A receiver that falls
// further behind is told how many it missed (and then continues with the
// oldest message still kept): a slow reader never blocks the sender. recv()
// fails with closed once every sender is gone and the receiver has read
// everything. T must be copyable (each receiver gets its own copy).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/sync/errors.hpp"
#include "runtime/sync/wait_list.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

struct broadcast_error {
  std::uint64_t missed = 0;  // > 0: lagged, that many messages were lost
  bool lagged() const noexcept { return missed > 0; }
  bool closed() const noexcept { return missed == 0; }
};

template <class T>
class broadcast_sender;
template <class T>
class broadcast_receiver;
template <class T>
std::pair<broadcast_sender<T>, broadcast_receiver<T>> broadcast(std::size_t capacity);

namespace detail {
template <class T>
struct broadcast_state {
  explicit broadcast_state(std::size_t cap) : capacity(cap), ring(cap) {}
  sys::mutex mutex;
  const std::size_t capacity;
  std::vector<std::optional<T>> ring;
  std::uint64_t tail = 0;  // sequence number of the next message
  std::size_t senders = 1;
  std::size_t receivers = 1;
  wait_list waiters;
  std::uint64_t oldest() const noexcept { return tail > capacity ? tail - capacity : 0; }
};
}  // namespace detail

template <class T>
class broadcast_sender {
 public:
  broadcast_sender(const broadcast_sender& other) : state_(other.state_) {
    std::lock_guard lock(state_->mutex);
    ++state_->senders;
  }
  broadcast_sender(broadcast_sender&&) noexcept = default;
  ~broadcast_sender() {
    if (!state_) return;
    detail::wake_batch wakes;
    std::lock_guard lock(state_->mutex);
    if (--state_->senders == 0) {
      while (detail::wait_node* n = state_->waiters.pop_front()) {
        n->done = true;
        wakes.add(std::move(n->w));
      }
    }
  }

  // Sends to every receiver; returns how many there are. Fails (value
  // handed back) when there are none.
  expected<std::size_t, send_error<T>> send(T value) {
    detail::wake_batch wakes;
    std::lock_guard lock(state_->mutex);
    if (state_->receivers == 0) return unexpected(send_error<T>{std::move(value)});
    state_->ring[state_->tail % state_->capacity].emplace(std::move(value));
    ++state_->tail;
    while (detail::wait_node* n = state_->waiters.pop_front()) {
      n->done = true;
      wakes.add(std::move(n->w));
    }
    return state_->receivers;
  }

  broadcast_receiver<T> subscribe() const;

 private:
  friend std::pair<broadcast_sender<T>, broadcast_receiver<T>> broadcast<T>(std::size_t);
  explicit broadcast_sender(std::shared_ptr<detail::broadcast_state<T>> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::broadcast_state<T>> state_;
};

template <class T>
class broadcast_receiver {
 public:
  broadcast_receiver(broadcast_receiver&&) noexcept = default;
  ~broadcast_receiver() {
    if (!state_) return;
    std::lock_guard lock(state_->mutex);
    --state_->receivers;
  }

  class recv_future final : public leaf_future {
   public:
    explicit recv_future(broadcast_receiver* r) noexcept : rx_(r) {}
    recv_future(recv_future&& other) noexcept : leaf_future(other), rx_(other.rx_) {}
    recv_future& operator=(recv_future&&) = delete;
    ~recv_future() {
      if (!polled_) return;
      std::lock_guard lock(rx_->state_->mutex);
      if (node_.linked) rx_->state_->waiters.remove(&node_);
    }
    bool poll(const waker& w) noexcept override {
      polled_ = true;
      auto& s = *rx_->state_;
      std::lock_guard lock(s.mutex);
      if (rx_->next_ < s.oldest()) {
        missed_ = s.oldest() - rx_->next_;  // overwritten before we read them
        rx_->next_ = s.oldest();
      } else if (rx_->next_ < s.tail) {
        value_.emplace(*s.ring[rx_->next_ % s.capacity]);
        ++rx_->next_;
      } else if (s.senders > 0) {
        if (node_.linked) {
          if (!node_.w.will_wake(w)) node_.w = w;
        } else {
          node_.w = w;
          s.waiters.push_back(&node_);
        }
        return false;
      }
      if (node_.linked) s.waiters.remove(&node_);
      return true;
    }
    expected<T, broadcast_error> await_resume() {
      if (value_) return std::move(*value_);
      return unexpected(broadcast_error{missed_});
    }

   private:
    broadcast_receiver* rx_;
    detail::wait_node node_;
    std::optional<T> value_;
    std::uint64_t missed_ = 0;
    bool polled_ = false;
  };

  recv_future recv() noexcept { return recv_future(this); }

 private:
  friend class broadcast_sender<T>;
  friend std::pair<broadcast_sender<T>, broadcast_receiver<T>> broadcast<T>(std::size_t);
  broadcast_receiver(std::shared_ptr<detail::broadcast_state<T>> s, std::uint64_t next)
      : state_(std::move(s)), next_(next) {}
  std::shared_ptr<detail::broadcast_state<T>> state_;
  std::uint64_t next_;
};

template <class T>
broadcast_receiver<T> broadcast_sender<T>::subscribe() const {
  std::lock_guard lock(state_->mutex);
  ++state_->receivers;
  return broadcast_receiver<T>(state_, state_->tail);
}

template <class T>
std::pair<broadcast_sender<T>, broadcast_receiver<T>> broadcast(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("weft: broadcast(0): capacity must be at least 1");
  auto s = std::make_shared<detail::broadcast_state<T>>(capacity);
  return {broadcast_sender<T>(s), broadcast_receiver<T>(s, 0)};
}

}  // namespace weft::rt
