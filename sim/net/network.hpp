// The simulated network: hosts with names and addresses, reliable ordered
// streams and unreliable datagrams between them, and the faults a real
// network has. No real socket is ever opened.
//
// Model
// -----
// * Every message (a stream segment, a SYN, a FIN, an RST, an acknowledgement,
//   a datagram) is a timed event of the executor: it arrives after a latency
//   drawn from the decision source for its link (uniform in [min, max], in
//   microseconds).
// * Each host runs a simulated kernel (sim/net/kernel.hpp) behind the OS
//   door the runtime's reactor core uses: streams keep order per direction,
//   are split into segments of at most `segment_bytes`, and apply
//   back-pressure: a sender may have at most `window_bytes` not yet
//   acknowledged by its peer (a write is short or fails with EAGAIN beyond
//   that). Closing a stream sends FIN (the peer reads end of stream);
//   closing it with unread data, or sending to a closed end, yields RST.
//   Connecting to a host with nothing listening is refused (RST).
// * Datagrams may be lost, duplicated, and reordered (each copy draws its
//   own latency); a datagram to a port nobody bound is dropped.
// * Partitions cut a link one way or both: stream traffic waits (as TCP
//   retransmission would) and flows again on heal; datagrams are dropped.
//   hold() queues everything on a link until release().
// * A crashed host's connections are reset (its peers receive RST) and
//   every message to or from it that is still in flight is lost: each
//   message carries the incarnations of its ends, checked on arrival.
// * OS quirks (os_quirks) are drawn from the decision source too.
//
// Arrivals are timed events, and timed events run only when every simulated
// thread is blocked. So that packets are taken in while the host's threads
// run, as on a real machine, an arrival only lands in the host's receive
// queue (`nic`) and unparks the host's door; the thread waiting in that
// door (the runtime's driver) takes the packets in one per wait, each at a
// scheduling point of its own, and the kernel state changes and readiness
// events it causes interleave with the tasks running on the other workers.
#pragma once

#include <chrono>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/net/addr.hpp"
#include "runtime/task/waker.hpp"
#include "runtime/trace/event.hpp"
#include "sim/core/executor.hpp"

namespace weft::rt::io {
class reactor;
}

namespace weft::sim {

using host_id = std::uint32_t;  // 1, 2, ... ; 0 is "no host"

struct link_config {
  std::chrono::microseconds latency_min{500};
  std::chrono::microseconds latency_max{2000};
  std::uint32_t loss_per_million = 0;       // datagrams only
  std::uint32_t duplicate_per_million = 0;  // datagrams only
};

// The odd but legal behaviour of a real kernel, each drawn per call (or
// per event) with the given probability, from choice kind `os`.
struct os_quirks {
  std::uint32_t short_io_per_million = 50'000;        // a read or write moves fewer bytes
  std::uint32_t spurious_event_per_million = 10'000;  // a wait reports an event that means nothing
  std::uint32_t eagain_per_million = 20'000;          // EAGAIN right after an event; a second follows
  std::uint32_t late_event_per_million = 50'000;      // an event is delivered up to late_event_max late
  std::chrono::microseconds late_event_max{200};

  static os_quirks none() { return {0, 0, 0, 0, std::chrono::microseconds{0}}; }
};

struct network_config {
  link_config default_link;
  std::size_t window_bytes = 64 * 1024;      // per stream direction
  std::size_t segment_bytes = 1460;          // largest stream segment
  std::size_t datagram_queue = 256;          // per UDP socket
  std::size_t backlog = 128;                 // per listener
  os_quirks quirks;
};

struct ksocket;

// What takes a host's arrived packets in (its live door).
class nic_consumer {
 public:
  virtual void packet_arrived() = 0;

 protected:
  ~nic_consumer() = default;
};

class network {
 public:
  network(executor& ex, network_config config);
  network(const network&) = delete;
  network& operator=(const network&) = delete;
  ~network();

  // ---- hosts ----
  host_id add_host(std::string name);  // addresses 10.0.x.y in order
  host_id host_count() const noexcept { return static_cast<host_id>(hosts_.size()); }
  const std::string& host_name(host_id h) const;
  net::ip_addr host_ip(host_id h) const;
  std::optional<host_id> host_by_ip(const net::ip_addr& ip) const;
  std::optional<host_id> host_by_name(const std::string& name) const;
  bool is_up(host_id h) const;

