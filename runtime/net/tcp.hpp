// TCP: net::tcp_listener and net::tcp_stream, and name lookup.
//
//   auto listener = net::tcp_listener::bind("127.0.0.1:0").value();
//   auto [conn, peer] = (co_await listener.accept()).value();
//
//   auto stream = (co_await net::tcp_stream::connect(listener.local_addr())).value();
//   co_await stream.write_all(std::as_bytes(std::span(msg)));
//   std::array<std::byte, 4096> buf;
//   net::io_result<std::size_t> n = co_await stream.read(buf);   // 0: peer closed
//
// Every operation returns an io_result: a value or an io_error naming the
// operation and the address ("connect 127.0.0.1:9: Connection refused").
// Nothing here throws for a network failure, and nothing aborts the process
// (writes to a reset connection fail with an error, not SIGPIPE).
//
// The same API runs on real sockets (Boost.Asio) and, in the deterministic
// world, on the simulated network; it needs to be used from a weft task.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/io/net_backend.hpp"
#include "runtime/net/addr.hpp"
#include "runtime/net/error.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::net {

// weft's own network error codes (alongside the system's).
enum class errc {
  unexpected_eof = 1,  // the peer closed before read_exact was satisfied
  invalid_address,     // an address string that does not parse
  no_network,          // the runtime was built without I/O
  no_addresses,        // a lookup that found nothing
};
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

// The backend of the runtime this thread runs a task for (null: no I/O).
// Throws rt::usage_error outside a runtime.
rt::io::net_backend* current_backend();

class tcp_stream;

namespace detail {

// A leaf future around one backend poll; `Poll` returns io_poll<T>. The
// error message (operation and address) is only formatted on failure.
template <class T, class Poll>
class io_future final : public rt::leaf_future {
 public:
  io_future(Poll poll, const char* op, socket_addr addr) : poll_(std::move(poll)), op_(op), addr_(addr) {}
  bool poll(const rt::waker& w) noexcept override {
    if (done_) return true;
    result_ = poll_(w);
    done_ = result_.ready;
    return done_;
  }
  // io_result<void> for operations with no value (read_exact, write_all).
  using result_type = std::conditional_t<std::is_same_v<T, std::monostate>, io_result<void>, io_result<T>>;
  result_type await_resume() {
    if (result_.ec) return rt::unexpected(io_error(result_.ec, op_, addr_.to_string()));
    if constexpr (std::is_same_v<T, std::monostate>) {
      return {};
    } else {
      return std::move(result_.value);
    }
  }

 private:
  Poll poll_;
  const char* op_;
  socket_addr addr_;
  rt::io::io_poll<T> result_{};
  bool done_ = false;
};

}  // namespace detail

class tcp_stream {
 public:
  tcp_stream(tcp_stream&&) noexcept = default;
  tcp_stream& operator=(tcp_stream&&) noexcept = default;
  ~tcp_stream();

  class connect_future;
  static connect_future connect(const socket_addr& addr);
  static connect_future connect(std::string_view addr);

  struct read_poll {
    rt::io::stream_impl* impl = nullptr;
    std::span<std::byte> buf;
    rt::io::io_poll<std::size_t> operator()(const rt::waker& w) { return impl->poll_read(buf, w); }
  };
  struct write_poll {
    rt::io::stream_impl* impl = nullptr;
    std::span<const std::byte> buf;
    rt::io::io_poll<std::size_t> operator()(const rt::waker& w) { return impl->poll_write(buf, w); }
  };
  // Fills as much of buf as has arrived; 0 means the peer closed its side.
  using read_future = detail::io_future<std::size_t, read_poll>;
  using write_future = detail::io_future<std::size_t, write_poll>;
  read_future read(std::span<std::byte> buf);
  write_future write(std::span<const std::byte> buf);

