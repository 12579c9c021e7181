#include "sim/net/sockets.hpp"

#include <algorithm>
#include <cstring>
#include <system_error>

#include "runtime/net/tcp.hpp"
#include "runtime/sys/assert.hpp"

namespace weft::sim {
namespace {

std::error_code err(std::errc e) { return std::make_error_code(e); }

// ---- stream messages ----

// Sends RST from `from_end`'s host to its peer end.
void send_reset(network& net, const std::shared_ptr<stream_end>& from_end) {
  auto peer = from_end->peer.lock();
  if (!peer) return;
  net.send(from_end->host, peer->host, /*datagram=*/false, 0, [&net, peer] {
    if (peer->reset) return;
    peer->reset = true;
    net.emit(trace::kind::net_reset, peer->host, static_cast<std::int64_t>(peer->connection));
    net.wake_on(peer->host, std::move(peer->reader));
    net.wake_on(peer->host, std::move(peer->writer));
  }, from_end);
}

void send_fin(network& net, const std::shared_ptr<stream_end>& from_end) {
  auto peer = from_end->peer.lock();
  if (!peer) return;
  net.send(from_end->host, peer->host, /*datagram=*/false, 0, [&net, peer] {
    peer->fin = true;
    net.wake_on(peer->host, std::move(peer->reader));
  }, from_end);
}

void send_segment(network& net, const std::shared_ptr<stream_end>& from_end, std::vector<std::byte> bytes) {
  auto peer = from_end->peer.lock();
  if (!peer) return;
  const std::size_t n = bytes.size();
  std::weak_ptr<stream_end> sender = from_end;
  net.send(from_end->host, peer->host, /*datagram=*/false, n,
           [&net, peer, sender, bytes = std::move(bytes)]() mutable {
             if (peer->reset) return;
             if (peer->closed) {
               // Data for a socket that is gone: reset the sender.
               if (!sender.expired()) send_reset(net, peer);
               return;
             }
             peer->inbox.insert(peer->inbox.end(), bytes.begin(), bytes.end());
             net.wake_on(peer->host, std::move(peer->reader));
           },
           from_end);
}

// Keeps a host's list of its connections (for crashes) from growing
// without bound.
void remember(network::host_state& hs, const std::shared_ptr<stream_end>& end) {
  if (hs.streams.size() >= 64) {
    std::erase_if(hs.streams, [](const std::weak_ptr<stream_end>& w) { return w.expired(); });
  }
  hs.streams.push_back(end);
}

// ---- TCP stream ----

class sim_stream final : public rt::io::stream_impl {
 public:
  sim_stream(network& net, std::shared_ptr<stream_end> end) : net_(net), end_(std::move(end)) {}
  ~sim_stream() override {
    end_->closed = true;
    if (end_->reset || !net_.is_up(end_->host) || net_.host(end_->host).incarnation != end_->incarnation) {
      return;
    }
    if (!end_->inbox.empty()) {
      send_reset(net_, end_);  // closed with unread data, as a real stack does
    } else if (!end_->write_shut) {
      end_->write_shut = true;
      send_fin(net_, end_);
    }
  }

  rt::io::io_poll<std::size_t> poll_read(std::span<std::byte> buf, const rt::waker& w) override {
    if (end_->reset) return {true, err(std::errc::connection_reset), 0};
    if (!end_->inbox.empty()) {
      const std::size_t n = std::min(buf.size(), end_->inbox.size());
      std::copy_n(end_->inbox.begin(), n, buf.begin());
      end_->inbox.erase(end_->inbox.begin(), end_->inbox.begin() + static_cast<std::ptrdiff_t>(n));
      // Reading opens the sender's window.
      if (auto peer = end_->peer.lock()) {
        peer->unacked -= std::min(peer->unacked, n);
        rt::waker writer = std::move(peer->writer);
        std::move(writer).wake();
      }
      return {true, {}, n};
    }
    if (end_->fin) return {true, {}, 0};
    if (!end_->reader.will_wake(w)) end_->reader = w;
    return {};
  }

  rt::io::io_poll<std::size_t> poll_write(std::span<const std::byte> buf, const rt::waker& w) override {
    if (end_->reset) return {true, err(std::errc::connection_reset), 0};
    if (end_->write_shut) return {true, err(std::errc::broken_pipe), 0};
    auto peer = end_->peer.lock();
    if (!peer) return {true, err(std::errc::broken_pipe), 0};
    const std::size_t window = net_.config().window_bytes;
    const std::size_t room = end_->unacked >= window ? 0 : window - end_->unacked;
    if (room == 0) {
      if (!end_->writer.will_wake(w)) end_->writer = w;
      return {};
    }
    const std::size_t n = std::min(room, buf.size());
    end_->unacked += n;
    send_segment(net_, end_, std::vector<std::byte>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n)));
    return {true, {}, n};
  }

