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
//
// How (runtime/sync/semaphore.hpp, slot_ring.hpp, atomic_waker.hpp):
// a bounded channel's room is a semaphore of `capacity` permits. A send
// takes a permit (one CAS while nobody waits; FIFO behind the waiters
// otherwise), writes its message into a lock-free ring and wakes the
// receiver through an atomic waker; the receiver takes the message and gives
// the permit back. So while the channel is neither full nor empty, senders
// and the receiver never share a lock. Closing the receiver closes the
// semaphore: waiting and later sends fail. An unbounded channel keeps its
// messages in a deque under a mutex (held for the push or pop only), with
// the same semaphore (no permits) for closing and the same waker.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

#include "runtime/result.hpp"
#include "runtime/sync/atomic_waker.hpp"
#include "runtime/sync/errors.hpp"
#include "runtime/sync/semaphore.hpp"
#include "runtime/sync/slot_ring.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt::mpsc {

namespace detail {

using rt::detail::pop_state;

// Shared by the senders and the receiver of one channel.
template <class T>
struct channel {
  explicit channel(std::size_t cap) : capacity(cap), room(cap) {
    if (capacity > 0) ring.emplace(capacity);
  }

  // room's word and rx's word are next to each other: a send changes both,
  // so they travel between the two threads as one cache line.
  const std::size_t capacity;                 // 0: unbounded
  semaphore room;                             // bounded: free slots; closed when the receiver closes
  rt::detail::atomic_waker rx;                // the receiver's waker
  sys::atomic<std::size_t> senders{1};
  std::optional<rt::detail::slot_ring<T>> ring;  // bounded storage
  sys::mutex queue_mutex;                     // unbounded: guards `queue`
  std::deque<T> queue;                        // unbounded storage

  bool closed() { return room.is_closed(); }

  // Sender: queue `v` (bounded: holding a permit) and wake the receiver.
  void push(T v) {
    if (ring) {
      ring->push(std::move(v));
    } else {
      std::lock_guard lock(queue_mutex);
      queue.push_back(std::move(v));
    }
    rx.wake();
  }
  // Receiver: the next message, giving its permit back.
  pop_state pop(std::optional<T>& out) {
    if (ring) {
      const pop_state st = ring->pop(out);
      if (st == pop_state::value) room.add_permits(1);
      return st;
    }
    std::lock_guard lock(queue_mutex);
    if (queue.empty()) return pop_state::empty;
    out.emplace(std::move(queue.front()));
    queue.pop_front();
    return pop_state::value;
  }
  // Receiver: the next message into `out`; or nothing, either for now or
  // (`closed`) for good: every sender is gone and the channel is drained.
  // A send caught mid-write counts as not yet sent, unless `wait_busy`
  // (then the receiver spins until it is written).
  enum class took { value, empty, closed };
  took take(std::optional<T>& out, bool wait_busy) {
    for (;;) {
      // Read before popping (acquire): if every sender is gone, their
      // pushes are visible, so an empty pop means drained.
      const bool no_senders = senders.load(std::memory_order_acquire) == 0;
      switch (pop(out)) {
        case pop_state::value:
          return took::value;
        case pop_state::busy:
          if (!wait_busy) return took::empty;  // the sender wakes us when it is done
          sys::spin_hint();
          continue;
        case pop_state::empty:
          return no_senders ? took::closed : took::empty;
      }
    }
  }
  void add_sender() { senders.fetch_add(1, std::memory_order_relaxed); }
  void drop_sender() {
    if (senders.fetch_sub(1, std::memory_order_acq_rel) == 1) rx.wake();
  }
};

}  // namespace detail

template <class T>
class receiver;

// A sender of a bounded channel.
template <class T>
class sender {
 public:
  sender(const sender& other) : chan_(other.chan_) { chan_->add_sender(); }
  sender(sender&&) noexcept = default;
  sender& operator=(sender other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }
  ~sender() {
    if (chan_) chan_->drop_sender();
  }

  class send_future final : public leaf_future {
   public:
    send_future(detail::channel<T>* c, T value) : chan_(c), value_(std::move(value)) {}
    // Moved (into the awaiting frame) before its first poll. The value is
    // moved member by member: copying the whole optional just after its
    // fields were stored one by one stalls store-to-load forwarding.
    send_future(send_future&& other) noexcept : leaf_future(other), chan_(other.chan_) {
      WEFT_ASSERT(!other.waiting_, "a send cannot move once it waits");
      if (other.value_) value_.emplace(std::move(*other.value_));
    }
    send_future& operator=(send_future&&) = delete;
    ~send_future() = default;  // a cancelled wait for room gives its turn on (the semaphore's acquire)

