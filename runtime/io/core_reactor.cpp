#include "runtime/io/core_reactor.hpp"

#include <algorithm>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/defect.hpp"

namespace weft::rt::io {

reactor_core::reactor_core(std::unique_ptr<door> d) : door_(std::move(d)) {
  WEFT_ASSERT(door_ != nullptr, "a reactor core needs a door");
}

void reactor_core::dispatch(std::span<const door_event> events) {
  while (!events.empty()) {
    const std::size_t n = std::min(events.size(), found_.size());
    slots_.find_all(events.first(n), found_);
    for (std::size_t i = 0; i < n; ++i) {
      scheduled_io* io = found_[i];
      if (io == nullptr) continue;
      const std::uint32_t generation = registry::generation_of(events[i].token);
      if (sys::defect_on(sys::defect::reactor_wake_before_set)) {
        io->wake(events[i].ready);
        io->set_readiness(generation, events[i].ready);
        continue;
      }
      if (io->set_readiness(generation, events[i].ready)) io->wake(events[i].ready);
    }
    events = events.subspan(n);
  }
}

std::error_code reactor_gone() noexcept { return std::make_error_code(std::errc::operation_canceled); }

std::unique_ptr<registration> registration::open(std::shared_ptr<reactor_core> core, fd_t fd,
                                                 std::error_code& ec) {
  const registry::slot_ref slot = core->slots().allocate();
  ec = core->os().register_fd(fd, slot.token);
  if (ec) {
    core->slots().release(slot.token);
    core->os().close(fd);
    return nullptr;
  }
  return std::unique_ptr<registration>(new registration(std::move(core), fd, slot));
}

registration::~registration() {
  // close() forgets the registration; events already queued for this token
  // are stale once the slot is released.
  core_->os().close(fd_);
  core_->slots().release(token_);
}

core_reactor::core_reactor(std::unique_ptr<door> d)
    : core_(std::make_shared<reactor_core>(std::move(d))), net_(make_core_net(core_)) {}

core_reactor::~core_reactor() = default;

void core_reactor::poll(std::optional<std::chrono::nanoseconds> timeout) {
  const std::size_t n = core_->os().wait(events_, timeout);
  WEFT_ASSERT(n <= events_.size(), "the door returned more events than it was given room for");
  core_->dispatch(std::span<const door_event>(events_.data(), n));
}

}  // namespace weft::rt::io
