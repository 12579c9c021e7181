// rt::mpsc::bounded, as a sequential specification: a FIFO of at most
// `capacity` messages, any number of senders (clones of one another), one
// receiver. Operations run one at a time; each returns what the real API
// returns (runtime/sync/mpsc.hpp). tests/models/refinement_test.cpp
// compares the two on random operation sequences.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace weft::models::spec {

class mpsc {
 public:
  enum class receiver_state { open, closed, dropped };

  // try_send: "ok", or "full" / "closed" with the value handed back.
  // "closed" (the receiver is closed or gone) wins over "full".
  struct send_result {
    std::string kind;  // "ok", "full" or "closed"
    std::optional<int> value_back;
  };

  // try_recv: "value", "empty", or "closed" once every sender is gone and
  // nothing is left to receive. Closing the receiver only stops sends:
  // queued messages stay receivable, and try_recv says "empty" (not
  // "closed") while a sender is still alive.
  struct recv_result {
    std::string kind;  // "value", "empty" or "closed"
    std::optional<int> value;
  };

  explicit mpsc(std::size_t capacity) : capacity_(capacity), senders_(1, true) {}

  std::size_t capacity() const { return capacity_; }
  const std::deque<int>& queued() const { return queue_; }
  receiver_state rx() const { return rx_; }
  // Senders are numbered in creation order; a dropped one stays dropped.
  std::size_t sender_slots() const { return senders_.size(); }
  bool sender_alive(std::size_t i) const { return i < senders_.size() && senders_[i]; }
  std::size_t live_senders() const {
    std::size_t n = 0;
    for (bool alive : senders_) n += alive ? 1 : 0;
    return n;
  }

  send_result try_send(int v) {
    if (rx_ != receiver_state::open) return {"closed", v};
    if (queue_.size() == capacity_) return {"full", v};
    queue_.push_back(v);
    return {"ok", std::nullopt};
  }

  // True once sends fail for good: the receiver is closed or gone.
  bool sender_is_closed() const { return rx_ != receiver_state::open; }

  // A clone of a live sender; returns the new sender's number.
  std::size_t clone_sender() {
    senders_.push_back(true);
    return senders_.size() - 1;
  }
  void drop_sender(std::size_t i) { senders_[i] = false; }

  recv_result try_recv() {
    if (!queue_.empty()) {
      const int v = queue_.front();
      queue_.pop_front();
      return {"value", v};
    }
    return {live_senders() == 0 ? "closed" : "empty", std::nullopt};
  }

  void close() {
    if (rx_ == receiver_state::open) rx_ = receiver_state::closed;
  }
  void drop_receiver() {
    rx_ = receiver_state::dropped;
    queue_.clear();
  }

 private:
  std::size_t capacity_;
  std::deque<int> queue_;  // oldest first
  std::vector<bool> senders_;
  receiver_state rx_ = receiver_state::open;
};

}  // namespace weft::models::spec
