#include "runtime/net/tcp.hpp"

#include "runtime/context.hpp"
#include "runtime/scheduler/scheduler.hpp"
#include "runtime/task/error.hpp"

namespace weft::net {
namespace {

class net_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "weft.net"; }
  std::string message(int code) const override {
    switch (static_cast<errc>(code)) {
      case errc::unexpected_eof: return "connection closed before all bytes arrived";
      case errc::invalid_address: return "not an address (expected a.b.c.d:port or [v6]:port)";
      case errc::no_network: return "this runtime has no network (built with I/O disabled)";
      case errc::no_addresses: return "no addresses found";
    }
    return "unknown weft.net error";
  }
};

}  // namespace

const std::error_category& error_category() noexcept {
  static const net_category category;
  return category;
}

rt::io::net_backend* current_backend() {
  const rt::detail::context* cx = rt::detail::current_context::get();
  if (cx == nullptr || cx->sched == nullptr) {
    throw rt::usage_error("weft: networking used outside a runtime; call it from a task");
  }
  return cx->sched->driver().io().net();
}

// ---- tcp_stream ----

tcp_stream::tcp_stream(std::unique_ptr<rt::io::stream_impl> impl)
    : impl_(std::move(impl)), peer_(impl_->peer_addr()), local_(impl_->local_addr()) {}

tcp_stream::~tcp_stream() = default;

tcp_stream::connect_future tcp_stream::connect(const socket_addr& addr) {
  rt::io::net_backend* net = current_backend();
  if (net == nullptr) return connect_future(nullptr, addr.to_string(), make_error_code(errc::no_network));
  return connect_future(net->tcp_connect(addr), addr.to_string());
}

tcp_stream::connect_future tcp_stream::connect(std::string_view addr) {
  const auto parsed = socket_addr::parse(addr);
  if (!parsed) return connect_future(nullptr, std::string(addr), make_error_code(errc::invalid_address));
  return connect(*parsed);
}

bool tcp_stream::connect_future::poll(const rt::waker& w) noexcept {
  if (done_) return true;
  auto r = op_->poll(w);
  if (!r.ready) return false;
  ec_ = r.ec;
  stream_ = std::move(r.value);
  done_ = true;
  return true;
}

io_result<tcp_stream> tcp_stream::connect_future::await_resume() {
  if (ec_) return rt::unexpected(io_error(ec_, "connect", addr_));
  return tcp_stream(std::move(stream_));
}

tcp_stream::read_future tcp_stream::read(std::span<std::byte> buf) {
  return read_future(read_poll{impl_.get(), buf}, "read from", peer_);
}

tcp_stream::write_future tcp_stream::write(std::span<const std::byte> buf) {
  return write_future(write_poll{impl_.get(), buf}, "write to", peer_);
}

rt::io::io_poll<std::monostate> tcp_stream::read_exact_poll::operator()(const rt::waker& w) {
  while (filled < buf.size()) {
    auto r = impl->poll_read(buf.subspan(filled), w);
    if (!r.ready) return {};
    if (r.ec) return {true, r.ec, {}};
    if (r.value == 0) return {true, make_error_code(errc::unexpected_eof), {}};
    filled += r.value;
  }
  return {true, {}, {}};
}

rt::io::io_poll<std::monostate> tcp_stream::write_all_poll::operator()(const rt::waker& w) {
  while (written < buf.size()) {
    auto r = impl->poll_write(buf.subspan(written), w);
    if (!r.ready) return {};
    if (r.ec) return {true, r.ec, {}};
    written += r.value;
  }
  return {true, {}, {}};
}

detail::io_future<std::monostate, tcp_stream::read_exact_poll> tcp_stream::read_exact(std::span<std::byte> buf) {
  return {read_exact_poll{impl_.get(), buf, 0}, "read from", peer_};
}

detail::io_future<std::monostate, tcp_stream::write_all_poll> tcp_stream::write_all(
    std::span<const std::byte> buf) {
  return {write_all_poll{impl_.get(), buf, 0}, "write to", peer_};
}

io_result<void> tcp_stream::shutdown() {
  if (const std::error_code ec = impl_->shutdown_write()) {
    return rt::unexpected(io_error(ec, "shutdown", peer_.to_string()));
  }
  return {};
}

io_result<void> tcp_stream::set_nodelay(bool on) {
  if (const std::error_code ec = impl_->set_nodelay(on)) {
    return rt::unexpected(io_error(ec, "set_nodelay", peer_.to_string()));
  }
  return {};
}

// ---- tcp_listener ----

tcp_listener::tcp_listener(std::unique_ptr<rt::io::listener_impl> impl)
    : impl_(std::move(impl)), local_(impl_->local_addr()) {}

tcp_listener::~tcp_listener() = default;

io_result<tcp_listener> tcp_listener::bind(const socket_addr& addr) {
  rt::io::net_backend* net = current_backend();
  if (net == nullptr) return rt::unexpected(io_error(make_error_code(errc::no_network), "bind", addr.to_string()));
  std::error_code ec;
  auto impl = net->tcp_bind(addr, ec);
  if (ec) return rt::unexpected(io_error(ec, "bind", addr.to_string()));
  return tcp_listener(std::move(impl));
}

io_result<tcp_listener> tcp_listener::bind(std::string_view addr) {
  const auto parsed = socket_addr::parse(addr);
  if (!parsed) return rt::unexpected(io_error(make_error_code(errc::invalid_address), "bind", std::string(addr)));
  return bind(*parsed);
}

tcp_listener::accept_future tcp_listener::accept() { return accept_future(impl_.get(), local_); }

io_result<std::pair<tcp_stream, socket_addr>> tcp_listener::accept_future::await_resume() {
  auto r = inner_.await_resume();
  if (!r) return rt::unexpected(std::move(r).error());
  rt::io::accepted a = std::move(*r);
  return std::pair<tcp_stream, socket_addr>(tcp_stream(std::move(a.stream)), a.peer);
}

// ---- lookup ----

lookup_future::lookup_future(std::unique_ptr<rt::io::pending_op<std::vector<socket_addr>>> op,
                             std::string what, std::vector<socket_addr> ready, std::error_code early)
    : op_(std::move(op)),
      what_(std::move(what)),
      addrs_(std::move(ready)),
      ec_(early),
      done_(op_ == nullptr) {}

bool lookup_future::poll(const rt::waker& w) noexcept {
  if (done_) return true;
  auto r = op_->poll(w);
  if (!r.ready) return false;
  ec_ = r.ec;
  addrs_ = std::move(r.value);
  if (!ec_ && addrs_.empty()) ec_ = make_error_code(errc::no_addresses);
  done_ = true;
  return true;
}

io_result<std::vector<socket_addr>> lookup_future::await_resume() {
  if (ec_) return rt::unexpected(io_error(ec_, "lookup", what_));
  return std::move(addrs_);
}

lookup_future lookup(std::string host, std::uint16_t port) {
  std::string what = host + ":" + std::to_string(port);
  if (const auto ip = ip_addr::parse(host)) {
    return lookup_future(nullptr, std::move(what), {socket_addr(*ip, port)});
  }
  rt::io::net_backend* net = current_backend();
  if (net == nullptr) return lookup_future(nullptr, std::move(what), {}, make_error_code(errc::no_network));
  return lookup_future(net->lookup(std::move(host), port), std::move(what));
}

}  // namespace weft::net
