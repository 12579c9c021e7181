// Real sockets over Boost.Asio, readiness-based (see net_backend.hpp).
//
// Each socket is non-blocking. An operation first tries the system call; if
// it would block, it arms one async_wait for that direction (at most one
// outstanding per direction) whose handler wakes the stored waker. Handlers
// run on the worker that holds the driver (asio_reactor::poll). The socket
// and its wait slots live in a shared state that the handlers keep alive,
// so closing a socket with a wait outstanding is safe: the wait completes
// with operation_aborted and wakes (harmlessly) whoever was waiting.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "runtime/io/asio_reactor.hpp"
#include "runtime/io/net_backend.hpp"

namespace weft::rt::io {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;

std::error_code to_std(const boost::system::error_code& ec) {
  if (!ec) return {};
  if (ec.category() == boost::system::system_category() ||
      ec.category() == boost::system::generic_category()) {
    return std::error_code(ec.value(), std::system_category());
  }
  return std::error_code(ec);
}

bool would_block(const boost::system::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

asio::ip::address to_asio(const net::ip_addr& ip) {
  if (ip.is_v4()) return asio::ip::address_v4(ip.to_v4_uint());
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), ip.bytes().data(), 16);
  return asio::ip::address_v6(b);
}

net::ip_addr from_asio(const asio::ip::address& a) {
  if (a.is_v4()) return net::ip_addr::v4(a.to_v4().to_uint());
  if (a.to_v6().is_v4_mapped()) {
    return net::ip_addr::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_uint());
  }
  std::array<std::uint8_t, 16> b{};
  const auto bytes = a.to_v6().to_bytes();
  std::memcpy(b.data(), bytes.data(), 16);
  return net::ip_addr::v6(b);
}

template <class Endpoint>
Endpoint to_endpoint(const net::socket_addr& a) {
  return Endpoint(to_asio(a.ip()), a.port());
}

template <class Endpoint>
net::socket_addr from_endpoint(const Endpoint& e) {
  return net::socket_addr(from_asio(e.address()), e.port());
}

// One direction's pending readiness wait.
struct wait_slot {
  bool armed = false;
  waker w;
};

// A socket (or acceptor) and its two wait slots, shared with the handlers.
template <class Socket>
struct socket_state : std::enable_shared_from_this<socket_state<Socket>> {
  explicit socket_state(asio::io_context& io) : sock(io) {}
  ~socket_state() {
    boost::system::error_code ignored;
    sock.close(ignored);
  }

  // Under `mutex`: remember `w` and make sure a wait is outstanding.
  void arm(wait_slot& slot, typename Socket::wait_type type, const waker& w) {
    if (!slot.w.will_wake(w)) slot.w = w;
    if (slot.armed) return;
    slot.armed = true;
    sock.async_wait(type, [self = this->shared_from_this(), &slot](const boost::system::error_code&) {
      waker to_wake;
      {
        std::lock_guard lock(self->mutex);
        slot.armed = false;
        to_wake = std::move(slot.w);
      }
      std::move(to_wake).wake();
    });
  }

  std::mutex mutex;  // every call on `sock`, and both slots
  Socket sock;
  wait_slot read;
  wait_slot write;
};

// ---- TCP stream ----

// A stream's socket state, plus a read buffer owned by the state.
//
// When a read would block, instead of an async_wait (which costs Asio an
// epoll_ctl per wait to re-arm its edge-triggered registration) the stream
// starts one async_receive into this internal buffer: Asio tries it at once
// and, if no data is there, queues it without touching epoll, completing it
// when data arrives. The next poll_read copies the data out. The buffer belongs to the shared state, so a read future
// dropped mid-read leaves Asio writing into memory that is still alive.
struct stream_state : socket_state<tcp::socket> {
  using socket_state::socket_state;
  static constexpr std::size_t buffer_min = 4096;

  std::unique_ptr<std::byte[]> rbuf;
  std::size_t rcap = 0;
  std::size_t rlen = 0;
  std::size_t rpos = 0;
  bool reading = false;  // an async_receive is outstanding
  // Try the socket directly before asking Asio. Off after a read finds the
  // socket empty (request/response traffic: the receive then completes in
  // Asio, one system call, instead of a failed direct read first); back on
  // when a receive fills the whole buffer (streaming: data keeps coming).
  bool try_direct = true;
  bool eof = false;
  std::error_code error;  // a receive that failed, reported once
};

