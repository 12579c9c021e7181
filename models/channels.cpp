// Model 4: the channels (runtime/sync/oneshot.hpp, runtime/sync/mpsc.hpp).
//
// oneshot: a sender that sends or drops, a receiver that awaits or closes
// and then tries once. The state word's bits (VALUE_SENT, TX_CLOSED,
// RX_CLOSED, RX_WAKER) change by one RMW per step; the value and waker
// slots are written in steps of their own, as in the real code.
// Invariants: the value is received at most once; a send that reported
// success is received; an awaiting receiver of a dropped sender sees
// "closed". Liveness: both sides finish (an awaiting receiver is woken).
//
// mpsc (bounded): --threads senders each send one message and drop their
// handle; the receiver receives until it sees the channel closed. Each step
// is one step of the channel's protocol: take a slot's permit or queue for
// one, publish a message and wake the receiver, receive and hand the freed
// permit to the first waiting sender. In the code a step is several atomic
// operations (the semaphore's word, the slot ring, the atomic waker); the
// model checks the protocol, and the interleavings inside its steps are
// explored on the real code (ExploreMpsc and ExploreSyncInRuntime in
// tests/props/runtime_explore_test.cpp, under weak memory too).
// Invariants: no message received twice; at the end every message was
// received and the receiver saw the close. Liveness: everyone finishes (a
// sender waiting for room is handed a slot, a waiting receiver is woken).
#include <fmt/format.h>

#include "models/model.hpp"

namespace weft::models {
namespace {

// ------------------------------------------------------------------ oneshot

enum : std::uint8_t { sent_bit = 1, tx_closed_bit = 2, rx_closed_bit = 4, rx_waker_bit = 8 };
enum : std::uint8_t { s_start, s_write, s_cas, s_takeback, s_wake, s_drop_wake, s_done };
enum : std::uint8_t { r_start, r_poll, r_store, r_set, r_wait, r_take, r_close, r_try, r_done };
enum : std::uint8_t { res_none, res_ok, res_failed, res_value, res_closed };

struct oneshot_model {
  bool unchecked_waker = false;     // bug: RX_WAKER set with a plain fetch_or
  bool send_ignores_close = false;  // bug: VALUE_SENT set even after the receiver closed

  struct state {
    std::uint8_t word = 0, value = 0, waker = 0, woken = 0, got = 0;
    std::uint8_t spc = s_start, rpc = r_start, send_result = res_none, recv_result = res_none;
  };

  std::string title() const {
    std::string t = "oneshot (1 sender, 1 receiver)";
    if (unchecked_waker) t += " [bug: waker registered without checking completion]";
    if (send_ignores_close) t += " [bug: send ignores a close that raced it]";
    return t;
  }
  state initial() const { return {}; }

  void steps(const state& s, emitter<state>& out) const {
    sender(s, out);
    receiver(s, out);
  }

  void sender(const state& s, emitter<state>& out) const {
    state n = s;
    switch (s.spc) {
      case s_start:
        if (s.word & rx_closed_bit) {
          n.send_result = res_failed;
          n.spc = s_done;
          out.add(0, "send: receiver closed, fail", n);
        } else {
          n.spc = s_write;
          out.add(0, "send: load word, open", n);
        }
        n = s;
        n.word |= tx_closed_bit;
        n.spc = (s.word & rx_waker_bit) ? s_drop_wake : s_done;
        return out.add(0, "drop without sending: set TX_CLOSED", n);
      case s_write:
        n.value = 1;
        n.spc = s_cas;
        return out.add(0, "send: write the value slot", n);
      case s_cas:
        if ((s.word & rx_closed_bit) && !send_ignores_close) {
          n.spc = s_takeback;
          return out.add(0, "send: CAS sees RX_CLOSED", n);
        }
        n.word |= sent_bit;
        n.spc = (s.word & rx_waker_bit) ? s_wake : s_done;
        if (n.spc == s_done) n.send_result = res_ok;
        return out.add(0, "send: set VALUE_SENT", n);
      case s_takeback:
        n.value = 0;
        n.send_result = res_failed;
        n.spc = s_done;
        return out.add(0, "send: take the value back, fail", n);
      case s_wake:
      case s_drop_wake:
        n.woken = s.waker;
        if (s.spc == s_wake) n.send_result = res_ok;
        n.spc = s_done;
        return out.add(0, "wake the receiver's stored waker", n);
      default:
        return;
    }
  }

