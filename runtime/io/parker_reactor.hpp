// A reactor with no I/O: poll() parks the calling thread until unpark() or
// the timeout. Used where a runtime needs timers but no sockets.
#pragma once

#include "runtime/io/reactor.hpp"
#include "runtime/sys/park.hpp"

namespace weft::rt::io {

class parker_reactor final : public reactor {
 public:
  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    if (timeout) {
      parker_.park_for(*timeout);
    } else {
      parker_.park();
    }
  }
  void unpark() noexcept override { parker_.unpark(); }

 private:
  sys::parker parker_;
};

}  // namespace weft::rt::io
