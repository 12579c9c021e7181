// rt::mpsc: multi-producer, single-consumer channels, bounded and unbounded.
//
//   auto [tx, rx] = rt::mpsc::bounded<int>(128);
//   rt::spawn(produce(tx));                        // senders are copyable
//   if (auto r = co_await tx.send(7); !r) ...      // waits while the channel is full
//   while (std::optional<int> v = co_await rx.recv()) use(*v);
//
//   auto [utx, urx] = rt::mpsc::unbounded<int>();
//   utx.send(7);                                   // never waits
//
// Closing: when every sender is gone, recv() drains what is queued and then
// returns nullopt. When the receiver is dropped or close()d, sends fail
// with the value handed back (queued messages can still be received after
// close()). try_send / try_recv never wait. Senders waiting for room are
// served in arrival order; a waiting send that is cancelled gives its turn
// to the next.
#pragma once

#include <cstddef>
#include <deque>
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

namespace weft::rt::mpsc {

namespace detail {

using rt::detail::wait_list;
using rt::detail::wait_node;
using rt::detail::wake_batch;

// Shared by the senders and the receiver of one channel; every field is
// guarded by `mutex`.
template <class T>
struct channel {
  explicit channel(std::size_t cap) : capacity(cap) {
    if (capacity > 0) ring.resize(capacity);
  }

  sys::mutex mutex;
  const std::size_t capacity;          // 0: unbounded
  std::vector<std::optional<T>> ring;  // bounded storage, allocated once
  std::size_t head = 0;                // bounded: oldest message
  std::size_t len = 0;                 // bounded: messages queued
  std::size_t reserved = 0;            // bounded: slots promised to woken senders
  std::deque<T> queue;                 // unbounded storage
  wait_list send_waiters;              // bounded: senders waiting for room
  waker rx_waker;
  std::size_t senders = 1;
  bool rx_closed = false;

  bool empty() const noexcept { return capacity > 0 ? len == 0 : queue.empty(); }
  bool has_room() const noexcept { return len + reserved < capacity; }
  void push(T v) {
    if (capacity > 0) {
      ring[(head + len) % capacity].emplace(std::move(v));
      ++len;
    } else {
      queue.push_back(std::move(v));
    }
  }
  T pop(wake_batch& wakes) {
    if (capacity == 0) {
      T v = std::move(queue.front());
      queue.pop_front();
      return v;
    }
    T v = std::move(*ring[head]);
    ring[head].reset();
    head = (head + 1) % capacity;
    --len;
    hand_room_to_waiter(wakes);
    return v;
  }
  // A slot freed: promise it to the first waiting sender.
  void hand_room_to_waiter(wake_batch& wakes) noexcept {
    if (has_room() && !send_waiters.empty()) {
      wait_node* n = send_waiters.pop_front();
      n->done = true;
      ++reserved;
      wakes.add(std::move(n->w));
    }
  }
  waker take_rx_waker() noexcept { return std::move(rx_waker); }
};

}  // namespace detail

template <class T>
class receiver;

// A sender of a bounded channel.
template <class T>
class sender {
 public:
  sender(const sender& other) : chan_(other.chan_) {
    std::lock_guard lock(chan_->mutex);
    ++chan_->senders;
  }
  sender(sender&&) noexcept = default;
  sender& operator=(sender other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }
  ~sender() { drop(); }

  class send_future final : public leaf_future {
   public:
    send_future(detail::channel<T>* c, T value) : chan_(c), value_(std::move(value)) {}
    send_future(send_future&& other) noexcept
        : leaf_future(other), chan_(other.chan_), value_(std::move(other.value_)) {}
    send_future& operator=(send_future&&) = delete;
    ~send_future() {
      if (!polled_ || finished_) return;
      detail::wake_batch wakes;
      std::lock_guard lock(chan_->mutex);
      if (node_.linked) {
        chan_->send_waiters.remove(&node_);
      } else if (node_.done) {
        --chan_->reserved;  // we were promised a slot: pass it on
        chan_->hand_room_to_waiter(wakes);
      }
    }

    bool poll(const waker& w) noexcept override {
      polled_ = true;
      waker rx;
      {
        std::lock_guard lock(chan_->mutex);
        if (chan_->rx_closed) {
          if (node_.linked) chan_->send_waiters.remove(&node_);
          if (node_.done) --chan_->reserved;
          failed_ = true;
          finished_ = true;
          return true;
        }
        if (node_.done) {
          --chan_->reserved;  // use the slot promised to us
        } else if (node_.linked || !chan_->send_waiters.empty() || !chan_->has_room()) {
          if (!node_.linked) {
            node_.w = w;
            chan_->send_waiters.push_back(&node_);
          } else if (!node_.w.will_wake(w)) {
            node_.w = w;
          }
          return false;
        }
        chan_->push(std::move(*value_));
        value_.reset();
        finished_ = true;
        rx = chan_->take_rx_waker();
      }
      std::move(rx).wake();
      return true;
    }

    expected<void, send_error<T>> await_resume() {
      if (failed_) return unexpected(send_error<T>{std::move(*value_)});
      return {};
    }

   private:
    detail::channel<T>* chan_;
    std::optional<T> value_;
    detail::wait_node node_;
    bool polled_ = false;    // owner-only
    bool finished_ = false;  // owner-only: sent, or failed
    bool failed_ = false;
  };

  // Waits for room, then queues `value`. Fails (handing it back) if the
  // receiver is gone.
  send_future send(T value) { return send_future(chan_.get(), std::move(value)); }

