// sys::condvar, sim flavour: waits are modelled blocking, timed waits use
// virtual time, and which waiter notify_one wakes is a scheduling choice.
#pragma once

#include <chrono>
#include <mutex>

#include "runtime/sys/sim/mutex.hpp"
#include "sim/core/sync.hpp"

namespace weft::sys {

class condvar {
 public:
  condvar() = default;
  condvar(const condvar&) = delete;
  condvar& operator=(const condvar&) = delete;

  void wait(std::unique_lock<mutex>& lock) { inner_.wait(lock.mutex()->native()); }
  bool wait_for(std::unique_lock<mutex>& lock, std::chrono::nanoseconds timeout) {
    return inner_.wait_for(lock.mutex()->native(), timeout);
  }
  void notify_one() { inner_.notify_one(); }
  void notify_all() { inner_.notify_all(); }

 private:
  sim::sim_condvar inner_;
};

}  // namespace weft::sys
