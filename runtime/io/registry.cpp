#include "runtime/io/registry.hpp"

#include <mutex>

#include "runtime/sys/assert.hpp"

namespace weft::rt::io {
namespace {

constexpr std::uint8_t initial_readiness = ready::readable | ready::writable;

}  // namespace

registry::slot_ref registry::allocate() {
  std::lock_guard lock(lock_);
  std::uint32_t index = 0;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    WEFT_ASSERT(slots_.size() < UINT32_MAX, "reactor registry full");
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(std::make_unique<scheduled_io>());
  }
  scheduled_io* io = slots_[index].get();
  const std::uint32_t generation = io->reset(initial_readiness);
  if (shut_down_) io->shutdown();
  ++live_;
  return {io, (std::uint64_t{generation} << 32) | index};
}

void registry::release(std::uint64_t token) noexcept {
  scheduled_io* io = find(token);
  WEFT_ASSERT(io != nullptr, "released a token the registry never gave out");
  // Wakers are dropped with no lock held: dropping the last reference to a
  // task destroys it, and its destructors may release registrations too.
  // Only the owner stores wakers, so none arrives after this.
  io->drop_waiters();
  std::lock_guard lock(lock_);
  // Bumping the generation now makes the events still in flight stale.
  io->reset(0);
  free_.push_back(index_of(token));
  --live_;
}

scheduled_io* registry::find(std::uint64_t token) {
  std::lock_guard lock(lock_);
  const std::uint32_t index = index_of(token);
  return index < slots_.size() ? slots_[index].get() : nullptr;
}

void registry::find_all(std::span<const door_event> events, std::span<scheduled_io*> out) {
  WEFT_ASSERT(out.size() >= events.size(), "find_all needs a slot per event");
  std::lock_guard lock(lock_);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::uint32_t index = index_of(events[i].token);
    out[i] = index < slots_.size() ? slots_[index].get() : nullptr;
  }
}

void registry::shutdown_all() noexcept {
  std::vector<scheduled_io*> all;
  {
    std::lock_guard lock(lock_);
    shut_down_ = true;
    all.reserve(slots_.size());
    for (auto& s : slots_) all.push_back(s.get());
  }
  // Slots live as long as the registry; wake their tasks with no lock held.
  for (scheduled_io* io : all) io->shutdown();
}

}  // namespace weft::rt::io