  void receiver(const state& s, emitter<state>& out) const {
    state n = s;
    const bool finished = (s.word & (sent_bit | tx_closed_bit)) != 0;
    switch (s.rpc) {
      case r_start:
        n.rpc = r_poll;
        out.add(1, "await the value", n);
        n = s;
        n.rpc = r_close;
        return out.add(1, "close instead", n);
      case r_poll:
        if (finished) {
          n.rpc = r_take;
          return out.add(1, "poll: sender finished, ready", n);
        }
        if (s.word & rx_waker_bit) {
          n.rpc = r_wait;
          return out.add(1, "poll: same waker already stored, pending", n);
        }
        n.rpc = r_store;
        return out.add(1, "poll: not finished", n);
      case r_store:
        n.waker = 1;
        n.rpc = r_set;
        return out.add(1, "poll: write the waker slot", n);
      case r_set:
        if (finished && !unchecked_waker) {
          n.rpc = r_take;
          return out.add(1, "poll: CAS RX_WAKER fails, sender finished: ready", n);
        }
        n.word |= rx_waker_bit;
        n.rpc = r_wait;
        return out.add(1, "poll: set RX_WAKER, pending", n);
      case r_wait:
        if (!s.woken) return;  // suspended until woken
        n.woken = 0;
        n.rpc = r_poll;
        return out.add(1, "woken: poll again", n);
      case r_take:
        if (s.word & sent_bit) {
          n.got = static_cast<std::uint8_t>(s.got + s.value);
          n.value = 0;
          n.recv_result = res_value;
        } else {
          n.recv_result = res_closed;
        }
        n.rpc = r_done;
        return out.add(1, n.recv_result == res_value ? "receive the value" : "receive: closed", n);
      case r_close:
        n.word |= rx_closed_bit;
        n.rpc = r_try;
        return out.add(1, "close: set RX_CLOSED", n);
      case r_try:
        if ((s.word & sent_bit) && s.value) {
          n.got = static_cast<std::uint8_t>(s.got + 1);
          n.value = 0;
          n.recv_result = res_value;
        } else {
          n.recv_result = res_closed;
        }
        n.rpc = r_done;
        return out.add(1, n.recv_result == res_value ? "try_recv: the value" : "try_recv: nothing", n);
      default:
        return;
    }
  }

  std::optional<std::string> violation(const state& s) const {
    if (s.got > 1) return "the value was received twice";
    if (s.spc == s_done && s.rpc == r_done) {
      if (s.send_result == res_ok && s.got == 0) return "send reported success but the value was never received";
      if (s.send_result != res_ok && s.got != 0) return "a value was received that was never sent";
    }
    return std::nullopt;
  }
  bool is_final(const state& s) const { return s.spc == s_done && s.rpc == r_done; }
  bool is_goal(const state& s) const { return is_final(s); }
  std::string goal_name() const { return "both sides finished"; }

  std::string describe(const state& s) const {
    std::string bits;
    auto flag = [&](std::uint8_t b, const char* name) {
      if ((s.word & b) == 0) return;
      if (!bits.empty()) bits += '|';
      bits += name;
    };
    flag(sent_bit, "VALUE_SENT");
    flag(tx_closed_bit, "TX_CLOSED");
    flag(rx_closed_bit, "RX_CLOSED");
    flag(rx_waker_bit, "RX_WAKER");
    if (bits.empty()) bits.push_back('0');
    static constexpr const char* sp[] = {"start", "write", "cas", "take-back", "wake", "wake", "done"};
    static constexpr const char* rp[] = {"start", "poll", "store-waker", "set-waker", "wait", "take",
                                         "close", "try-recv", "done"};
    static constexpr const char* res[] = {"-", "ok", "failed", "value", "closed"};
    return fmt::format("{} value={} waker={}{} got={} | sender {} ({}) | receiver {} ({})", bits, s.value, s.waker,
                       s.woken ? " WOKEN" : "", s.got, sp[s.spc], res[s.send_result], rp[s.rpc],
                       res[s.recv_result]);
  }
  std::string actor_name(int actor) const { return actor == 0 ? "sender" : "receiver"; }
};

// --------------------------------------------------------------------- mpsc

enum : std::uint8_t { a_send, a_wait, a_drop, a_done };
enum : std::uint8_t { b_recv, b_wait, b_done };

struct mpsc_model {
  int senders = 2;
  int capacity = 1;
  bool no_room_handoff = false;  // bug: a receive frees a slot but wakes no waiting sender

