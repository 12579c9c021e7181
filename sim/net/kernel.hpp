// The simulated kernel: the socket layer of each simulated host, beneath
// the OS door (runtime/io/door.hpp) that the real reactor core stands on.
// The runtime's readiness code — registrations, ticks, wakers, dispatch —
// runs unchanged on top of it; only the system calls are simulated.
//
// Sockets
// -------
// A ksocket is one kernel socket: a stream (connecting, established,
// listening), or a datagram socket. It belongs to a host incarnation; a
// crash resets every connection of the host and closes every socket, and
// calls made later through the crashed incarnation's door fail.
//
// Streams (every message travels through network::send, so it has a link
// latency, keeps order per direction, and waits out partitions):
//   connect   SYN -> the listener's host: a free backlog place makes an
//             established socket queued for accept() and answers SYN-ACK;
//             no listener, a closed one or a full backlog answers RST
//             (the connecting socket's pending error is ECONNREFUSED).
//   write     copies at most the free room of the send window (window_bytes
//             minus bytes sent and not yet acknowledged) and sends it as
//             segments of at most segment_bytes; a full window is EAGAIN.
//   read      takes bytes that arrived; each read sends an acknowledgement
//             (one in flight per socket, the rest batched behind it) that
//             reopens the sender's window when it arrives.
//   close     FIN, or RST when unread data is left (as Linux does); data
//             arriving for a closed socket is answered with RST.
// Datagrams: may be lost or duplicated per link (each copy has its own
// latency), are dropped when nobody bound the port or its queue is full.
//
// Readiness
// ---------
// Every change a door call could observe posts an edge-triggered event
// (token, bits) to the door the socket is registered with (sim/net/door.cpp):
// data or FIN arrived, the window reopened, a connection was accepted into
// the backlog or completed, a reset. Events are hints, as on Linux.
//
// OS quirks (network_config::quirks), each drawn from the decision source
// with choice kind `os`, so a seed replays them: short reads and writes,
// spurious readiness events, EAGAIN right after an event (the data shows up
// with a second event), and events delivered late.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "runtime/io/door.hpp"
#include "runtime/net/addr.hpp"
#include "sim/net/network.hpp"

namespace weft::sim {

class sim_door;

struct ksocket : std::enable_shared_from_this<ksocket> {
  enum class state : std::uint8_t { fresh, connecting, established, listening, refused };

  rt::io::socket_kind kind = rt::io::socket_kind::stream;
  state st = state::fresh;
  host_id host = 0;
  std::uint64_t incarnation = 0;  // of `host` when the socket was made
  std::uint64_t connection = 0;   // streams: the id both ends share
  bool bound = false;
  net::socket_addr local;
  net::socket_addr remote;
  std::error_code error;          // pending (SO_ERROR), cleared by take_error
  bool closed = false;            // the descriptor is gone
  bool reset = false;             // RST arrived, or the host crashed

  // Streams.
  std::weak_ptr<ksocket> peer;
  std::deque<std::byte> rx;           // arrived, not read
  bool fin = false;                   // the peer's FIN arrived (after its data)
  bool write_shut = false;            // we sent FIN
  std::size_t unacked = 0;            // bytes sent, not acknowledged yet
  std::size_t read_unacked = 0;       // bytes read, acknowledgement not sent
  bool ack_in_flight = false;
  std::int64_t last_arrival_ns = 0;   // ordering of our messages to the peer

  // Listeners.
  std::deque<std::shared_ptr<ksocket>> backlog;
  std::size_t backlog_max = 0;

  // Datagram sockets.
  struct packet {
    std::vector<std::byte> bytes;
    net::socket_addr from;
  };
  std::deque<packet> packets;
  std::optional<net::socket_addr> connected_to;

  // Registration with a door (readiness events go there).
  sim_door* door = nullptr;
  std::uint64_t token = 0;
};

using ksocket_ptr = std::shared_ptr<ksocket>;

// The kernel's operations, called by a host's door on a simulated thread.
// Each returns errno-valued std::error_codes as the real calls do.
namespace kernel {

ksocket_ptr make_socket(network& net, host_id h, rt::io::socket_kind kind);
std::error_code bind(network& net, ksocket& s, const net::socket_addr& addr);
std::error_code listen(network& net, ksocket& s, int backlog);
ksocket_ptr accept(ksocket& s, std::error_code& ec);
std::error_code connect(network& net, const ksocket_ptr& s, const net::socket_addr& to);
rt::io::io_size read(network& net, const ksocket_ptr& s, std::span<std::byte> buf);
rt::io::io_size write(network& net, const ksocket_ptr& s, std::span<const std::byte> buf);
rt::io::io_size send_to(network& net, ksocket& s, std::span<const std::byte> buf, const net::socket_addr& to);
rt::io::io_size recv_from(ksocket& s, std::span<std::byte> buf, net::socket_addr& from);
std::error_code shutdown_write(network& net, const ksocket_ptr& s);
void close(network& net, const ksocket_ptr& s);

// The host crashed: every connection is reset (each peer learns it after a
// link latency) and every socket closed.
void crash(network& net, host_id h);

// Posts readiness `bits` for `s` to its door, if it is registered.
void notify(ksocket& s, std::uint8_t bits);

}  // namespace kernel

// The OS door of one host's runtime (one per incarnation).
std::unique_ptr<rt::io::door> make_sim_door(network& net, host_id h);

}  // namespace weft::sim