  std::error_code shutdown_write() override {
    if (end_->reset) return err(std::errc::connection_reset);
    if (!end_->write_shut) {
      end_->write_shut = true;
      send_fin(net_, end_);
    }
    return {};
  }
  std::error_code set_nodelay(bool) override { return {}; }
  net::socket_addr local_addr() const override { return end_->local; }
  net::socket_addr peer_addr() const override { return end_->remote; }

 private:
  network& net_;
  std::shared_ptr<stream_end> end_;
};

// ---- TCP listener ----

class sim_listener final : public rt::io::listener_impl {
 public:
  sim_listener(network& net, std::shared_ptr<listener_state> s) : net_(net), s_(std::move(s)) {}
  ~sim_listener() override {
    s_->closed = true;
    for (auto& end : s_->backlog) {
      end->closed = true;
      send_reset(net_, end);
    }
    s_->backlog.clear();
  }

  rt::io::io_poll<rt::io::accepted> poll_accept(const rt::waker& w) override {
    if (s_->closed) return {true, err(std::errc::bad_file_descriptor), {}};
    if (!s_->backlog.empty()) {
      std::shared_ptr<stream_end> end = std::move(s_->backlog.front());
      s_->backlog.pop_front();
      const net::socket_addr peer = end->remote;
      return {true, {}, rt::io::accepted{std::make_unique<sim_stream>(net_, std::move(end)), peer}};
    }
    if (!s_->acceptor.will_wake(w)) s_->acceptor = w;
    return {};
  }
  net::socket_addr local_addr() const override { return s_->local; }

 private:
  network& net_;
  std::shared_ptr<listener_state> s_;
};

// ---- TCP connect ----

class sim_connect final : public rt::io::pending_op<std::unique_ptr<rt::io::stream_impl>> {
 public:
  struct state {
    bool done = false;
    std::error_code ec;
    std::shared_ptr<stream_end> end;
    rt::waker w;
  };

  sim_connect(network& net, host_id from, const net::socket_addr& to) : net_(net), s_(std::make_shared<state>()) {
    if (!net.is_up(from)) {
      finish(err(std::errc::network_down));
      return;
    }
    const auto dest = net.route(from, to.ip());
    if (!dest) {
      finish(err(std::errc::host_unreachable));
      return;
    }
    const std::uint16_t port = net.ephemeral_port(from);
    if (port == 0) {
      finish(err(std::errc::address_not_available));
      return;
    }
    auto end = std::make_shared<stream_end>();
    end->host = from;
    end->incarnation = net.host(from).incarnation;
    end->connection = net.next_connection_id();
    end->local = net::socket_addr(to.ip().is_loopback() ? net::ip_addr::loopback_v4() : net.host_ip(from), port);
    end->remote = to;
    s_->end = end;
    remember(net.host(from), end);
    net.emit(trace::kind::net_connect, from, static_cast<std::int64_t>(end->connection), *dest);
    const host_id to_host = *dest;
    std::shared_ptr<state> st = s_;
    // SYN
    net.send(from, to_host, /*datagram=*/false, 0, [&net, st, to, to_host, from] {
      network::host_state& hs = net.host(to_host);
      auto it = hs.listeners.find(to.port());
      std::shared_ptr<listener_state> l = it == hs.listeners.end() ? nullptr : it->second.lock();
      if (!l || l->closed || l->backlog.size() >= net.config().backlog) {
        // Refused: RST back to the client.
        net.send(to_host, from, false, 0, [&net, st] {
          if (st->done) return;
          st->done = true;
          st->ec = err(std::errc::connection_refused);
          net.wake_on(st->end->host, std::move(st->w));
        });
        return;
      }
      auto server = std::make_shared<stream_end>();
      server->host = to_host;
      server->incarnation = hs.incarnation;
      server->connection = st->end->connection;
      server->local = l->local.ip().is_unspecified() ? net::socket_addr(to.ip(), to.port()) : l->local;
      server->remote = st->end->local;
      server->peer = st->end;
      st->end->peer = server;
      remember(hs, server);
      l->backlog.push_back(server);
      net.wake_on(to_host, std::move(l->acceptor));
      // SYN-ACK
      net.send(to_host, from, false, 0, [&net, st] {
        if (st->done) return;
        st->done = true;
        net.wake_on(st->end->host, std::move(st->w));
      }, server);
    }, end);
  }

  ~sim_connect() override {
    if (s_->end && !s_->done) {
      s_->done = true;  // abandoned (a timeout): whatever comes back is ignored
      s_->ec = err(std::errc::operation_canceled);
      s_->end->closed = true;
    }
  }