  struct state {
    std::uint8_t queue[3] = {0, 0, 0};
    std::uint8_t qlen = 0, reserved = 0, alive = 0;
    std::uint8_t waiters[3] = {0, 0, 0};
    std::uint8_t nwaiters = 0;
    std::uint8_t granted[3] = {0, 0, 0}, linked[3] = {0, 0, 0};
    std::uint8_t rx_waker = 0, rx_woken = 0, closed_seen = 0;
    std::uint8_t received[3] = {0, 0, 0};
    std::uint8_t spc[3] = {a_send, a_send, a_send};
    std::uint8_t rpc = b_recv;
  };

  std::string title() const {
    return fmt::format("mpsc (senders={}, capacity={}){}", senders, capacity,
                       no_room_handoff ? " [bug: freed slot not handed to a waiting sender]" : "");
  }
  state initial() const {
    state s;
    s.alive = static_cast<std::uint8_t>(senders);
    for (int i = senders; i < 3; ++i) s.spc[i] = a_done;
    return s;
  }

  static void wake_rx(state& s) {
    if (s.rx_waker) {
      s.rx_waker = 0;
      s.rx_woken = 1;
    }
  }

  void steps(const state& s, emitter<state>& out) const {
    for (int i = 0; i < senders; ++i) sender(s, i, out);
    receiver(s, out);
  }

  void sender(const state& s, int i, emitter<state>& out) const {
    state n = s;
    const auto id = static_cast<std::uint8_t>(i + 1);
    switch (s.spc[i]) {
      case a_send: {
        if (s.granted[i]) {
          n.granted[i] = 0;
          --n.reserved;
        } else if (s.linked[i] || s.nwaiters > 0 || s.qlen + s.reserved >= capacity) {
          if (!s.linked[i]) {
            n.waiters[n.nwaiters++] = static_cast<std::uint8_t>(i);
            n.linked[i] = 1;
          }
          n.spc[i] = a_wait;
          return out.add(1 + i, "send: no room, wait in line", n);
        }
        n.queue[n.qlen++] = id;
        wake_rx(n);
        n.spc[i] = a_drop;
        return out.add(1 + i, fmt::format("send message {}, wake the receiver", id), n);
      }
      case a_wait:
        if (!s.granted[i]) return;  // suspended
        n.spc[i] = a_send;
        return out.add(1 + i, "woken with a promised slot", n);
      case a_drop:
        --n.alive;
        if (n.alive == 0) wake_rx(n);
        n.spc[i] = a_done;
        return out.add(1 + i, n.alive == 0 ? "drop the last sender: close, wake the receiver" : "drop sender", n);
      default:
        return;
    }
  }

  void receiver(const state& s, emitter<state>& out) const {
    state n = s;
    switch (s.rpc) {
      case b_recv:
        if (s.qlen > 0) {
          const std::uint8_t v = s.queue[0];
          for (int k = 1; k < 3; ++k) n.queue[k - 1] = s.queue[k];
          n.queue[2] = 0;
          --n.qlen;
          ++n.received[v - 1];
          std::string label = fmt::format("receive message {}", v);
          if (!no_room_handoff && n.qlen + n.reserved < capacity && n.nwaiters > 0) {
            const std::uint8_t w = n.waiters[0];
            for (int k = 1; k < 3; ++k) n.waiters[k - 1] = n.waiters[k];
            n.waiters[2] = 0;
            --n.nwaiters;
            n.linked[w] = 0;
            n.granted[w] = 1;
            ++n.reserved;
            label += fmt::format(", hand the slot to sender{}", w);
          }
          return out.add(0, label, n);
        }
        if (s.alive == 0) {
          n.closed_seen = 1;
          n.rpc = b_done;
          return out.add(0, "receive: closed", n);
        }
        n.rx_waker = 1;
        n.rpc = b_wait;
        return out.add(0, "receive: empty, store waker", n);
      case b_wait:
        if (!s.rx_woken) return;
        n.rx_woken = 0;
        n.rpc = b_recv;
        return out.add(0, "woken: receive again", n);
      default:
        return;
    }
  }

