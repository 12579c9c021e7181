// sys::mutex, sim flavour: a modelled lock of the deterministic world.
#pragma once

#include <cstdint>

#include "sim/core/sync.hpp"

namespace weft::sys {

class mutex {
 public:
  // Accepted for parity with the real flavour; a simulated lock never spins.
  enum class spin : std::uint8_t { none, brief };

  mutex() = default;
  explicit mutex(spin) noexcept {}
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;

  void lock() { inner_.lock(); }
  bool try_lock() { return inner_.try_lock(); }
  void unlock() { inner_.unlock(); }

  sim::sim_mutex& native() noexcept { return inner_; }

 private:
  sim::sim_mutex inner_;
};

}  // namespace weft::sys
