#include "sim/net/door.hpp"

#include <algorithm>

#include "runtime/net/tcp.hpp"
#include "runtime/sys/assert.hpp"

namespace weft::sim {
namespace {

namespace ready = rt::io::ready;
using rt::io::fd_t;
using rt::io::io_size;

std::error_code err(std::errc e) { return std::make_error_code(e); }

constexpr fd_t first_fd = 3;  // 0, 1 and 2 are taken on every host

// Name lookup: the world's host names, answered at once.
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
  rt::io::io_poll<std::vector<net::socket_addr>> poll(const rt::waker&) override { return {true, ec_, addrs_}; }

 private:
  std::vector<net::socket_addr> addrs_;
  std::error_code ec_;
};

}  // namespace

sim_door::sim_door(network& net, host_id h)
    : net_(net), host_(h), incarnation_(net.host(h).incarnation), self_(std::make_shared<sim_door*>(this)) {
  network::host_state& hs = net_.host(h);
  // Packets that arrived while no door was live were applied on arrival.
  WEFT_ASSERT(hs.nic.empty(), "a host's receive queue outlived its door");
  hs.nic_owner = this;
}

sim_door::~sim_door() {
  // Whatever is still open is detached; the world is being torn down or
  // the host's runtime is gone, so nothing is sent.
  for (auto& [fd, s] : fds_) {
    s->door = nullptr;
    s->closed = true;
  }
  network::host_state& hs = net_.host(host_);
  if (hs.nic_owner != this) return;
  hs.nic_owner = nullptr;
  std::deque<network::arrival> left;
  left.swap(hs.nic);
  for (auto& effect : left) effect();  // the host's kernel outlives its runtime
}

bool sim_door::live() const {
  const network::host_state& hs = net_.host(host_);
  return hs.up && hs.incarnation == incarnation_;
}

ksocket_ptr sim_door::enter(fd_t fd, std::error_code& ec) {
  net_.exec().operation();
  net_.exec().note_global();  // the simulated kernel: not split into objects
  if (!live()) {
    ec = err(std::errc::network_down);
    return nullptr;
  }
  auto it = fds_.find(fd);
  if (it == fds_.end()) {
    ec = err(std::errc::bad_file_descriptor);
    return nullptr;
  }
  ec.clear();
  return it->second;
}

bool sim_door::draw(std::uint32_t per_million) {
  return per_million > 0 && net_.exec().choose(1'000'000, choice_kind::os) < per_million;
}

fd_t sim_door::install(ksocket_ptr s) {
  fd_t fd = first_fd;
  for (const auto& [used, _] : fds_) {
    if (used != fd) break;
    ++fd;
  }
  fds_.emplace(fd, std::move(s));
  return fd;
}

// EAGAIN right after an event (OS quirk): the call fails although it could
// succeed, and a second event follows, as when the data is not yet visible
// to the call the first event prompted.
bool sim_door::fake_would_block(ksocket& s, std::uint8_t bits) {
  if (s.door != this || !draw(net_.config().quirks.eagain_per_million)) return false;
  queue(s.token, bits);
  unpark();
  return true;
}

// ---- sockets ----

fd_t sim_door::open(rt::io::socket_kind kind, bool /*v6*/, std::error_code& ec) {
  net_.exec().operation();
  net_.exec().note_global();  // the simulated kernel: not split into objects
  if (!live()) {
    ec = err(std::errc::network_down);
    return -1;
  }
  ec.clear();
  return install(kernel::make_socket(net_, host_, kind));
}

std::error_code sim_door::set_option(fd_t fd, rt::io::socket_option, bool) {
  std::error_code ec;
  enter(fd, ec);
  return ec;
}

std::error_code sim_door::bind(fd_t fd, const net::socket_addr& addr) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  return s ? kernel::bind(net_, *s, addr) : ec;
}

std::error_code sim_door::listen(fd_t fd, int backlog) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  return s ? kernel::listen(net_, *s, backlog) : ec;
}

fd_t sim_door::accept(fd_t fd, net::socket_addr& peer, std::error_code& ec) {
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return -1;
  if (fake_would_block(*s, ready::readable)) {
    ec = err(std::errc::resource_unavailable_try_again);
    return -1;
  }
  ksocket_ptr child = kernel::accept(*s, ec);
  if (!child) return -1;
  peer = child->remote;
  return leave(install(std::move(child)));
}

std::error_code sim_door::connect(fd_t fd, const net::socket_addr& addr) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  return s ? kernel::connect(net_, s, addr) : ec;
}

std::error_code sim_door::take_error(fd_t fd) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return ec;
  return std::exchange(s->error, {});
}

io_size sim_door::read(fd_t fd, std::span<std::byte> buf) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return {0, ec};
  if (fake_would_block(*s, ready::readable)) return {0, err(std::errc::resource_unavailable_try_again)};
  return leave(kernel::read(net_, s, buf));
}

io_size sim_door::write(fd_t fd, std::span<const std::byte> buf) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return {0, ec};
  if (fake_would_block(*s, ready::writable)) return {0, err(std::errc::resource_unavailable_try_again)};
  return leave(kernel::write(net_, s, buf));
}

io_size sim_door::send_to(fd_t fd, std::span<const std::byte> buf, const net::socket_addr& to) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  return s ? leave(kernel::send_to(net_, *s, buf, to)) : io_size{0, ec};
}