  rt::io::io_poll<std::unique_ptr<rt::io::stream_impl>> poll(const rt::waker& w) override {
    if (!s_->done) {
      if (!s_->w.will_wake(w)) s_->w = w;
      return {};
    }
    if (s_->ec) return {true, s_->ec, nullptr};
    if (s_->end->reset) return {true, err(std::errc::connection_reset), nullptr};
    return {true, {}, std::make_unique<sim_stream>(net_, s_->end)};
  }

 private:
  void finish(std::error_code ec) {
    s_->done = true;
    s_->ec = ec;
  }
  network& net_;
  std::shared_ptr<state> s_;
};

// ---- UDP ----

class sim_datagram final : public rt::io::datagram_impl {
 public:
  sim_datagram(network& net, std::shared_ptr<datagram_state> s) : net_(net), s_(std::move(s)) {}
  ~sim_datagram() override { s_->closed = true; }

  rt::io::io_poll<std::size_t> poll_send_to(std::span<const std::byte> buf, const net::socket_addr& to,
                                            const rt::waker&) override {
    if (s_->closed) return {true, err(std::errc::bad_file_descriptor), 0};
    const auto dest = net_.route(s_->host, to.ip());
    if (!dest) return {true, err(std::errc::host_unreachable), 0};
    send_copies(*dest, to, std::vector<std::byte>(buf.begin(), buf.end()));
    return {true, {}, buf.size()};
  }

  rt::io::io_poll<rt::io::datagram> poll_recv_from(std::span<std::byte> buf, const rt::waker& w) override {
    if (s_->closed) return {true, err(std::errc::bad_file_descriptor), {}};
    while (!s_->queue.empty()) {
      datagram_state::packet p = std::move(s_->queue.front());
      s_->queue.pop_front();
      if (s_->connected && p.from != *s_->connected) continue;  // not from our peer
      const std::size_t n = std::min(buf.size(), p.bytes.size());
      std::copy_n(p.bytes.begin(), n, buf.begin());
      return {true, {}, rt::io::datagram{n, p.from}};
    }
    if (!s_->reader.will_wake(w)) s_->reader = w;
    return {};
  }

  std::error_code connect(const net::socket_addr& peer) override {
    s_->connected = peer;
    return {};
  }
  rt::io::io_poll<std::size_t> poll_send(std::span<const std::byte> buf, const rt::waker& w) override {
    if (!s_->connected) return {true, err(std::errc::not_connected), 0};
    return poll_send_to(buf, *s_->connected, w);
  }
  rt::io::io_poll<std::size_t> poll_recv(std::span<std::byte> buf, const rt::waker& w) override {
    auto r = poll_recv_from(buf, w);
    return {r.ready, r.ec, r.value.size};
  }
  net::socket_addr local_addr() const override { return s_->local; }

 private:
  void send_copies(host_id dest, const net::socket_addr& to, std::vector<std::byte> bytes) {
    executor& ex = net_.exec();
    const link_config c = net_.link_settings(s_->host, dest);
    if (c.loss_per_million > 0 && ex.choose(1'000'000, choice_kind::drop) < c.loss_per_million) {
      net_.emit(trace::kind::net_drop, s_->host, 0, static_cast<std::int64_t>(trace::drop_reason::loss));
      return;
    }
    const bool twice =
        c.duplicate_per_million > 0 && ex.choose(1'000'000, choice_kind::drop) < c.duplicate_per_million;
    for (int copy = 0; copy < (twice ? 2 : 1); ++copy) {
      const net::socket_addr from = s_->local.ip().is_unspecified()
                                        ? net::socket_addr(net_.host_ip(s_->host), s_->local.port())
                                        : s_->local;
      network* net = &net_;
      net_.send(s_->host, dest, /*datagram=*/true, bytes.size(), [net, dest, to, from, bytes] {
        network::host_state& hs = net->host(dest);
        auto it = hs.datagrams.find(to.port());
        std::shared_ptr<datagram_state> d = it == hs.datagrams.end() ? nullptr : it->second.lock();
        if (!d || d->closed || d->queue.size() >= net->config().datagram_queue) {
          net->emit(trace::kind::net_drop, dest, 0, static_cast<std::int64_t>(trace::drop_reason::closed));
          return;
        }
        d->queue.push_back(datagram_state::packet{bytes, from});
        net->wake_on(dest, std::move(d->reader));
      });
    }
  }

  network& net_;
  std::shared_ptr<datagram_state> s_;
};

// ---- name lookup ----