class asio_stream final : public stream_impl {
 public:
  explicit asio_stream(std::shared_ptr<stream_state> s) : s_(std::move(s)) {
    boost::system::error_code ec;
    s_->sock.non_blocking(true, ec);
    local_ = from_endpoint(s_->sock.local_endpoint(ec));
    peer_ = from_endpoint(s_->sock.remote_endpoint(ec));
  }

  io_poll<std::size_t> poll_read(std::span<std::byte> buf, const waker& w) override {
    std::lock_guard lock(s_->mutex);
    if (s_->rpos < s_->rlen) {  // data the last async_receive brought
      const std::size_t n = std::min(buf.size(), s_->rlen - s_->rpos);
      std::memcpy(buf.data(), s_->rbuf.get() + s_->rpos, n);
      s_->rpos += n;
      return {true, {}, n};
    }
    if (s_->error) return {true, std::exchange(s_->error, {}), 0};
    if (s_->eof) return {true, {}, 0};
    if (s_->reading) {
      if (!s_->read.w.will_wake(w)) s_->read.w = w;
      return {};
    }
    if (s_->try_direct) {
      boost::system::error_code ec;
      const std::size_t n = s_->sock.read_some(asio::buffer(buf.data(), buf.size()), ec);
      if (!would_block(ec)) {
        if (ec == asio::error::eof) return {true, {}, 0};
        return {true, to_std(ec), n};
      }
      s_->try_direct = false;  // the socket runs dry: go through Asio next time
    }
    start_receive(buf.size(), w);
    return {};
  }

  io_poll<std::size_t> poll_write(std::span<const std::byte> buf, const waker& w) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    const std::size_t n = s_->sock.write_some(asio::buffer(buf.data(), buf.size()), ec);
    if (would_block(ec)) {
      s_->arm(s_->write, tcp::socket::wait_write, w);
      return {};
    }
    return {true, to_std(ec), n};
  }

  std::error_code shutdown_write() override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    s_->sock.shutdown(tcp::socket::shutdown_send, ec);
    return to_std(ec);
  }

  std::error_code set_nodelay(bool on) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    s_->sock.set_option(tcp::no_delay(on), ec);
    return to_std(ec);
  }

  net::socket_addr local_addr() const override { return local_; }
  net::socket_addr peer_addr() const override { return peer_; }

 private:
  // Under the state's mutex.
  void start_receive(std::size_t want, const waker& w) {
    const std::size_t cap = std::max(want, stream_state::buffer_min);
    if (s_->rcap < cap) {
      s_->rbuf = std::make_unique<std::byte[]>(cap);
      s_->rcap = cap;
    }
    s_->rlen = s_->rpos = 0;
    s_->reading = true;
    if (!s_->read.w.will_wake(w)) s_->read.w = w;
    s_->sock.async_receive(
        asio::buffer(s_->rbuf.get(), s_->rcap),
        [state = s_](const boost::system::error_code& ec, std::size_t n) {
          {
            std::lock_guard l(state->mutex);
            state->reading = false;
            if (!ec) {
              state->rlen = n;
              state->rpos = 0;
              state->try_direct = n == state->rcap;
            } else if (ec == asio::error::eof) {
              state->eof = true;
            } else if (ec != asio::error::operation_aborted) {
              state->error = to_std(ec);
            }
            // Wake, and keep the waker: the same task usually reads next,
            // and its next poll then finds it already stored.
            state->read.w.wake_by_ref();
          }
        });
  }

  std::shared_ptr<stream_state> s_;
  net::socket_addr local_;
  net::socket_addr peer_;
};

// ---- TCP listener ----

class asio_listener final : public listener_impl {
 public:
  explicit asio_listener(std::shared_ptr<socket_state<tcp::acceptor>> s) : s_(std::move(s)) {
    boost::system::error_code ec;
    local_ = from_endpoint(s_->sock.local_endpoint(ec));
  }

