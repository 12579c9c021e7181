// sys::parker, sim flavour: park blocks the simulated thread until a token
// arrives; park_for times out in virtual time.
#pragma once

#include <chrono>

#include "sim/core/sync.hpp"

namespace weft::sys {

class parker {
 public:
  parker() = default;
  parker(const parker&) = delete;
  parker& operator=(const parker&) = delete;

  void park() { inner_.park(); }
  bool park_for(std::chrono::nanoseconds timeout) { return inner_.park_for(timeout); }
  void unpark() { inner_.unpark(); }

 private:
  sim::sim_parker inner_;
};

}  // namespace weft::sys
