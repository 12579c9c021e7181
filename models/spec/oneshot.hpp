// rt::oneshot, as a sequential specification: one value from one sender to
// one receiver, with each side free to give up at any time. Operations run
// one at a time; each returns what the real API returns
// (runtime/sync/oneshot.hpp). tests/models/refinement_test.cpp compares the
// two on random operation sequences.
#pragma once

#include <optional>
#include <string>

namespace weft::models::spec {

class oneshot {
 public:
  enum class sender_state { holding, sent, dropped };  // holding: may still send
  enum class receiver_state { open, closed, dropped };

  // send(v): "ok", or "error" with the value handed back (the caller keeps
  // it) when the receiver is closed or gone, or when this sender already
  // sent.
  struct send_result {
    bool ok = false;
    std::optional<int> value_back;  // set when !ok
  };

  // try_recv(): "value" (returned once), "empty" (the sender may still
  // send) or "closed" (no value will come: the sender was dropped without
  // sending, or its value was already received).
  //
  // Closing the receiver stops further sends but does not by itself make
  // try_recv report "closed": that waits until the sender is dropped (a
  // value sent before the close can still be received).
  struct recv_result {
    std::string kind;  // "value", "empty" or "closed"
    std::optional<int> value;
  };

  sender_state tx = sender_state::holding;
  receiver_state rx = receiver_state::open;
  std::optional<int> slot;  // sent and not yet received
  bool received = false;    // the value was taken

  bool has_sender() const { return tx != sender_state::dropped; }
  bool has_receiver() const { return rx != receiver_state::dropped; }

  send_result send(int v) {
    if (tx != sender_state::holding || rx != receiver_state::open) return {false, v};
    slot = v;
    tx = sender_state::sent;
    return {true, std::nullopt};
  }

  // True when a send would fail: the sender already sent, or the receiver
  // is closed or gone.
  bool sender_is_closed() const { return tx != sender_state::holding || rx != receiver_state::open; }

  void drop_sender() { tx = sender_state::dropped; }

  recv_result try_recv() {
    if (slot) {
      recv_result r{"value", slot};
      slot.reset();
      received = true;
      return r;
    }
    const bool finished = received || tx == sender_state::dropped;
    return {finished ? "closed" : "empty", std::nullopt};
  }

  void close() {
    if (rx == receiver_state::open) rx = receiver_state::closed;
  }

  void drop_receiver() {
    rx = receiver_state::dropped;
    slot.reset();
  }
};

}  // namespace weft::models::spec