  struct read_exact_poll {
    rt::io::stream_impl* impl = nullptr;
    std::span<std::byte> buf;
    std::size_t filled = 0;
    rt::io::io_poll<std::monostate> operator()(const rt::waker& w);
  };
  struct write_all_poll {
    rt::io::stream_impl* impl = nullptr;
    std::span<const std::byte> buf;
    std::size_t written = 0;
    rt::io::io_poll<std::monostate> operator()(const rt::waker& w);
  };
  // Reads exactly buf.size() bytes, or fails (unexpected_eof if the peer
  // closes first).
  detail::io_future<std::monostate, read_exact_poll> read_exact(std::span<std::byte> buf);
  // Writes all of buf, or fails.
  detail::io_future<std::monostate, write_all_poll> write_all(std::span<const std::byte> buf);

  // Half-close: the peer reads end of stream; reading still works.
  io_result<void> shutdown();
  io_result<void> set_nodelay(bool on);
  socket_addr peer_addr() const { return peer_; }
  socket_addr local_addr() const { return local_; }

 private:
  friend class tcp_listener;
  friend class connect_future;
  explicit tcp_stream(std::unique_ptr<rt::io::stream_impl> impl);
  std::unique_ptr<rt::io::stream_impl> impl_;
  socket_addr peer_;
  socket_addr local_;
};

class tcp_stream::connect_future final : public rt::leaf_future {
 public:
  connect_future(std::unique_ptr<rt::io::pending_op<std::unique_ptr<rt::io::stream_impl>>> op,
                 std::string addr, std::error_code early = {})
      : op_(std::move(op)), addr_(std::move(addr)), ec_(early), done_(static_cast<bool>(early)) {}
  bool poll(const rt::waker& w) noexcept override;
  io_result<tcp_stream> await_resume();

 private:
  std::unique_ptr<rt::io::pending_op<std::unique_ptr<rt::io::stream_impl>>> op_;
  std::string addr_;
  std::error_code ec_;
  std::unique_ptr<rt::io::stream_impl> stream_;
  bool done_;
};

class tcp_listener {
 public:
  tcp_listener(tcp_listener&&) noexcept = default;
  tcp_listener& operator=(tcp_listener&&) noexcept = default;
  ~tcp_listener();

  // Binds and listens. Port 0 picks a free port (see local_addr()).
  static io_result<tcp_listener> bind(const socket_addr& addr);
  static io_result<tcp_listener> bind(std::string_view addr);

  struct accept_poll {
    rt::io::listener_impl* impl = nullptr;
    rt::io::io_poll<rt::io::accepted> operator()(const rt::waker& w) { return impl->poll_accept(w); }
  };
  class accept_future final : public rt::leaf_future {
   public:
    accept_future(rt::io::listener_impl* impl, socket_addr addr) : inner_(accept_poll{impl}, "accept on", addr) {}
    bool poll(const rt::waker& w) noexcept override { return inner_.poll(w); }
    io_result<std::pair<tcp_stream, socket_addr>> await_resume();

   private:
    detail::io_future<rt::io::accepted, accept_poll> inner_;
  };
  accept_future accept();
  socket_addr local_addr() const { return local_; }

 private:
  explicit tcp_listener(std::unique_ptr<rt::io::listener_impl> impl);
  std::unique_ptr<rt::io::listener_impl> impl_;
  socket_addr local_;
};

// Resolves a host name (or an address literal) to addresses.
class lookup_future final : public rt::leaf_future {
 public:
  lookup_future(std::unique_ptr<rt::io::pending_op<std::vector<socket_addr>>> op, std::string what,
                std::vector<socket_addr> ready = {}, std::error_code early = {});
  bool poll(const rt::waker& w) noexcept override;
  io_result<std::vector<socket_addr>> await_resume();

 private:
  std::unique_ptr<rt::io::pending_op<std::vector<socket_addr>>> op_;
  std::string what_;
  std::vector<socket_addr> addrs_;
  std::error_code ec_;
  bool done_;
};
lookup_future lookup(std::string host, std::uint16_t port);

}  // namespace weft::net

template <>
struct std::is_error_code_enum<weft::net::errc> : std::true_type {};
