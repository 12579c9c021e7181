// rt::oneshot: one value from one task to another.
//
//   auto [tx, rx] = rt::oneshot<int>();
//   rt::spawn(compute(std::move(tx)));          // ... tx.send(42);
//   rt::expected<int, rt::recv_error> v = co_await rx;
//
// send() fails, returning the value, if the receiver is gone or closed.
// Awaiting the receiver fails with recv_error::closed if the sender was
// dropped without sending. Either side may be dropped at any time.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "runtime/result.hpp"
#include "runtime/sync/errors.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/task/error.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

template <class T>
class oneshot_sender;
template <class T>
class oneshot_receiver;
template <class T>
std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot();

namespace detail {

// The shared state of one oneshot: a state word and two slots.
//
//   VALUE_SENT   the sender stored the value (the slot is the receiver's now)
//   TX_CLOSED    the sender went away without sending
//   RX_CLOSED    the receiver went away or closed: sending fails
//   RX_WAKER     the receiver stored a waker; while set, the sender may read
//                (and wake) it and the receiver leaves it alone
//
// send:    write the value slot, then set VALUE_SENT unless RX_CLOSED is set
//          (then take the value back). If RX_WAKER was set, wake it.
// poll:    VALUE_SENT or TX_CLOSED: ready. Otherwise store a waker: if one
//          is stored already, first clear RX_WAKER (which fails if the sender
//          completed meanwhile: ready), write the slot, set RX_WAKER (which
//          fails the same way).
// Every transition is one RMW on the word (acq_rel), which orders the slot
// writes before the reads that depend on them.
//
// The state is one allocation shared by exactly two handles: `refs` starts
// at 2 and the handle that takes it to 0 (acq_rel, so the other's last
// accesses happen before) frees it. (A std::shared_ptr would add a control
// block: 16 more bytes for every oneshot.)
template <class T>
struct oneshot_state {
  static constexpr std::uint32_t value_sent = 1, tx_closed = 2, rx_closed = 4, rx_waker = 8;

  sys::atomic<std::uint32_t> word{0};
  sys::atomic<std::uint32_t> refs{2};  // the sender and the receiver
  sys::cell<std::optional<T>> value;
  sys::cell<waker> rx;