  io_poll<accepted> poll_accept(const waker& w) override {
    std::lock_guard lock(s_->mutex);
    auto peer = std::make_shared<stream_state>(
        static_cast<asio::io_context&>(s_->sock.get_executor().context()));
    boost::system::error_code ec;
    s_->sock.accept(peer->sock, ec);
    if (would_block(ec)) {
      s_->arm(s_->read, tcp::acceptor::wait_read, w);
      return {};
    }
    if (ec) return {true, to_std(ec), {}};
    auto stream = std::make_unique<asio_stream>(std::move(peer));
    const net::socket_addr from = stream->peer_addr();
    return {true, {}, accepted{std::move(stream), from}};
  }

  net::socket_addr local_addr() const override { return local_; }

 private:
  std::shared_ptr<socket_state<tcp::acceptor>> s_;
  net::socket_addr local_;
};

// ---- TCP connect ----

class asio_connect final : public pending_op<std::unique_ptr<stream_impl>> {
 public:
  asio_connect(asio::io_context& io, const net::socket_addr& to)
      : s_(std::make_shared<state>(io)) {
    std::lock_guard lock(s_->mutex);
    s_->sock.sock.async_connect(to_endpoint<tcp::endpoint>(to),
                                [s = s_](const boost::system::error_code& ec) {
                                  waker to_wake;
                                  {
                                    std::lock_guard l(s->mutex);
                                    s->done = true;
                                    s->ec = ec;
                                    to_wake = std::move(s->w);
                                  }
                                  std::move(to_wake).wake();
                                });
  }

  ~asio_connect() override {
    // Abandoned before it finished (a timeout): stop the attempt. The
    // handler still runs, with operation_aborted, and keeps the state alive.
    std::lock_guard lock(s_->mutex);
    if (!s_->done) {
      boost::system::error_code ignored;
      s_->sock.sock.close(ignored);
    }
  }

  io_poll<std::unique_ptr<stream_impl>> poll(const waker& w) override {
    std::lock_guard lock(s_->mutex);
    if (!s_->done) {
      if (!s_->w.will_wake(w)) s_->w = w;
      return {};
    }
    if (s_->ec) return {true, to_std(s_->ec), nullptr};
    auto sock = std::make_shared<stream_state>(
        static_cast<asio::io_context&>(s_->sock.sock.get_executor().context()));
    sock->sock = std::move(s_->sock.sock);
    return {true, {}, std::make_unique<asio_stream>(std::move(sock))};
  }

 private:
  struct state {
    explicit state(asio::io_context& io) : sock(io) {}
    std::mutex mutex;
    socket_state<tcp::socket> sock;
    bool done = false;
    boost::system::error_code ec;
    waker w;
  };
  std::shared_ptr<state> s_;
};

// ---- UDP ----

class asio_datagram final : public datagram_impl {
 public:
  explicit asio_datagram(std::shared_ptr<socket_state<udp::socket>> s) : s_(std::move(s)) {
    boost::system::error_code ec;
    s_->sock.non_blocking(true, ec);
    local_ = from_endpoint(s_->sock.local_endpoint(ec));
  }

  io_poll<std::size_t> poll_send_to(std::span<const std::byte> buf, const net::socket_addr& to,
                                    const waker& w) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    const std::size_t n =
        s_->sock.send_to(asio::buffer(buf.data(), buf.size()), to_endpoint<udp::endpoint>(to), 0, ec);
    if (would_block(ec)) {
      s_->arm(s_->write, udp::socket::wait_write, w);
      return {};
    }
    return {true, to_std(ec), n};
  }

  io_poll<datagram> poll_recv_from(std::span<std::byte> buf, const waker& w) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    udp::endpoint from;
    const std::size_t n = s_->sock.receive_from(asio::buffer(buf.data(), buf.size()), from, 0, ec);
    if (would_block(ec)) {
      s_->arm(s_->read, udp::socket::wait_read, w);
      return {};
    }
    return {true, to_std(ec), datagram{n, from_endpoint(from)}};
  }

  std::error_code connect(const net::socket_addr& peer) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    s_->sock.connect(to_endpoint<udp::endpoint>(peer), ec);
    return to_std(ec);
  }

  io_poll<std::size_t> poll_send(std::span<const std::byte> buf, const waker& w) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    const std::size_t n = s_->sock.send(asio::buffer(buf.data(), buf.size()), 0, ec);
    if (would_block(ec)) {
      s_->arm(s_->write, udp::socket::wait_write, w);
      return {};
    }
    return {true, to_std(ec), n};
  }

  io_poll<std::size_t> poll_recv(std::span<std::byte> buf, const waker& w) override {
    std::lock_guard lock(s_->mutex);
    boost::system::error_code ec;
    const std::size_t n = s_->sock.receive(asio::buffer(buf.data(), buf.size()), 0, ec);
    if (would_block(ec)) {
      s_->arm(s_->read, udp::socket::wait_read, w);
      return {};
    }
    return {true, to_std(ec), n};
  }

  net::socket_addr local_addr() const override { return local_; }

 private:
  std::shared_ptr<socket_state<udp::socket>> s_;
  net::socket_addr local_;
};