io_size sim_door::recv_from(fd_t fd, std::span<std::byte> buf, net::socket_addr& from) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return {0, ec};
  if (fake_would_block(*s, ready::readable)) return {0, err(std::errc::resource_unavailable_try_again)};
  return leave(kernel::recv_from(*s, buf, from));
}

std::error_code sim_door::shutdown_write(fd_t fd) {
  std::error_code ec;
  const ksocket_ptr s = enter(fd, ec);
  return s ? kernel::shutdown_write(net_, s) : ec;
}

void sim_door::close(fd_t fd) noexcept {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return;
  ksocket_ptr s = std::move(it->second);
  fds_.erase(it);
  s->door = nullptr;
  if (live()) {
    kernel::close(net_, s);
  } else {
    s->closed = true;
  }
}

net::socket_addr sim_door::local_addr(fd_t fd, std::error_code& ec) {
  const ksocket_ptr s = enter(fd, ec);
  return s ? s->local : net::socket_addr();
}

net::socket_addr sim_door::peer_addr(fd_t fd, std::error_code& ec) {
  const ksocket_ptr s = enter(fd, ec);
  if (!s) return {};
  if (s->kind == rt::io::socket_kind::datagram && s->connected_to) return *s->connected_to;
  if (s->kind == rt::io::socket_kind::stream && s->st == ksocket::state::established) return s->remote;
  ec = err(std::errc::not_connected);
  return {};
}

// ---- readiness ----

std::error_code sim_door::register_fd(fd_t fd, std::uint64_t token) {
  auto it = fds_.find(fd);
  if (it == fds_.end()) return err(std::errc::bad_file_descriptor);
  it->second->door = this;
  it->second->token = token;
  return {};
}

void sim_door::post(std::uint64_t token, std::uint8_t bits) {
  const os_quirks& q = net_.config().quirks;
  if (draw(q.late_event_per_million)) {
    // Delivered late: the state changed now, the event says so later.
    executor& ex = net_.exec();
    const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(q.late_event_max.count(), 1));
    const std::int64_t delay_ns = 1000 * static_cast<std::int64_t>(1 + ex.choose(span, choice_kind::os));
    std::weak_ptr<sim_door*> self = self_;
    ex.at(ex.global_now_ns() + delay_ns, [self, token, bits] {
      if (auto alive = self.lock()) {
        (*alive)->queue(token, bits);
        (*alive)->unpark();
      }
    });
    return;
  }
  queue(token, bits);
  unpark();
}

void sim_door::queue(std::uint64_t token, std::uint8_t bits) {
  auto [it, fresh] = queued_.try_emplace(token, events_.size());
  if (fresh) {
    events_.push_back({token, bits});
  } else {
    events_[it->second].ready |= bits;
  }
}

void sim_door::unpark() {
  executor& ex = net_.exec();
  if (ex.current_thread() == no_thread) {
    parker_.unpark_from_event(ex);
  } else {
    parker_.unpark();
  }
}

// A spurious event (OS quirk) for one registered descriptor.
void sim_door::maybe_spurious() {
  if (!draw(net_.config().quirks.spurious_event_per_million)) return;
  std::vector<std::uint64_t> tokens;
  for (const auto& [fd, s] : fds_) {
    if (s->door == this) tokens.push_back(s->token);
  }
  if (tokens.empty()) return;
  const auto pick = net_.exec().choose(tokens.size(), choice_kind::os);
  queue(tokens[static_cast<std::size_t>(pick)], ready::readable | ready::writable);
}

// Takes one arrived packet in: its effects (kernel state, events) happen
// here, on the waiting thread, at a scheduling point of its own.
bool sim_door::take_packet() {
  network::host_state& hs = net_.host(host_);
  if (hs.nic_owner != this || hs.nic.empty()) return false;
  net_.exec().operation();
  net_.exec().note_global();  // the simulated kernel: not split into objects
  // Looked at again after the scheduling point: another thread may have
  // taken the packet in. Taking and applying it is one step, so packets
  // land in the order they arrived.
  if (hs.nic_owner != this || hs.nic.empty()) return false;
  network::arrival effect = std::move(hs.nic.front());
  hs.nic.pop_front();
  effect();
  return true;
}

std::size_t sim_door::wait(std::span<rt::io::door_event> out, std::optional<std::chrono::nanoseconds> timeout) {
  WEFT_ASSERT(!out.empty(), "wait() needs room for an event");
  if (live()) maybe_spurious();
  // A packet is taken in only when no event is waiting already, so the
  // events of one packet reach the core as soon as they can.
  if (events_.empty() && !(live() && take_packet())) {
    if (timeout && timeout->count() <= 0) return 0;
    if (timeout) {
      parker_.park_for(*timeout);
    } else {
      parker_.park();
    }
    if (events_.empty() && live()) take_packet();
  }
  const std::size_t n = std::min(out.size(), events_.size());
  std::copy_n(events_.begin(), n, out.begin());
  events_.erase(events_.begin(), events_.begin() + static_cast<std::ptrdiff_t>(n));
  queued_.clear();
  for (std::size_t i = 0; i < events_.size(); ++i) queued_.emplace(events_[i].token, i);
  return n;
}

void sim_door::wake() noexcept { parker_.unpark(); }

std::unique_ptr<rt::io::pending_op<std::vector<net::socket_addr>>> sim_door::lookup(std::string host,
                                                                                  std::uint16_t port) {
  return std::make_unique<sim_lookup>(net_, host, port);
}

std::unique_ptr<rt::io::door> make_sim_door(network& net, host_id h) { return std::make_unique<sim_door>(net, h); }

}  // namespace weft::sim
