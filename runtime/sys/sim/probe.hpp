// sys::probe, sim flavour: a question the deterministic world asks when it
// finds every simulated thread blocked — "is that a lost wakeup?". The
// function answers with a one-line explanation (e.g. "all 2 workers of
// runtime 'weft' parked while 3 tasks are queued") or nullopt; the first
// answer turns the deadlock into outcome::lost_wakeup. It runs in the
// driver, with no simulated thread current, and must not block.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sim/core/executor.hpp"

namespace weft::sys {

class probe {
 public:
  explicit probe(std::function<std::optional<std::string>()> fn) : ex_(sim::executor::current()) {
    if (ex_ != nullptr) handle_ = ex_->add_probe(std::move(fn));
  }
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;
  ~probe() {
    if (ex_ != nullptr) ex_->remove_probe(handle_);
  }

 private:
  sim::executor* ex_;
  std::size_t handle_ = 0;
};

}  // namespace weft::sys