  // A handle lets go; the last one frees the state.
  static void release(oneshot_state* s) noexcept {
    if (s != nullptr && s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete s;
  }

  // The sender finished (with or without a value): wake the receiver if it
  // is waiting. `bit` is value_sent or tx_closed. Returns false if the
  // receiver had closed (nothing was set).
  bool complete(std::uint32_t bit) {
    std::uint32_t cur = word.load(std::memory_order_acquire);
    for (;;) {
      if ((cur & rx_closed) != 0 && bit == value_sent) return false;
      if (word.compare_exchange_weak(cur, cur | bit, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    if ((cur & rx_waker) != 0) {
      rx.with([](const waker& w) { w.wake_by_ref(); });
    }
    return true;
  }

  // Receiver side: true when the sender has finished.
  bool poll(const waker& w) {
    std::uint32_t cur = word.load(std::memory_order_acquire);
    if ((cur & (value_sent | tx_closed)) != 0) return true;
    if ((cur & rx_waker) != 0) {
      if (rx.with([&](const waker& stored) { return stored.will_wake(w); })) return false;
      // Take the slot back before replacing the waker in it.
      for (;;) {
        if ((cur & (value_sent | tx_closed)) != 0) return true;
        if (word.compare_exchange_weak(cur, cur & ~rx_waker, std::memory_order_acq_rel,
                                       std::memory_order_acquire)) break;
      }
    }
    rx.with_mut([&](waker& stored) { stored = w; });
    cur = word.load(std::memory_order_acquire);
    for (;;) {
      if ((cur & (value_sent | tx_closed)) != 0) return true;
      if (word.compare_exchange_weak(cur, cur | rx_waker, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) return false;
    }
  }

  // Receiver: takes the value if one was sent.
  std::optional<T> take() {
    if ((word.load(std::memory_order_acquire) & value_sent) == 0) return std::nullopt;
    return value.with_mut([](std::optional<T>& v) {
      std::optional<T> out = std::move(v);
      v.reset();
      return out;
    });
  }
};

}  // namespace detail

template <class T>
class oneshot_sender {
 public:
  oneshot_sender(oneshot_sender&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  oneshot_sender& operator=(oneshot_sender&& other) noexcept {
    if (this != &other) {
      drop();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  ~oneshot_sender() { drop(); }

  // Delivers `value`; fails (giving it back) if the receiver is gone or
  // closed, or if this sender already sent.
  expected<void, send_error<T>> send(T value) {
    if (!state_) return unexpected(send_error<T>{std::move(value)});
    if ((state_->word.load(std::memory_order_acquire) & state_type::rx_closed) != 0) {
      return unexpected(send_error<T>{std::move(value)});
    }
    state_->value.with_mut([&](std::optional<T>& slot) { slot.emplace(std::move(value)); });
    if (!state_->complete(state_type::value_sent)) {
      // Closed between the check and the store: the value is still ours.
      T back = state_->value.with_mut([](std::optional<T>& slot) {
        T v = std::move(*slot);
        slot.reset();
        return v;
      });
      state_type::release(std::exchange(state_, nullptr));
      return unexpected(send_error<T>{std::move(back)});
    }
    state_type::release(std::exchange(state_, nullptr));
    return {};
  }
  // True once the receiver is gone: sending would fail.
  bool is_closed() const {
    return !state_ || (state_->word.load(std::memory_order_acquire) & state_type::rx_closed) != 0;
  }

 private:
  using state_type = detail::oneshot_state<T>;
  friend std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot<T>();
  explicit oneshot_sender(state_type* s) noexcept : state_(s) {}
  void drop() noexcept {
    if (!state_) return;
    state_->complete(state_type::tx_closed);
    state_type::release(std::exchange(state_, nullptr));
  }
  state_type* state_;
};

template <class T>
class oneshot_receiver {
  using state_type = detail::oneshot_state<T>;

 public:
  oneshot_receiver(oneshot_receiver&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  oneshot_receiver& operator=(oneshot_receiver&& other) noexcept {
    if (this != &other) {
      drop();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  ~oneshot_receiver() { drop(); }

  // Stops the sender from sending; a value already sent can still be read
  // with try_recv.
  void close() noexcept {
    if (state_) state_->word.fetch_or(state_type::rx_closed, std::memory_order_acq_rel);
  }

  expected<T, try_recv_error> try_recv() {
    if (!state_) return unexpected(try_recv_error::closed);
    if (std::optional<T> v = state_->take()) {
      state_->word.fetch_or(state_type::tx_closed, std::memory_order_acq_rel);  // consumed
      return std::move(*v);
    }
    const bool done = (state_->word.load(std::memory_order_acquire) &
                       (state_type::tx_closed | state_type::value_sent)) != 0;
    return unexpected(done ? try_recv_error::closed : try_recv_error::empty);
  }

  class recv_future final : public leaf_future {
   public:
    explicit recv_future(state_type* s) noexcept : state_(s) {}
    bool poll(const waker& w) noexcept override { return state_->poll(w); }
    expected<T, recv_error> await_resume() {
      if (std::optional<T> v = state_->take()) return std::move(*v);
      return unexpected(recv_error::closed);
    }

   private:
    state_type* state_;
  };

  recv_future operator co_await() & {
    if (!state_) throw usage_error("weft: co_await on a moved-from oneshot receiver");
    return recv_future(state_);
  }
  recv_future operator co_await() && { return static_cast<oneshot_receiver&>(*this).operator co_await(); }

 private:
  friend std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot<T>();
  explicit oneshot_receiver(state_type* s) noexcept : state_(s) {}
  void drop() noexcept {
    if (!state_) return;
    // A sender that has finished (sent, or gone without sending) reads the
    // word no more: telling it costs an RMW for nothing.
    if ((state_->word.load(std::memory_order_acquire) & (state_type::value_sent | state_type::tx_closed)) == 0) {
      close();
    }
    state_type::release(std::exchange(state_, nullptr));
  }
  state_type* state_;
};

template <class T>
std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot() {
  auto* state = new detail::oneshot_state<T>();
  return {oneshot_sender<T>(state), oneshot_receiver<T>(state)};
}

}  // namespace weft::rt
