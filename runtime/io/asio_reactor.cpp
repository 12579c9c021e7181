#include "runtime/io/asio_reactor.hpp"

#include <boost/asio/post.hpp>

namespace weft::rt::io {

asio_reactor::asio_reactor() : work_(boost::asio::make_work_guard(io_)), net_(make_asio_net(io_)) {}

asio_reactor::~asio_reactor() {
  work_.reset();
  io_.stop();
}

void asio_reactor::poll(std::optional<std::chrono::nanoseconds> timeout) {
  if (!timeout) {
    io_.run_one();
  } else if (timeout->count() > 0) {
    io_.run_one_for(*timeout);
  } else {
    io_.poll();  // a maintenance poll: everything ready, without sleeping
  }
  // After a sleep, other completed handlers stay queued in the io_context;
  // the next poll runs them without an epoll_wait. Draining them here with
  // io_context::poll() would cost an extra epoll_wait(0) per wakeup.
}

void asio_reactor::shutdown() {
  // Run what is ready (waits cancelled when their sockets closed) until
  // nothing is; each handler drops the waker it holds.
  while (io_.poll() > 0) {
  }
}

void asio_reactor::unpark() noexcept {
  if (wake_queued_.exchange(true, std::memory_order_acq_rel)) {
    return;  // one queued wake-up is enough
  }
  try {
    boost::asio::post(io_, [this] { wake_queued_.store(false, std::memory_order_release); });
  } catch (...) {
    wake_queued_.store(false, std::memory_order_release);
  }
}

}  // namespace weft::rt::io
