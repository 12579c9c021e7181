// The real reactor: Boost.Asio's io_context (epoll on Linux).
//
// Sockets register interest with async_wait; the handler wakes the waiting
// task. The worker holding the driver runs the io_context with a timeout
// (run_one_for), then drains whatever else is ready (poll). A work guard
// keeps run_one_for sleeping when nothing is registered, instead of
// returning at once, and unpark() posts an empty handler to cut a sleep
// short. No extra thread runs the io_context.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>

#include "runtime/io/net_backend.hpp"
#include "runtime/io/reactor.hpp"

namespace weft::rt::io {

// Real sockets on `io` (io/asio_net.cpp).
std::unique_ptr<net_backend> make_asio_net(boost::asio::io_context& io);

class asio_reactor final : public reactor {
 public:
  asio_reactor();
  ~asio_reactor() override;

  void poll(std::optional<std::chrono::nanoseconds> timeout) override;
  void unpark() noexcept override;
  net_backend* net() noexcept override { return net_.get(); }
  void shutdown() override;

  boost::asio::io_context& context() noexcept { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  // Coalesces unparks: at most one wake-up handler is queued at a time.
  std::atomic<bool> wake_queued_{false};
  std::unique_ptr<net_backend> net_;
};

}  // namespace weft::rt::io