  expected<void, try_send_error<T>> try_send(T value) {
    waker rx;
    {
      std::lock_guard lock(chan_->mutex);
      using why = typename try_send_error<T>::reason;
      if (chan_->rx_closed) return unexpected(try_send_error<T>{why::closed, std::move(value)});
      if (!chan_->send_waiters.empty() || !chan_->has_room()) {
        return unexpected(try_send_error<T>{why::full, std::move(value)});
      }
      chan_->push(std::move(value));
      rx = chan_->take_rx_waker();
    }
    std::move(rx).wake();
    return {};
  }

  bool is_closed() const {
    std::lock_guard lock(chan_->mutex);
    return chan_->rx_closed;
  }
  std::size_t capacity() const noexcept { return chan_->capacity; }

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> bounded(std::size_t capacity);
  explicit sender(std::shared_ptr<detail::channel<T>> c) : chan_(std::move(c)) {}
  void drop() noexcept {
    if (!chan_) return;
    waker rx;
    {
      std::lock_guard lock(chan_->mutex);
      if (--chan_->senders == 0) rx = chan_->take_rx_waker();
    }
    std::move(rx).wake();
    chan_.reset();
  }
  std::shared_ptr<detail::channel<T>> chan_;
};

// A sender of an unbounded channel: send() never waits.
template <class T>
class unbounded_sender {
 public:
  unbounded_sender(const unbounded_sender& other) : chan_(other.chan_) {
    std::lock_guard lock(chan_->mutex);
    ++chan_->senders;
  }
  unbounded_sender(unbounded_sender&&) noexcept = default;
  unbounded_sender& operator=(unbounded_sender other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }
  ~unbounded_sender() {
    if (!chan_) return;
    waker rx;
    {
      std::lock_guard lock(chan_->mutex);
      if (--chan_->senders == 0) rx = chan_->take_rx_waker();
    }
    std::move(rx).wake();
  }

  expected<void, send_error<T>> send(T value) {
    waker rx;
    {
      std::lock_guard lock(chan_->mutex);
      if (chan_->rx_closed) return unexpected(send_error<T>{std::move(value)});
      chan_->push(std::move(value));
      rx = chan_->take_rx_waker();
    }
    std::move(rx).wake();
    return {};
  }
  bool is_closed() const {
    std::lock_guard lock(chan_->mutex);
    return chan_->rx_closed;
  }

 private:
  template <class U>
  friend std::pair<unbounded_sender<U>, receiver<U>> unbounded();
  explicit unbounded_sender(std::shared_ptr<detail::channel<T>> c) : chan_(std::move(c)) {}
  std::shared_ptr<detail::channel<T>> chan_;
};

template <class T>
class receiver {
 public:
  receiver(receiver&&) noexcept = default;
  receiver& operator=(receiver&& other) noexcept {
    if (this != &other) {
      close();
      chan_ = std::move(other.chan_);
    }
    return *this;
  }
  ~receiver() { close(); }

  class recv_future final : public leaf_future {
   public:
    explicit recv_future(detail::channel<T>* c) noexcept : chan_(c) {}
    bool poll(const waker& w) noexcept override {
      detail::wake_batch wakes;
      std::lock_guard lock(chan_->mutex);
      if (!chan_->empty()) {
        value_.emplace(chan_->pop(wakes));
        return true;
      }
      if (chan_->senders == 0) return true;  // closed and drained
      if (!chan_->rx_waker.will_wake(w)) chan_->rx_waker = w;
      return false;
    }
    std::optional<T> await_resume() { return std::move(value_); }

   private:
    detail::channel<T>* chan_;
    std::optional<T> value_;
  };

  // The next message, or nullopt once every sender is gone and the channel
  // is drained.
  recv_future recv() noexcept { return recv_future(chan_.get()); }

  expected<T, try_recv_error> try_recv() {
    detail::wake_batch wakes;
    std::lock_guard lock(chan_->mutex);
    if (!chan_->empty()) return chan_->pop(wakes);
    return unexpected(chan_->senders == 0 ? try_recv_error::closed : try_recv_error::empty);
  }

  // Refuses further sends (queued messages stay receivable) and wakes
  // senders waiting for room, whose sends fail.
  void close() noexcept {
    if (!chan_) return;
    detail::wake_batch wakes;
    std::lock_guard lock(chan_->mutex);
    chan_->rx_closed = true;
    while (detail::wait_node* n = chan_->send_waiters.pop_front()) {
      wakes.add(std::move(n->w));  // they see rx_closed when polled
    }
  }

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> bounded(std::size_t capacity);
  template <class U>
  friend std::pair<unbounded_sender<U>, receiver<U>> unbounded();
  explicit receiver(std::shared_ptr<detail::channel<T>> c) : chan_(std::move(c)) {}
  std::shared_ptr<detail::channel<T>> chan_;
};

// A channel holding at most `capacity` queued messages (at least 1).
template <class T>
std::pair<sender<T>, receiver<T>> bounded(std::size_t capacity) {
  if (capacity == 0) throw std::invalid_argument("weft: mpsc::bounded(0): capacity must be at least 1");
  auto c = std::make_shared<detail::channel<T>>(capacity);
  return {sender<T>(c), receiver<T>(c)};
}

template <class T>
std::pair<unbounded_sender<T>, receiver<T>> unbounded() {
  auto c = std::make_shared<detail::channel<T>>(0);
  return {unbounded_sender<T>(c), receiver<T>(c)};
}

}  // namespace weft::rt::mpsc
