#include "runtime/io/real_door.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <limits>
#include <mutex>
#include <stdexcept>

namespace weft::rt::io {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::uint64_t wake_token = std::numeric_limits<std::uint64_t>::max();

std::error_code last_error() noexcept { return sys_error(errno); }

// ---- addresses (Asio endpoints are sockaddrs) ----

tcp::endpoint to_endpoint(const net::socket_addr& a) {
  const net::ip_addr& ip = a.ip();
  if (ip.is_v4()) return {asio::ip::address_v4(ip.to_v4_uint()), a.port()};
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), ip.bytes().data(), 16);
  return {asio::ip::address_v6(b), a.port()};
}

net::socket_addr from_endpoint(const tcp::endpoint& e) {
  const asio::ip::address a = e.address();
  if (a.is_v4()) return {net::ip_addr::v4(a.to_v4().to_uint()), e.port()};
  if (a.to_v6().is_v4_mapped()) {
    return {net::ip_addr::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_uint()), e.port()};
  }
  std::array<std::uint8_t, 16> b{};
  const auto bytes = a.to_v6().to_bytes();
  std::memcpy(b.data(), bytes.data(), 16);
  return {net::ip_addr::v6(b), e.port()};
}

// Reads a sockaddr the kernel filled in.
template <class Fill>
net::socket_addr read_addr(Fill&& fill, std::error_code& ec) {
  tcp::endpoint e;
  socklen_t len = static_cast<socklen_t>(e.capacity());
  if (fill(e.data(), &len) != 0) {
    ec = last_error();
    return {};
  }
  e.resize(len);
  ec.clear();
  return from_endpoint(e);
}

// Retries a system call interrupted by a signal.
template <class Call>
auto retry(Call&& call) {
  for (;;) {
    auto r = call();
    if (r >= 0 || errno != EINTR) return r;
  }
}

io_size sized(ssize_t r) noexcept {
  if (r < 0) return {0, last_error()};
  return {static_cast<std::size_t>(r), {}};
}

std::uint8_t readiness_of(std::uint32_t events) noexcept {
  std::uint8_t r = 0;
  if (events & EPOLLIN) r |= ready::readable;
  if (events & EPOLLOUT) r |= ready::writable;
  if (events & EPOLLRDHUP) r |= ready::readable | ready::read_closed;
  if (events & EPOLLHUP) r |= ready::readable | ready::writable | ready::read_closed | ready::write_closed;
  if (events & EPOLLERR) r |= ready::readable | ready::writable | ready::error;
  return r;
}

// ---- name lookup ----

class real_lookup final : public pending_op<std::vector<net::socket_addr>> {
 public:
  real_lookup(asio::thread_pool& pool, std::string host, std::uint16_t port) : s_(std::make_shared<state>()) {
    asio::post(pool, [s = s_, host = std::move(host), port] {
      asio::io_context io;
      tcp::resolver resolver(io);
      boost::system::error_code ec;
      const auto results = resolver.resolve(host, std::to_string(port), ec);
      waker to_wake;
      {
        std::lock_guard lock(s->mutex);
        s->done = true;
        if (ec) s->ec = std::error_code(ec.value(), ec.category());
        for (const auto& entry : results) s->addrs.push_back(from_endpoint(entry.endpoint()));
        to_wake = std::move(s->w);
      }
      std::move(to_wake).wake();
    });
  }

  io_poll<std::vector<net::socket_addr>> poll(const waker& w) override {
    std::lock_guard lock(s_->mutex);
    if (!s_->done) {
      if (!s_->w.will_wake(w)) s_->w = w;
      return {};
    }
    return {true, s_->ec, s_->addrs};
  }

 private:
  struct state {
    std::mutex mutex;
    bool done = false;
    std::error_code ec;
    std::vector<net::socket_addr> addrs;
    waker w;
  };
  std::shared_ptr<state> s_;
};

// One resolver thread for the whole process, started on the first lookup
// and never destroyed. A door cannot own it: a lookup's completion wakes
// its task on that thread, and if that drops the last reference to the
// runtime, the door would be destroyed there and join its own thread
// (AddressSanitizer caught it as a use-after-free in Asio's scheduler).
asio::thread_pool& resolver_pool() {
  static asio::thread_pool* const pool = new asio::thread_pool(1);  // lives until exit
  return *pool;
}

// ---- the door ----

