#include "sim/net/kernel.hpp"

#include <algorithm>

#include "runtime/sys/assert.hpp"
#include "sim/net/door.hpp"

namespace weft::sim::kernel {
namespace {

namespace ready = rt::io::ready;
using rt::io::io_size;
using rt::io::socket_kind;

std::error_code err(std::errc e) { return std::make_error_code(e); }

bool is_stream(const ksocket& s) { return s.kind == socket_kind::stream; }

// Keeps a host's list of its sockets (for crashes) from growing without
// bound.
void remember(network::host_state& hs, const ksocket_ptr& s) {
  if (hs.sockets.size() >= 64) {
    std::erase_if(hs.sockets, [](const std::weak_ptr<ksocket>& w) { return w.expired(); });
  }
  hs.sockets.push_back(s);
}

bool is_own_address(network& net, host_id h, const net::ip_addr& ip) {
  return ip.is_unspecified() || ip.is_loopback() || ip == net.host_ip(h);
}

network::port_table& ports_of(network& net, const ksocket& s) {
  network::host_state& hs = net.host(s.host);
  return is_stream(s) ? hs.stream_ports : hs.datagram_ports;
}

void take_port(network& net, ksocket& s, net::socket_addr local) {
  s.local = local;
  s.bound = true;
  ports_of(net, s)[local.port()] = s.weak_from_this();
}

// An unbound socket gets an ephemeral port on the address that reaches
// `towards`.
std::error_code autobind(network& net, ksocket& s, const net::ip_addr& towards) {
  if (s.bound) return {};
  const std::uint16_t port = net.ephemeral_port(s.host);
  if (port == 0) return err(std::errc::address_not_available);
  const net::ip_addr ip = towards.is_loopback() ? net::ip_addr::loopback_v4() : net.host_ip(s.host);
  take_port(net, s, net::socket_addr(ip, port));
  return {};
}

// A short read or write (OS quirk): some of `n` bytes, at least one.
std::size_t maybe_short(network& net, std::size_t n) {
  const std::uint32_t q = net.config().quirks.short_io_per_million;
  if (n <= 1 || q == 0 || net.exec().choose(1'000'000, choice_kind::os) >= q) return n;
  return 1 + static_cast<std::size_t>(net.exec().choose(n - 1, choice_kind::os));
}

// ---- stream messages ----

void on_reset(network& net, ksocket& s) {
  if (s.reset) return;
  s.reset = true;
  s.error = err(std::errc::connection_reset);
  net.emit(trace::kind::net_reset, s.host, static_cast<std::int64_t>(s.connection));
  notify(s, ready::all);
}

// RST from `from` to its peer.
void send_reset(network& net, const ksocket_ptr& from) {
  ksocket_ptr peer = from->peer.lock();
  if (!peer) return;
  net.send(from->host, peer->host, /*datagram=*/false, 0, [&net, peer] { on_reset(net, *peer); }, from);
}

void send_fin(network& net, const ksocket_ptr& from) {
  ksocket_ptr peer = from->peer.lock();
  if (!peer) return;
  net.send(from->host, peer->host, /*datagram=*/false, 0, [peer] {
    if (peer->reset) return;
    peer->fin = true;
    notify(*peer, ready::readable | ready::read_closed);
  }, from);
}

void send_segment(network& net, const ksocket_ptr& from, std::vector<std::byte> bytes) {
  ksocket_ptr peer = from->peer.lock();
  if (!peer) return;
  const std::size_t n = bytes.size();
  net.send(from->host, peer->host, /*datagram=*/false, n, [&net, peer, bytes = std::move(bytes)] {
    if (peer->reset) return;
    if (peer->closed) {
      send_reset(net, peer);  // data for a socket that is gone
      return;
    }
    peer->rx.insert(peer->rx.end(), bytes.begin(), bytes.end());
    notify(*peer, ready::readable);
  }, from);
}

// Acknowledges what `s` has read, reopening its peer's window. One
// acknowledgement is in flight at a time; reads meanwhile are batched.
void send_ack(network& net, const ksocket_ptr& s) {
  ksocket_ptr peer = s->peer.lock();
  if (!peer || s->reset || s->read_unacked == 0) return;
  const std::size_t amount = s->read_unacked;
  s->read_unacked = 0;
  s->ack_in_flight = true;
  net.send(s->host, peer->host, /*datagram=*/false, 0, [&net, s, peer, amount] {
    s->ack_in_flight = false;
    peer->unacked -= std::min(peer->unacked, amount);
    notify(*peer, ready::writable);
    if (!s->closed) send_ack(net, s);
  }, s);
}

// ---- the handshake ----

void on_syn_ack(network& net, const ksocket_ptr& client, const ksocket_ptr& child) {
  if (client->closed || client->st != ksocket::state::connecting) {
    if (!child->reset) send_reset(net, client);  // nobody waits for it any more
    return;
  }
  client->st = ksocket::state::established;
  notify(*client, ready::writable);
}

void refuse(network& net, host_id from, const ksocket_ptr& client) {
  net.send(from, client->host, /*datagram=*/false, 0, [client] {
    if (client->st != ksocket::state::connecting) return;
    client->st = ksocket::state::refused;
    client->error = err(std::errc::connection_refused);
    notify(*client, ready::writable | ready::error);
  });
}

// The SYN reached host `h`, addressed to `to`.
void on_syn(network& net, const ksocket_ptr& client, host_id h, const net::socket_addr& to) {
  network::host_state& hs = net.host(h);
  auto it = hs.stream_ports.find(to.port());
  ksocket_ptr l = it == hs.stream_ports.end() ? nullptr : it->second.lock();
  if (!l || l->closed || l->st != ksocket::state::listening || l->backlog.size() >= l->backlog_max) {
    refuse(net, h, client);
    return;
  }
  auto child = std::make_shared<ksocket>();
  child->st = ksocket::state::established;
  child->host = h;
  child->incarnation = hs.incarnation;
  child->connection = client->connection;
  child->bound = true;
  child->local = l->local.ip().is_unspecified() ? net::socket_addr(to.ip(), to.port()) : l->local;
  child->remote = client->local;
  child->peer = client;
  client->peer = child;
  remember(hs, child);
  l->backlog.push_back(child);
  notify(*l, ready::readable);
  net.send(h, client->host, /*datagram=*/false, 0, [&net, client, child] { on_syn_ack(net, client, child); },
           child);
}

std::error_code connect_stream(network& net, const ksocket_ptr& s, const net::socket_addr& to) {
  switch (s->st) {
    case ksocket::state::connecting: return err(std::errc::connection_already_in_progress);
    case ksocket::state::established: return err(std::errc::already_connected);
    case ksocket::state::listening:
    case ksocket::state::refused: return err(std::errc::invalid_argument);
    case ksocket::state::fresh: break;
  }
  const auto dest = net.route(s->host, to.ip());
  if (!dest) return err(std::errc::host_unreachable);
  if (const std::error_code ec = autobind(net, *s, to.ip())) return ec;
  s->st = ksocket::state::connecting;
  s->remote = to;
  s->connection = net.next_connection_id();
  net.emit(trace::kind::net_connect, s->host, static_cast<std::int64_t>(s->connection), *dest);
  const host_id h = *dest;
  net.send(s->host, h, /*datagram=*/false, 0, [&net, s, h, to] { on_syn(net, s, h, to); }, s);
  return err(std::errc::operation_in_progress);
}

// ---- datagrams ----

void deliver_datagram(network& net, host_id h, const net::socket_addr& to, ksocket::packet p) {
  network::host_state& hs = net.host(h);
  auto it = hs.datagram_ports.find(to.port());
  ksocket_ptr d = it == hs.datagram_ports.end() ? nullptr : it->second.lock();
  if (!d || d->closed || d->packets.size() >= net.config().datagram_queue) {
    net.emit(trace::kind::net_drop, h, 0, static_cast<std::int64_t>(trace::drop_reason::closed));
    return;
  }
  d->packets.push_back(std::move(p));
  notify(*d, ready::readable);
}

// How many copies of a datagram the link lets through: 0 (lost), 1 or 2.
// Both draws are made whatever the first says, so that a shrinker turning
// one loss into a delivery moves no later choice.
int copies(network& net, host_id from, host_id to) {
  executor& ex = net.exec();
  const link_config c = net.link_settings(from, to);
  const bool lost = c.loss_per_million > 0 && ex.choose(1'000'000, choice_kind::drop) < c.loss_per_million;
  const bool twice =
      c.duplicate_per_million > 0 && ex.choose(1'000'000, choice_kind::drop) < c.duplicate_per_million;
  if (lost) {
    net.emit(trace::kind::net_drop, from, 0, static_cast<std::int64_t>(trace::drop_reason::loss));
    net.note_lost();
    return 0;
  }
  if (twice) net.note_duplicated();
  return twice ? 2 : 1;
}

}  // namespace

// ---- the calls ----

ksocket_ptr make_socket(network& net, host_id h, socket_kind kind) {
  auto s = std::make_shared<ksocket>();
  s->kind = kind;
  s->host = h;
  s->incarnation = net.host(h).incarnation;
  remember(net.host(h), s);
  return s;
}

std::error_code bind(network& net, ksocket& s, const net::socket_addr& addr) {
  if (s.bound) return err(std::errc::invalid_argument);
  if (!is_own_address(net, s.host, addr.ip())) return err(std::errc::address_not_available);
  const std::uint16_t port = addr.port() != 0 ? addr.port() : net.ephemeral_port(s.host);
  if (port == 0) return err(std::errc::address_not_available);
  auto& ports = ports_of(net, s);
  if (auto it = ports.find(port); it != ports.end()) {
    const ksocket_ptr holder = it->second.lock();
    if (holder && !holder->closed) return err(std::errc::address_in_use);
  }
  take_port(net, s, net::socket_addr(addr.ip(), port));
  return {};
}

std::error_code listen(network& net, ksocket& s, int backlog) {
  if (!is_stream(s)) return err(std::errc::operation_not_supported);
  if (s.st != ksocket::state::fresh && s.st != ksocket::state::listening) return err(std::errc::invalid_argument);
  if (const std::error_code ec = autobind(net, s, net::ip_addr::unspecified_v4())) return ec;
  s.st = ksocket::state::listening;
  const std::size_t wanted = backlog < 1 ? 1 : static_cast<std::size_t>(backlog);
  s.backlog_max = std::min(wanted, net.config().backlog);
  return {};
}

ksocket_ptr accept(ksocket& s, std::error_code& ec) {
  if (s.st != ksocket::state::listening) {
    ec = err(std::errc::invalid_argument);
    return nullptr;
  }
  if (s.backlog.empty()) {
    ec = err(std::errc::resource_unavailable_try_again);
    return nullptr;
  }
  ksocket_ptr child = std::move(s.backlog.front());
  s.backlog.pop_front();
  ec.clear();
  return child;
}

std::error_code connect(network& net, const ksocket_ptr& s, const net::socket_addr& to) {
  if (is_stream(*s)) return connect_stream(net, s, to);
  if (!net.route(s->host, to.ip())) return err(std::errc::host_unreachable);
  if (const std::error_code ec = autobind(net, *s, to.ip())) return ec;
  s->connected_to = to;
  return {};
}

io_size read(network& net, const ksocket_ptr& s, std::span<std::byte> buf) {
  if (!is_stream(*s)) {
    net::socket_addr from;
    return recv_from(*s, buf, from);
  }
  if (s->reset) return {0, err(std::errc::connection_reset)};
  if (s->st != ksocket::state::established) return {0, err(std::errc::not_connected)};
  if (s->rx.empty()) return {0, s->fin ? std::error_code() : err(std::errc::resource_unavailable_try_again)};
  const std::size_t n = maybe_short(net, std::min(buf.size(), s->rx.size()));
  std::copy_n(s->rx.begin(), n, buf.begin());
  s->rx.erase(s->rx.begin(), s->rx.begin() + static_cast<std::ptrdiff_t>(n));
  s->read_unacked += n;
  if (!s->ack_in_flight) send_ack(net, s);
  return {n, {}};
}

io_size write(network& net, const ksocket_ptr& s, std::span<const std::byte> buf) {
  if (!is_stream(*s)) {
    if (!s->connected_to) return {0, err(std::errc::destination_address_required)};
    return send_to(net, *s, buf, *s->connected_to);
  }
  if (s->reset) return {0, err(std::errc::connection_reset)};
  if (s->write_shut) return {0, err(std::errc::broken_pipe)};
  if (s->st != ksocket::state::established) return {0, err(std::errc::not_connected)};
  const std::size_t window = net.config().window_bytes;
  const std::size_t room = s->unacked >= window ? 0 : window - s->unacked;
  if (room == 0) return {0, err(std::errc::resource_unavailable_try_again)};
  const std::size_t n = maybe_short(net, std::min(room, buf.size()));
  s->unacked += n;
  const std::size_t segment = std::max<std::size_t>(net.config().segment_bytes, 1);
  for (std::size_t at = 0; at < n; at += segment) {
    const std::size_t len = std::min(segment, n - at);
    send_segment(net, s, std::vector<std::byte>(buf.begin() + static_cast<std::ptrdiff_t>(at),
                                                buf.begin() + static_cast<std::ptrdiff_t>(at + len)));
  }
  return {n, {}};
}

io_size send_to(network& net, ksocket& s, std::span<const std::byte> buf, const net::socket_addr& to) {
  if (is_stream(s)) return {0, err(std::errc::operation_not_supported)};
  const auto dest = net.route(s.host, to.ip());
  if (!dest) return {0, err(std::errc::host_unreachable)};
  if (const std::error_code ec = autobind(net, s, to.ip())) return {0, ec};
  const net::socket_addr from =
      s.local.ip().is_unspecified() ? net::socket_addr(net.host_ip(s.host), s.local.port()) : s.local;
  const int n = copies(net, s.host, *dest);
  for (int copy = 0; copy < n; ++copy) {
    ksocket::packet p{std::vector<std::byte>(buf.begin(), buf.end()), from};
    const host_id h = *dest;
    net.send(s.host, h, /*datagram=*/true, buf.size(),
             [&net, h, to, p = std::move(p)]() mutable { deliver_datagram(net, h, to, std::move(p)); });
  }
  return {buf.size(), {}};
}

io_size recv_from(ksocket& s, std::span<std::byte> buf, net::socket_addr& from) {
  if (is_stream(s)) return {0, err(std::errc::operation_not_supported)};
  while (!s.packets.empty()) {
    ksocket::packet p = std::move(s.packets.front());
    s.packets.pop_front();
    if (s.connected_to && p.from != *s.connected_to) continue;  // not from the peer
    const std::size_t n = std::min(buf.size(), p.bytes.size());
    std::copy_n(p.bytes.begin(), n, buf.begin());
    from = p.from;
    return {n, {}};
  }
  return {0, err(std::errc::resource_unavailable_try_again)};
}

std::error_code shutdown_write(network& net, const ksocket_ptr& s) {
  if (s->reset) return err(std::errc::connection_reset);
  if (!is_stream(*s) || s->st != ksocket::state::established) return err(std::errc::not_connected);
  if (!s->write_shut) {
    s->write_shut = true;
    send_fin(net, s);
  }
  return {};
}

void close(network& net, const ksocket_ptr& s) {
  if (s->closed) return;
  s->closed = true;
  s->door = nullptr;
  s->token = 0;
  if (s->bound) {
    auto& ports = ports_of(net, *s);
    if (auto it = ports.find(s->local.port()); it != ports.end() && it->second.lock() == s) ports.erase(it);
  }
  if (!is_stream(*s) || s->reset) return;
  if (s->st == ksocket::state::listening) {
    for (ksocket_ptr& child : s->backlog) {
      child->closed = true;
      send_reset(net, child);  // queued, never accepted
    }
    s->backlog.clear();
  } else if (s->st == ksocket::state::established) {
    if (!s->rx.empty()) {
      send_reset(net, s);  // closed with unread data, as a real stack does
    } else if (!s->write_shut) {
      s->write_shut = true;
      send_fin(net, s);
    }
  }
}

void crash(network& net, host_id h) {
  network::host_state& hs = net.host(h);
  for (auto& weak : hs.sockets) {
    ksocket_ptr s = weak.lock();
    if (!s || s->reset) continue;
    s->reset = true;
    s->closed = true;
    if (!is_stream(*s) || s->connection == 0) continue;
    net.emit(trace::kind::net_reset, h, static_cast<std::int64_t>(s->connection));
    // The peer learns of the crash after a link latency.
    if (ksocket_ptr peer = s->peer.lock(); peer && !peer->reset) {
      net.signal(h, peer->host, [&net, peer] { on_reset(net, *peer); });
    }
  }
  hs.sockets.clear();
  hs.nic.clear();  // arrived for the incarnation that is gone
  hs.nic_owner = nullptr;
  hs.stream_ports.clear();
  hs.datagram_ports.clear();
}

void notify(ksocket& s, std::uint8_t bits) {
  if (s.door != nullptr && !s.closed) s.door->post(s.token, bits);
}

}  // namespace weft::sim::kernel
