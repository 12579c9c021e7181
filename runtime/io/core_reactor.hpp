// The reactor core: one implementation of readiness, compiled into both
// flavours, on top of an OS door (io/door.hpp).
//
//   door  --wait()-->  core_reactor::poll  --dispatch-->  scheduled_io
//                                                           |  wakes
//   net::tcp_stream  --poll_read-->  registration::poll_io -+
//
// The worker holding the runtime's driver calls poll(): it waits on the
// door (with the next timer's deadline as the timeout), resolves each
// event's token to its slot and dispatches it: set the readiness, then wake
// the tasks that wait for it (scheduled_io.hpp says why in that order).
// Sockets (io/core_net.cpp) are registrations: a descriptor, its slot, and
// the loop every operation runs — wait for readiness, try the call, and on
// EAGAIN clear the readiness seen and wait again.
//
// The door, the registry and every registration share one reactor_core, so
// a socket that outlives its runtime still closes its descriptor cleanly.
#pragma once

#include <array>
#include <memory>
#include <system_error>

#include "runtime/io/door.hpp"
#include "runtime/io/net_backend.hpp"
#include "runtime/io/reactor.hpp"
#include "runtime/io/registry.hpp"

namespace weft::rt::io {

class reactor_core {
 public:
  explicit reactor_core(std::unique_ptr<door> d);
  reactor_core(const reactor_core&) = delete;
  reactor_core& operator=(const reactor_core&) = delete;

  door& os() noexcept { return *door_; }
  registry& slots() noexcept { return slots_; }
  // Sets the readiness each event carries and wakes its waiters.
  void dispatch(std::span<const door_event> events);

 private:
  std::unique_ptr<door> door_;
  registry slots_;
  std::array<scheduled_io*, 256> found_{};  // dispatch()'s scratch (one driver at a time)
};

// The error every operation reports once the reactor has shut down.
std::error_code reactor_gone() noexcept;

// A descriptor registered with the core. Move-only; destroying it
// closes the descriptor (which ends its registration with the door) and
// releases the slot.
class registration {
 public:
  // Registers `fd` (which it then owns, and closes on failure too).
  static std::unique_ptr<registration> open(std::shared_ptr<reactor_core> core, fd_t fd, std::error_code& ec);
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;
  ~registration();

  fd_t fd() const noexcept { return fd_; }
  door& os() noexcept { return core_->os(); }
  const std::shared_ptr<reactor_core>& core() const noexcept { return core_; }

  // The readiness loop. `attempt()` makes the call and returns io_poll<T>
  // whose `ready` is false exactly when the call would block.
  template <class T, class Attempt>
  io_poll<T> poll_io(direction d, const waker& w, Attempt&& attempt) {
    for (;;) {
      const std::optional<ready_event> ev = io_->poll_ready(d, w);
      if (!ev) return {};
      if (ev->shutdown) return {true, reactor_gone(), T{}};
      io_poll<T> r = attempt();
      if (r.ready) return r;
      io_->clear_readiness(*ev);
    }
  }

 private:
  registration(std::shared_ptr<reactor_core> core, fd_t fd, registry::slot_ref slot)
      : core_(std::move(core)), fd_(fd), io_(slot.io), token_(slot.token) {}

  std::shared_ptr<reactor_core> core_;
  fd_t fd_;
  scheduled_io* io_;
  std::uint64_t token_;
};

class core_reactor final : public reactor {
 public:
  explicit core_reactor(std::unique_ptr<door> d);
  ~core_reactor() override;

  void poll(std::optional<std::chrono::nanoseconds> timeout) override;
  void unpark() noexcept override { core_->os().wake(); }
  net_backend* net() noexcept override { return net_.get(); }
  void shutdown() override { core_->slots().shutdown_all(); }

 private:
  std::shared_ptr<reactor_core> core_;
  std::unique_ptr<net_backend> net_;
  std::array<door_event, 256> events_{};
};

// Sockets on the core (io/core_net.cpp).
std::unique_ptr<net_backend> make_core_net(std::shared_ptr<reactor_core> core);

}  // namespace weft::rt::io
