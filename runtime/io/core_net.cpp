// Sockets on the reactor core: the one implementation of net_backend
// (net_backend.hpp), for real sockets and simulated ones alike.
//
// Every operation is registration::poll_io around one door call: tried
// while the registration says the direction may be ready, and on EAGAIN
// the readiness seen is cleared and the task waits for the next event.
// Nothing is buffered here: a read copies straight from the door into the
// caller's buffer, so a future dropped mid-operation leaves nothing behind.
#include <utility>

#include "runtime/io/core_reactor.hpp"

namespace weft::rt::io {
namespace {

template <class T>
io_poll<T> done(std::error_code ec, T value = {}) {
  return {true, ec, std::move(value)};
}

// io_size -> io_poll: not ready exactly when the call would block.
io_poll<std::size_t> from_size(const io_size& r) {
  if (would_block(r.ec)) return {};
  return done(r.ec, r.ec ? 0 : r.n);
}

// ---- TCP stream ----

class core_stream final : public stream_impl {
 public:
  explicit core_stream(std::unique_ptr<registration> reg) : reg_(std::move(reg)) {
    std::error_code ignored;
    local_ = reg_->os().local_addr(reg_->fd(), ignored);
    peer_ = reg_->os().peer_addr(reg_->fd(), ignored);
  }

  io_poll<std::size_t> poll_read(std::span<std::byte> buf, const waker& w) override {
    return reg_->poll_io<std::size_t>(direction::read, w,
                                      [&] { return from_size(reg_->os().read(reg_->fd(), buf)); });
  }
  io_poll<std::size_t> poll_write(std::span<const std::byte> buf, const waker& w) override {
    return reg_->poll_io<std::size_t>(direction::write, w,
                                      [&] { return from_size(reg_->os().write(reg_->fd(), buf)); });
  }
  std::error_code shutdown_write() override { return reg_->os().shutdown_write(reg_->fd()); }
  std::error_code set_nodelay(bool on) override {
    return reg_->os().set_option(reg_->fd(), socket_option::no_delay, on);
  }
  net::socket_addr local_addr() const override { return local_; }
  net::socket_addr peer_addr() const override { return peer_; }

 private:
  std::unique_ptr<registration> reg_;
  net::socket_addr local_;
  net::socket_addr peer_;
};

// ---- TCP listener ----

class core_listener final : public listener_impl {
 public:
  explicit core_listener(std::unique_ptr<registration> reg) : reg_(std::move(reg)) {
    std::error_code ignored;
    local_ = reg_->os().local_addr(reg_->fd(), ignored);
  }

  io_poll<accepted> poll_accept(const waker& w) override {
    return reg_->poll_io<accepted>(direction::read, w, [&]() -> io_poll<accepted> {
      net::socket_addr peer;
      std::error_code ec;
      const fd_t fd = reg_->os().accept(reg_->fd(), peer, ec);
      if (would_block(ec)) return {};
      if (ec) return done<accepted>(ec);
      auto reg = registration::open(reg_->core(), fd, ec);
      if (!reg) return done<accepted>(ec);
      return done<accepted>({}, accepted{std::make_unique<core_stream>(std::move(reg)), peer});
    });
  }
  net::socket_addr local_addr() const override { return local_; }

 private:
  std::unique_ptr<registration> reg_;
  net::socket_addr local_;
};

// ---- TCP connect ----

// A connection under way: the descriptor turns writable when the attempt
// is over; take_error() says how it went, and a descriptor that is
// writable with no error but no peer yet was a spurious event.
class core_connect final : public pending_op<std::unique_ptr<stream_impl>> {
 public:
  core_connect(std::unique_ptr<registration> reg, std::error_code early)
      : reg_(std::move(reg)), early_(early) {}

  io_poll<std::unique_ptr<stream_impl>> poll(const waker& w) override {
    using result = std::unique_ptr<stream_impl>;
    if (early_ || !reg_) return done<result>(early_ ? early_ : reactor_gone());
    return reg_->poll_io<result>(direction::write, w, [&]() -> io_poll<result> {
      if (const std::error_code ec = reg_->os().take_error(reg_->fd())) return done<result>(ec);
      std::error_code ec;
      (void)reg_->os().peer_addr(reg_->fd(), ec);
      if (ec == std::errc::not_connected) return {};  // not there yet
      if (ec) return done<result>(ec);
      return done<result>({}, std::make_unique<core_stream>(std::move(reg_)));
    });
  }