  // ---- links and faults (callable from tests, events and simulated threads) ----
  void set_link(host_id from, host_id to, link_config c);
  const link_config& link_settings(host_id from, host_id to);
  void partition(host_id from, host_id to);  // one way
  void partition_both(host_id a, host_id b);
  void isolate(host_id h);                   // every link to and from h
  void heal(host_id from, host_id to);
  void heal_both(host_id a, host_id b);
  void heal_all();
  bool is_partitioned(host_id from, host_id to) const;
  // Datagrams a lossy or duplicating link (link_config) lost or delivered
  // twice so far: what a shrunk world run has fewest of, after its faults.
  std::size_t datagrams_lost() const noexcept { return lost_; }
  std::size_t datagrams_duplicated() const noexcept { return duplicated_; }
  void note_lost() noexcept { ++lost_; }
  void note_duplicated() noexcept { ++duplicated_; }
  void hold(host_id from, host_id to);
  void release(host_id from, host_id to);
  // The host goes down: connections reset, in-flight messages lost,
  // sockets closed. (The world stops the host's runtime.)
  void crash(host_id h);
  // The host comes back with a new incarnation and no sockets.
  void restart(host_id h);

  // ---- the per-host reactor (what the host's runtime polls) ----
  std::unique_ptr<rt::io::reactor> make_reactor(host_id h);

  // ---- observation ----
  void set_trace(trace::sink* sink) noexcept { trace_ = sink; }
  std::uint64_t messages_sent() const noexcept { return next_message_ - 1; }
  std::uint64_t messages_dropped() const noexcept { return dropped_; }

  // ---- used by the simulated kernel (sim/net/kernel.cpp) ----
  executor& exec() noexcept { return ex_; }
  const network_config& config() const noexcept { return config_; }
  using port_table = std::map<std::uint16_t, std::weak_ptr<ksocket>>;
  struct host_state;
  host_state& host(host_id h);
  host_id current_host() const;  // the host of the calling simulated thread
  std::uint16_t ephemeral_port(host_id h);
  // Resolves an address as seen from `from` (127.0.0.1 is `from` itself).
  std::optional<host_id> route(host_id from, const net::ip_addr& ip) const;
  // Sends one message on the link from -> to; `deliver` runs at arrival
  // unless the message is lost. A stream message passes its sending
  // socket, whose messages then arrive in the order sent.
  using arrival = std::function<void()>;
  void send(host_id from, host_id to, bool datagram, std::size_t bytes, arrival deliver,
            std::shared_ptr<ksocket> ordered_by = nullptr);
  // Runs `fn` after one latency of the link from -> to, whatever the state
  // of the link or the hosts (how a peer learns that `from` crashed).
  void signal(host_id from, host_id to, arrival fn);
  // A message for host h arrived: into h's receive queue, or applied at
  // once when no door takes the queue in.
  void receive(host_id h, arrival effect);
  void emit(trace::kind what, host_id h, std::int64_t a = 0, std::int64_t b = 0);
  std::uint64_t next_connection_id() noexcept { return next_connection_++; }

 private:
  std::size_t lost_ = 0;
  std::size_t duplicated_ = 0;
  struct link_state {
    link_config config;
    bool partitioned = false;
    bool held = false;
    std::vector<std::function<void()>> waiting;  // sends deferred by a hold or partition
  };
  link_state& link(host_id from, host_id to);
  const link_state* find_link(host_id from, host_id to) const;
  std::int64_t draw_latency_ns(const link_config& c);
  void flush(host_id from, host_id to);

  executor& ex_;
  network_config config_;
  std::vector<std::unique_ptr<host_state>> hosts_;  // index h - 1
  std::map<std::pair<host_id, host_id>, link_state> links_;
  trace::sink* trace_ = nullptr;
  std::uint64_t next_message_ = 1;
  std::uint64_t next_connection_ = 1;
  std::uint64_t dropped_ = 0;
};

// Per-host state the sockets share.
struct network::host_state {
  host_id id = 0;
  std::string name;
  net::ip_addr ip;
  bool up = true;
  std::uint64_t incarnation = 1;
  std::uint16_t next_port = 40000;
  port_table stream_ports;    // bound stream sockets, listeners among them
  port_table datagram_ports;
  std::vector<std::weak_ptr<ksocket>> sockets;  // of this incarnation (for a crash)
  std::deque<arrival> nic;         // arrived, not yet taken in by the kernel
  nic_consumer* nic_owner = nullptr;  // the live door that takes `nic` in
};

}  // namespace weft::sim