    bool poll(const waker& w) noexcept override {
      if (!waiting_) {
        // Room now, with nobody waiting ahead: one CAS, no lock.
        if (auto permit = chan_->room.try_acquire()) return sent(*permit);
        else if (permit.error() == sync_error::closed) return refused();
        waiting_.emplace(chan_->room.acquire());
      }
      if (!waiting_->poll(w)) return false;
      auto permit = waiting_->await_resume();
      return permit ? sent(*permit) : refused();
    }

    expected<void, send_error<T>> await_resume() {
      if (failed_) return unexpected(send_error<T>{std::move(*value_)});
      return {};
    }

   private:
    bool sent(semaphore::permit& slot) {
      slot.forget();  // the slot's permit travels with the message; the receiver gives it back
      chan_->push(std::move(*value_));
      value_.reset();
      return true;
    }
    bool refused() noexcept {
      failed_ = true;  // the receiver closed: the value stays ours
      return true;
    }

    detail::channel<T>* chan_;
    std::optional<T> value_;
    std::optional<semaphore::acquire_future> waiting_;  // once the channel was full
    bool failed_ = false;
  };

  // Waits for room, then queues `value`. Fails (handing it back) if the
  // receiver is gone.
  send_future send(T value) { return send_future(chan_.get(), std::move(value)); }

  expected<void, try_send_error<T>> try_send(T value) {
    using why = typename try_send_error<T>::reason;
    auto permit = chan_->room.try_acquire();
    if (!permit) {
      const bool closed = permit.error() == sync_error::closed;
      return unexpected(try_send_error<T>{closed ? why::closed : why::full, std::move(value)});
    }
    permit->forget();
    chan_->push(std::move(value));
    return {};
  }

  bool is_closed() const { return chan_->closed(); }
  std::size_t capacity() const noexcept { return chan_->capacity; }

 private:
  template <class U>
  friend std::pair<sender<U>, receiver<U>> bounded(std::size_t capacity);
  explicit sender(std::shared_ptr<detail::channel<T>> c) : chan_(std::move(c)) {}
  std::shared_ptr<detail::channel<T>> chan_;
};

// A sender of an unbounded channel: send() never waits.
template <class T>
class unbounded_sender {
 public:
  unbounded_sender(const unbounded_sender& other) : chan_(other.chan_) { chan_->add_sender(); }
  unbounded_sender(unbounded_sender&&) noexcept = default;
  unbounded_sender& operator=(unbounded_sender other) noexcept {
    std::swap(chan_, other.chan_);
    return *this;
  }
  ~unbounded_sender() {
    if (chan_) chan_->drop_sender();
  }

  expected<void, send_error<T>> send(T value) {
    if (chan_->closed()) return unexpected(send_error<T>{std::move(value)});
    chan_->push(std::move(value));
    return {};
  }
  bool is_closed() const { return chan_->closed(); }

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
    // Moved (into the awaiting frame) before its first poll, empty.
    recv_future(recv_future&& other) noexcept : leaf_future(other), chan_(other.chan_) {}
    recv_future& operator=(recv_future&&) = delete;
    bool poll(const waker& w) noexcept override {
      using took = typename detail::channel<T>::took;
      for (;;) {
        if (chan_->take(value_, /*wait_busy=*/false) != took::empty) return true;
        if (chan_->rx.register_waker(w) == rt::detail::atomic_waker::registration::registered) return false;
      }
    }
    // Member by member, as the move above.
    std::optional<T> await_resume() {
      if (!value_) return std::nullopt;
      return std::optional<T>(std::move(*value_));
    }

   private:
    detail::channel<T>* chan_;
    std::optional<T> value_;
  };

  // The next message, or nullopt once every sender is gone and the channel
  // is drained.
  recv_future recv() noexcept { return recv_future(chan_.get()); }

  expected<T, try_recv_error> try_recv() {
    using took = typename detail::channel<T>::took;
    std::optional<T> v;
    switch (chan_->take(v, /*wait_busy=*/true)) {
      case took::value:
        return std::move(*v);
      case took::closed:
        return unexpected(try_recv_error::closed);
      case took::empty:
        break;
    }
    return unexpected(try_recv_error::empty);
  }

  // Refuses further sends (queued messages stay receivable) and fails
  // senders waiting for room.
  void close() noexcept {
    if (chan_) chan_->room.close();
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