class sim_lookup final : public rt::io::pending_op<std::vector<net::socket_addr>> {
 public:
  sim_lookup(network& net, const std::string& host, std::uint16_t port) {
    if (host == "localhost") {
      addrs_.emplace_back(net::ip_addr::loopback_v4(), port);
    } else if (auto h = net.host_by_name(host)) {
      addrs_.emplace_back(net.host_ip(*h), port);
    } else {
      ec_ = net::make_error_code(net::errc::no_addresses);
    }
  }
  rt::io::io_poll<std::vector<net::socket_addr>> poll(const rt::waker&) override {
    return {true, ec_, addrs_};
  }

 private:
  std::vector<net::socket_addr> addrs_;
  std::error_code ec_;
};

// ---- the backend ----

bool is_own_address(network& net, host_id h, const net::ip_addr& ip) {
  return ip.is_unspecified() || ip.is_loopback() || ip == net.host_ip(h);
}

class sim_backend final : public rt::io::net_backend {
 public:
  sim_backend(network& net, host_id h) : net_(net), host_(h) {}

  std::unique_ptr<rt::io::listener_impl> tcp_bind(const net::socket_addr& addr, std::error_code& ec) override {
    if (!net_.is_up(host_)) {
      ec = err(std::errc::network_down);
      return nullptr;
    }
    if (!is_own_address(net_, host_, addr.ip())) {
      ec = err(std::errc::address_not_available);
      return nullptr;
    }
    network::host_state& hs = net_.host(host_);
    const std::uint16_t port = addr.port() != 0 ? addr.port() : net_.ephemeral_port(host_);
    if (auto it = hs.listeners.find(port); it != hs.listeners.end() && !it->second.expired()) {
      ec = err(std::errc::address_in_use);
      return nullptr;
    }
    auto s = std::make_shared<listener_state>();
    s->host = host_;
    s->local = net::socket_addr(addr.ip(), port);
    hs.listeners[port] = s;
    ec.clear();
    return std::make_unique<sim_listener>(net_, std::move(s));
  }

  std::unique_ptr<rt::io::pending_op<std::unique_ptr<rt::io::stream_impl>>> tcp_connect(
      const net::socket_addr& addr) override {
    return std::make_unique<sim_connect>(net_, host_, addr);
  }

  std::unique_ptr<rt::io::datagram_impl> udp_bind(const net::socket_addr& addr, std::error_code& ec) override {
    if (!net_.is_up(host_)) {
      ec = err(std::errc::network_down);
      return nullptr;
    }
    if (!is_own_address(net_, host_, addr.ip())) {
      ec = err(std::errc::address_not_available);
      return nullptr;
    }
    network::host_state& hs = net_.host(host_);
    const std::uint16_t port = addr.port() != 0 ? addr.port() : net_.ephemeral_port(host_);
    if (auto it = hs.datagrams.find(port); it != hs.datagrams.end() && !it->second.expired()) {
      ec = err(std::errc::address_in_use);
      return nullptr;
    }
    auto s = std::make_shared<datagram_state>();
    s->host = host_;
    s->local = net::socket_addr(addr.ip(), port);
    hs.datagrams[port] = s;
    ec.clear();
    return std::make_unique<sim_datagram>(net_, std::move(s));
  }

  std::unique_ptr<rt::io::pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                           std::uint16_t port) override {
    return std::make_unique<sim_lookup>(net_, host, port);
  }

 private:
  network& net_;
  host_id host_;
};

}  // namespace

std::unique_ptr<rt::io::net_backend> make_sim_backend(network& net, host_id host) {
  return std::make_unique<sim_backend>(net, host);
}

// ---- the reactor ----

sim_reactor::sim_reactor(network& net, host_id host)
    : net_(net), host_(host), backend_(make_sim_backend(net, host)) {
  network::host_state& hs = net_.host(host_);
  hs.reactor = this;
  for (rt::waker& w : hs.early_wakes) ready_.push_back(std::move(w));
  hs.early_wakes.clear();
}

sim_reactor::~sim_reactor() {
  network::host_state& hs = net_.host(host_);
  if (hs.reactor == this) hs.reactor = nullptr;
}

void sim_reactor::wake_from_event(rt::waker w) {
  ready_.push_back(std::move(w));
  parker_.unpark_from_event(net_.exec());
}

bool sim_reactor::fire_ready() {
  if (ready_.empty()) return false;
  std::vector<rt::waker> batch;
  batch.swap(ready_);
  for (rt::waker& w : batch) std::move(w).wake();
  return true;
}

void sim_reactor::poll(std::optional<std::chrono::nanoseconds> timeout) {
  if (fire_ready()) return;
  if (timeout && timeout->count() <= 0) return;
  if (timeout) {
    parker_.park_for(*timeout);
  } else {
    parker_.park();
  }
  fire_ready();
}

}  // namespace weft::sim