  std::optional<std::string> violation(const state& s) const {
    for (int i = 0; i < senders; ++i) {
      if (s.received[i] > 1) return fmt::format("message {} received twice", i + 1);
    }
    if (s.rpc == b_done) {
      for (int i = 0; i < senders; ++i) {
        if (s.received[i] != 1) return fmt::format("channel closed but message {} was never received", i + 1);
      }
    }
    if (s.qlen + s.reserved > capacity) return "more messages queued and promised than the capacity";
    return std::nullopt;
  }
  bool is_final(const state& s) const {
    for (int i = 0; i < senders; ++i) {
      if (s.spc[i] != a_done) return false;
    }
    return s.rpc == b_done;
  }
  bool is_goal(const state& s) const { return is_final(s); }
  std::string goal_name() const { return "every message received and the close seen"; }

  std::string describe(const state& s) const {
    std::string out = "queue=[";
    for (int k = 0; k < s.qlen; ++k) out += fmt::format("{}{}", k ? "," : "", s.queue[k]);
    out += fmt::format("] reserved={} waiting=[", s.reserved);
    for (int k = 0; k < s.nwaiters; ++k) out += fmt::format("{}{}", k ? "," : "", s.waiters[k]);
    out += fmt::format("] alive={}{}{} |", s.alive, s.rx_waker ? " RX_WAKER" : "", s.rx_woken ? " RX_WOKEN" : "");
    static constexpr const char* ap[] = {"send", "wait", "drop", "done"};
    static constexpr const char* bp[] = {"recv", "wait", "done"};
    for (int i = 0; i < senders; ++i) out += fmt::format(" s{}:{}", i, ap[s.spc[i]]);
    out += fmt::format(" | receiver {} got", bp[s.rpc]);
    for (int i = 0; i < senders; ++i) out += fmt::format("{}", s.received[i]);
    return out;
  }
  std::string actor_name(int actor) const { return actor == 0 ? "receiver" : fmt::format("sender{}", actor - 1); }
};

model_entry oneshot_entry(std::string name, std::string kind, std::string description, bool unchecked,
                          bool ignores) {
  return model_entry{std::move(name), std::move(kind), std::move(description), "(fixed: 1 sender)",
                     "(fixed: 1 receiver)", 1, 1, 1, 1,
                     [unchecked, ignores](int, int) -> std::unique_ptr<model> {
                       oneshot_model m;
                       m.unchecked_waker = unchecked;
                       m.send_ignores_close = ignores;
                       return std::make_unique<typed_model<oneshot_model>>(m);
                     }};
}

model_entry mpsc_entry(std::string name, std::string kind, std::string description, bool bug) {
  return model_entry{std::move(name), std::move(kind), std::move(description), "senders", "capacity", 2, 3, 1, 2,
                     [bug](int threads, int bound) -> std::unique_ptr<model> {
                       mpsc_model m;
                       m.senders = threads;
                       m.capacity = bound;
                       m.no_room_handoff = bug;
                       return std::make_unique<typed_model<mpsc_model>>(m);
                     }};
}

}  // namespace

void add_channel_models(std::vector<model_entry>& out) {
  out.push_back(oneshot_entry("oneshot", "model",
                              "oneshot channel: the value arrives once, a success is received, close is observed",
                              false, false));
  out.push_back(oneshot_entry("oneshot-bug-unchecked-waker", "model-bug",
                              "the receiver sets RX_WAKER without checking completion: it waits forever", true,
                              false));
  out.push_back(oneshot_entry("oneshot-bug-send-ignores-close", "model-bug",
                              "send sets VALUE_SENT after the receiver closed: a reported success is lost", false,
                              true));
  out.push_back(mpsc_entry("mpsc", "model",
                           "bounded mpsc: no message lost or duplicated, waiting senders get room, close observed",
                           false));
  out.push_back(mpsc_entry("mpsc-bug-no-room-handoff", "model-bug",
                           "a receive frees a slot but wakes no waiting sender: sender and receiver wait forever",
                           true));
}

}  // namespace weft::models