// ---- name lookup ----

class asio_lookup final : public pending_op<std::vector<net::socket_addr>> {
 public:
  asio_lookup(asio::io_context& io, std::string host, std::uint16_t port)
      : s_(std::make_shared<state>(io)) {
    std::lock_guard lock(s_->mutex);
    s_->resolver.async_resolve(
        host, std::to_string(port),
        [s = s_](const boost::system::error_code& ec, tcp::resolver::results_type results) {
          waker to_wake;
          {
            std::lock_guard l(s->mutex);
            s->done = true;
            s->ec = ec;
            for (const auto& entry : results) s->addrs.push_back(from_endpoint(entry.endpoint()));
            to_wake = std::move(s->w);
          }
          std::move(to_wake).wake();
        });
  }
  ~asio_lookup() override {
    std::lock_guard lock(s_->mutex);
    s_->resolver.cancel();
  }

  io_poll<std::vector<net::socket_addr>> poll(const waker& w) override {
    std::lock_guard lock(s_->mutex);
    if (!s_->done) {
      if (!s_->w.will_wake(w)) s_->w = w;
      return {};
    }
    return {true, to_std(s_->ec), s_->addrs};
  }

 private:
  struct state {
    explicit state(asio::io_context& io) : resolver(io) {}
    std::mutex mutex;
    tcp::resolver resolver;
    bool done = false;
    boost::system::error_code ec;
    std::vector<net::socket_addr> addrs;
    waker w;
  };
  std::shared_ptr<state> s_;
};

}  // namespace

// ---- the backend ----

class asio_net final : public net_backend {
 public:
  explicit asio_net(asio::io_context& io) : io_(io) {}

  std::unique_ptr<listener_impl> tcp_bind(const net::socket_addr& addr, std::error_code& out) override {
    auto s = std::make_shared<socket_state<tcp::acceptor>>(io_);
    const tcp::endpoint ep = to_endpoint<tcp::endpoint>(addr);
    boost::system::error_code ec;
    std::lock_guard lock(s->mutex);
    s->sock.open(ep.protocol(), ec);
    if (!ec) s->sock.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) s->sock.bind(ep, ec);
    if (!ec) s->sock.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) s->sock.non_blocking(true, ec);
    if (ec) {
      out = to_std(ec);
      return nullptr;
    }
    out.clear();
    return std::make_unique<asio_listener>(std::move(s));
  }

  std::unique_ptr<pending_op<std::unique_ptr<stream_impl>>> tcp_connect(const net::socket_addr& addr) override {
    return std::make_unique<asio_connect>(io_, addr);
  }

  std::unique_ptr<datagram_impl> udp_bind(const net::socket_addr& addr, std::error_code& out) override {
    auto s = std::make_shared<socket_state<udp::socket>>(io_);
    const udp::endpoint ep = to_endpoint<udp::endpoint>(addr);
    boost::system::error_code ec;
    std::lock_guard lock(s->mutex);
    s->sock.open(ep.protocol(), ec);
    if (!ec) s->sock.bind(ep, ec);
    if (ec) {
      out = to_std(ec);
      return nullptr;
    }
    out.clear();
    return std::make_unique<asio_datagram>(std::move(s));
  }

  std::unique_ptr<pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                   std::uint16_t port) override {
    return std::make_unique<asio_lookup>(io_, std::move(host), port);
  }

 private:
  asio::io_context& io_;
};

std::unique_ptr<net_backend> make_asio_net(boost::asio::io_context& io) {
  return std::make_unique<asio_net>(io);
}

}  // namespace weft::rt::io
