// The registry: the slots of scheduled_io behind the tokens the door
// carries in its events.
//
// A token is (generation << 32) | slot index. Slots are allocated with
// `new` one at a time and never freed before the registry, so a pointer to
// one stays valid for the reactor's life; a released slot goes on a free
// list and its next owner gets the next generation (scheduled_io::reset),
// which makes events still in flight for the previous owner stale.
//
// A new registration starts readable and writable: the first call is
// simply tried, and an EAGAIN clears the bit (edge-triggered sources only
// report changes, so starting empty would wait for an event that the
// registration itself may or may not produce).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "runtime/io/door.hpp"
#include "runtime/io/scheduled_io.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::rt::io {

class registry {
 public:
  struct slot_ref {
    scheduled_io* io = nullptr;
    std::uint64_t token = 0;
  };

  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  slot_ref allocate();
  void release(std::uint64_t token) noexcept;
  // The slot a token names (whatever its generation now), or null.
  scheduled_io* find(std::uint64_t token);
  // Resolves every event's slot under one lock (the driver's batch).
  void find_all(std::span<const door_event> events, std::span<scheduled_io*> out);
  // The reactor is gone: every slot answers at once from now on.
  void shutdown_all() noexcept;
  std::size_t live() const noexcept { return live_; }

  static std::uint32_t index_of(std::uint64_t token) noexcept { return static_cast<std::uint32_t>(token); }
  static std::uint32_t generation_of(std::uint64_t token) noexcept {
    return static_cast<std::uint32_t>(token >> 32);
  }

 private:
  sys::mutex lock_;
  std::vector<std::unique_ptr<scheduled_io>> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
  bool shut_down_ = false;
};

}  // namespace weft::rt::io