 private:
  std::unique_ptr<registration> reg_;
  std::error_code early_;
};

// ---- UDP ----

class core_datagram final : public datagram_impl {
 public:
  explicit core_datagram(std::unique_ptr<registration> reg) : reg_(std::move(reg)) {
    std::error_code ignored;
    local_ = reg_->os().local_addr(reg_->fd(), ignored);
  }

  io_poll<std::size_t> poll_send_to(std::span<const std::byte> buf, const net::socket_addr& to,
                                    const waker& w) override {
    return reg_->poll_io<std::size_t>(direction::write, w,
                                      [&] { return from_size(reg_->os().send_to(reg_->fd(), buf, to)); });
  }
  io_poll<datagram> poll_recv_from(std::span<std::byte> buf, const waker& w) override {
    return reg_->poll_io<datagram>(direction::read, w, [&]() -> io_poll<datagram> {
      net::socket_addr from;
      const io_size r = reg_->os().recv_from(reg_->fd(), buf, from);
      if (would_block(r.ec)) return {};
      if (r.ec) return done<datagram>(r.ec);
      return done<datagram>({}, datagram{r.n, from});
    });
  }
  std::error_code connect(const net::socket_addr& peer) override {
    return reg_->os().connect(reg_->fd(), peer);
  }
  io_poll<std::size_t> poll_send(std::span<const std::byte> buf, const waker& w) override {
    return reg_->poll_io<std::size_t>(direction::write, w,
                                      [&] { return from_size(reg_->os().write(reg_->fd(), buf)); });
  }
  io_poll<std::size_t> poll_recv(std::span<std::byte> buf, const waker& w) override {
    return reg_->poll_io<std::size_t>(direction::read, w,
                                      [&] { return from_size(reg_->os().read(reg_->fd(), buf)); });
  }
  net::socket_addr local_addr() const override { return local_; }

 private:
  std::unique_ptr<registration> reg_;
  net::socket_addr local_;
};

// ---- the backend ----

class core_net final : public net_backend {
 public:
  explicit core_net(std::shared_ptr<reactor_core> core) : core_(std::move(core)) {}

  std::unique_ptr<listener_impl> tcp_bind(const net::socket_addr& addr, std::error_code& ec) override {
    auto reg = open_bound(socket_kind::stream, addr, ec);
    if (!reg) return nullptr;
    ec = reg->os().listen(reg->fd(), 1024);
    if (ec) return nullptr;
    return std::make_unique<core_listener>(std::move(reg));
  }

  std::unique_ptr<pending_op<std::unique_ptr<stream_impl>>> tcp_connect(const net::socket_addr& addr) override {
    // Registered only once the attempt is under way: an unconnected stream
    // socket reports a hang-up, which would mark the slot write-closed for
    // good and turn the wait for the handshake into a spin.
    std::error_code ec;
    const fd_t fd = core_->os().open(socket_kind::stream, addr.ip().is_v6(), ec);
    if (ec) return std::make_unique<core_connect>(nullptr, ec);
    ec = core_->os().connect(fd, addr);
    if (ec && ec != std::errc::operation_in_progress) {
      core_->os().close(fd);
      return std::make_unique<core_connect>(nullptr, ec);
    }
    auto reg = registration::open(core_, fd, ec);
    return std::make_unique<core_connect>(std::move(reg), ec);
  }

  std::unique_ptr<datagram_impl> udp_bind(const net::socket_addr& addr, std::error_code& ec) override {
    auto reg = open_bound(socket_kind::datagram, addr, ec);
    if (!reg) return nullptr;
    return std::make_unique<core_datagram>(std::move(reg));
  }

  std::unique_ptr<pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                   std::uint16_t port) override {
    return core_->os().lookup(std::move(host), port);
  }

 private:
  std::unique_ptr<registration> open_socket(socket_kind kind, bool v6, std::error_code& ec) {
    const fd_t fd = core_->os().open(kind, v6, ec);
    if (ec) return nullptr;
    return registration::open(core_, fd, ec);
  }

  std::unique_ptr<registration> open_bound(socket_kind kind, const net::socket_addr& addr, std::error_code& ec) {
    auto reg = open_socket(kind, addr.ip().is_v6(), ec);
    if (!reg) return nullptr;
    if (kind == socket_kind::stream) ec = reg->os().set_option(reg->fd(), socket_option::reuse_address, true);
    if (!ec) ec = reg->os().bind(reg->fd(), addr);
    if (ec) return nullptr;
    return reg;
  }

  std::shared_ptr<reactor_core> core_;
};

}  // namespace

std::unique_ptr<net_backend> make_core_net(std::shared_ptr<reactor_core> core) {
  return std::make_unique<core_net>(std::move(core));
}

}  // namespace weft::rt::io