class real_door final : public door {
 public:
  real_door() {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || wake_fd_ < 0) {
      const std::error_code ec = last_error();
      close_fds();
      throw std::system_error(ec, "weft: cannot create the reactor's epoll instance");
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = wake_token;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
      const std::error_code ec = last_error();
      close_fds();
      throw std::system_error(ec, "weft: cannot register the reactor's eventfd");
    }
  }
  ~real_door() override { close_fds(); }

  fd_t open(socket_kind kind, bool v6, std::error_code& ec) override {
    const int type = (kind == socket_kind::stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, type, 0);
    ec = fd < 0 ? last_error() : std::error_code();
    return fd;
  }

  std::error_code set_option(fd_t fd, socket_option opt, bool on) override {
    const int value = on ? 1 : 0;
    const int level = opt == socket_option::no_delay ? IPPROTO_TCP : SOL_SOCKET;
    const int name = opt == socket_option::no_delay ? TCP_NODELAY : SO_REUSEADDR;
    return ::setsockopt(fd, level, name, &value, sizeof value) == 0 ? std::error_code() : last_error();
  }

  std::error_code bind(fd_t fd, const net::socket_addr& addr) override {
    const tcp::endpoint e = to_endpoint(addr);
    return ::bind(fd, e.data(), static_cast<socklen_t>(e.size())) == 0 ? std::error_code() : last_error();
  }

  std::error_code listen(fd_t fd, int backlog) override {
    return ::listen(fd, backlog) == 0 ? std::error_code() : last_error();
  }

  fd_t accept(fd_t fd, net::socket_addr& peer, std::error_code& ec) override {
    int out = -1;
    peer = read_addr(
        [&](sockaddr* sa, socklen_t* len) {
          out = retry([&] { return ::accept4(fd, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC); });
          return out < 0 ? -1 : 0;
        },
        ec);
    return out;
  }

  std::error_code connect(fd_t fd, const net::socket_addr& addr) override {
    const tcp::endpoint e = to_endpoint(addr);
    return ::connect(fd, e.data(), static_cast<socklen_t>(e.size())) == 0 ? std::error_code() : last_error();
  }

  std::error_code take_error(fd_t fd) override {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return last_error();
    return err == 0 ? std::error_code() : sys_error(err);
  }

  io_size read(fd_t fd, std::span<std::byte> buf) override {
    return sized(retry([&] { return ::recv(fd, buf.data(), buf.size(), 0); }));
  }
  io_size write(fd_t fd, std::span<const std::byte> buf) override {
    return sized(retry([&] { return ::send(fd, buf.data(), buf.size(), MSG_NOSIGNAL); }));
  }
  io_size send_to(fd_t fd, std::span<const std::byte> buf, const net::socket_addr& to) override {
    const tcp::endpoint e = to_endpoint(to);
    return sized(retry([&] {
      return ::sendto(fd, buf.data(), buf.size(), MSG_NOSIGNAL, e.data(), static_cast<socklen_t>(e.size()));
    }));
  }
  io_size recv_from(fd_t fd, std::span<std::byte> buf, net::socket_addr& from) override {
    ssize_t r = -1;
    std::error_code ec;
    from = read_addr(
        [&](sockaddr* sa, socklen_t* len) {
          r = retry([&] { return ::recvfrom(fd, buf.data(), buf.size(), 0, sa, len); });
          return r < 0 ? -1 : 0;
        },
        ec);
    return ec ? io_size{0, ec} : io_size{static_cast<std::size_t>(r), {}};
  }

  std::error_code shutdown_write(fd_t fd) override {
    return ::shutdown(fd, SHUT_WR) == 0 ? std::error_code() : last_error();
  }
  void close(fd_t fd) noexcept override { ::close(fd); }  // also leaves the epoll set

  net::socket_addr local_addr(fd_t fd, std::error_code& ec) override {
    return read_addr([&](sockaddr* sa, socklen_t* len) { return ::getsockname(fd, sa, len); }, ec);
  }
  net::socket_addr peer_addr(fd_t fd, std::error_code& ec) override {
    return read_addr([&](sockaddr* sa, socklen_t* len) { return ::getpeername(fd, sa, len); }, ec);
  }

  std::error_code register_fd(fd_t fd, std::uint64_t token) override {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = token;
    return ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) == 0 ? std::error_code() : last_error();
  }

  std::size_t wait(std::span<door_event> out, std::optional<std::chrono::nanoseconds> timeout) override;

  void wake() noexcept override {
    if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;  // one is enough
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }

  std::unique_ptr<pending_op<std::vector<net::socket_addr>>> lookup(std::string host,
                                                                   std::uint16_t port) override {
    return std::make_unique<real_lookup>(resolver_pool(), std::move(host), port);
  }

 private:
  int epoll_wait_for(epoll_event* events, int max, std::optional<std::chrono::nanoseconds> timeout);
  void close_fds() noexcept {
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_ >= 0) ::close(epoll_);
  }

  int epoll_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> wake_pending_{false};
  bool no_pwait2_ = false;
  std::array<epoll_event, 256> raw_{};
};

int real_door::epoll_wait_for(epoll_event* events, int max, std::optional<std::chrono::nanoseconds> timeout) {
  if (!timeout) return ::epoll_wait(epoll_, events, max, -1);
  const std::int64_t ns = std::max<std::int64_t>(0, timeout->count());
  if (!no_pwait2_ && ns > 0) {
    const timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    const int n = ::epoll_pwait2(epoll_, events, max, &ts, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    no_pwait2_ = true;
  }
  const std::int64_t ms = (ns + 999'999) / 1'000'000;  // round up: never wake early
  return ::epoll_wait(epoll_, events, max, static_cast<int>(std::min<std::int64_t>(ms, INT32_MAX)));
}

std::size_t real_door::wait(std::span<door_event> out, std::optional<std::chrono::nanoseconds> timeout) {
  const int max = static_cast<int>(std::min(out.size(), raw_.size()));
  const int n = epoll_wait_for(raw_.data(), max, timeout);
  if (n <= 0) return 0;  // timed out, or interrupted: the caller polls again
  std::size_t count = 0;
  for (int i = 0; i < n; ++i) {
    if (raw_[i].data.u64 == wake_token) {
      // Drain first, then reopen wake(). The other order loses a wake: one
      // that lands between the two writes the eventfd, the drain empties
      // it, the edge is gone, and wake_pending_ stays true for good, so no
      // later wake() writes again (a worker parked with no timeout sleeps
      // through shutdown). A wake() between drain and reopen is folded
      // into this return, which its caller's state change already precedes.
      std::uint64_t drained = 0;
      (void)!::read(wake_fd_, &drained, sizeof drained);
      (void)wake_pending_.exchange(false, std::memory_order_acq_rel);  // acquires a folded wake
      continue;
    }
    out[count++] = door_event{raw_[i].data.u64, readiness_of(raw_[i].events)};
  }
  return count;
}

}  // namespace

std::unique_ptr<door> make_real_door() { return std::make_unique<real_door>(); }

}  // namespace weft::rt::io
