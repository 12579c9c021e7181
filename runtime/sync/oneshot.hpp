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

#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "runtime/result.hpp"
#include "runtime/sync/errors.hpp"
#include "runtime/sys/mutex.hpp"
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
template <class T>
struct oneshot_state {
  sys::mutex mutex;
  std::optional<T> value;
  waker rx_waker;
  bool tx_gone = false;
  bool rx_gone = false;  // dropped or closed
};
}  // namespace detail

template <class T>
class oneshot_sender {
 public:
  oneshot_sender(oneshot_sender&&) noexcept = default;
  oneshot_sender& operator=(oneshot_sender&& other) noexcept {
    if (this != &other) {
      drop();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~oneshot_sender() { drop(); }

  // Delivers `value`; fails (giving it back) if the receiver is gone, or if
  // this sender already sent.
  expected<void, send_error<T>> send(T value) {
    if (!state_) return unexpected(send_error<T>{std::move(value)});
    waker to_wake;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->rx_gone) return unexpected(send_error<T>{std::move(value)});
      state_->value.emplace(std::move(value));
      state_->tx_gone = true;
      to_wake = std::move(state_->rx_waker);
    }
    state_.reset();
    std::move(to_wake).wake();
    return {};
  }
  // True once the receiver is gone: sending would fail.
  bool is_closed() const {
    if (!state_) return true;
    std::lock_guard lock(state_->mutex);
    return state_->rx_gone;
  }

 private:
  friend std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot<T>();
  explicit oneshot_sender(std::shared_ptr<detail::oneshot_state<T>> s) : state_(std::move(s)) {}
  void drop() noexcept {
    if (!state_) return;
    waker to_wake;
    {
      std::lock_guard lock(state_->mutex);
      state_->tx_gone = true;
      to_wake = std::move(state_->rx_waker);
    }
    state_.reset();
    std::move(to_wake).wake();
  }
  std::shared_ptr<detail::oneshot_state<T>> state_;
};

template <class T>
class oneshot_receiver {
 public:
  oneshot_receiver(oneshot_receiver&&) noexcept = default;
  oneshot_receiver& operator=(oneshot_receiver&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~oneshot_receiver() { close(); }

  // Stops the sender from sending; a value already sent can still be read
  // with try_recv.
  void close() noexcept {
    if (!state_) return;
    std::lock_guard lock(state_->mutex);
    state_->rx_gone = true;
  }

  expected<T, try_recv_error> try_recv() {
    if (!state_) return unexpected(try_recv_error::closed);
    std::lock_guard lock(state_->mutex);
    if (state_->value) {
      T v = std::move(*state_->value);
      state_->value.reset();
      state_->tx_gone = true;  // consumed: nothing more will come
      return v;
    }
    return unexpected(state_->tx_gone ? try_recv_error::closed : try_recv_error::empty);
  }

  class recv_future final : public leaf_future {
   public:
    explicit recv_future(detail::oneshot_state<T>* s) noexcept : state_(s) {}
    bool poll(const waker& w) noexcept override {
      std::lock_guard lock(state_->mutex);
      if (state_->value || state_->tx_gone) return true;
      if (!state_->rx_waker.will_wake(w)) state_->rx_waker = w;
      return false;
    }
    expected<T, recv_error> await_resume() {
      std::lock_guard lock(state_->mutex);
      if (!state_->value) return unexpected(recv_error::closed);
      T v = std::move(*state_->value);
      state_->value.reset();
      return v;
    }

   private:
    detail::oneshot_state<T>* state_;
  };

  recv_future operator co_await() & {
    if (!state_) throw usage_error("weft: co_await on a moved-from oneshot receiver");
    return recv_future(state_.get());
  }
  recv_future operator co_await() && { return static_cast<oneshot_receiver&>(*this).operator co_await(); }

 private:
  friend std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot<T>();
  explicit oneshot_receiver(std::shared_ptr<detail::oneshot_state<T>> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::oneshot_state<T>> state_;
};

template <class T>
std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot() {
  auto state = std::make_shared<detail::oneshot_state<T>>();
  return {oneshot_sender<T>(state), oneshot_receiver<T>(state)};
}

}  // namespace weft::rt
