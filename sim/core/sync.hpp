// The blocking primitives of the simulated world: what sys::mutex,
// sys::condvar and sys::parker are in the sim flavour.
//
// Each operation is a scheduling point (an executor::operation) and blocking
// is modelled with executor::block, so the executor always knows who can
// run. Where the real primitive leaves a choice open — which waiter a
// notify_one wakes, which of several woken lockers gets the mutex — the
// choice goes to the decision source.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "sim/core/executor.hpp"

namespace weft::sim {

// Fails loudly: the sim flavour was used outside a world.
[[noreturn]] void outside_world();

// The executor of the calling simulated thread; fails loudly when the sim
// flavour is used outside a world.
inline executor& this_world() {
  executor* ex = executor::current();
  if (ex == nullptr) [[unlikely]] outside_world();
  return *ex;
}

class sim_mutex {
 public:
  void lock();
  bool try_lock();
  // As lock(), but gives up at virtual time `deadline_ns` (false).
  bool try_lock_until(std::int64_t deadline_ns);
  void unlock();
  std::uint64_t id();

 private:
  thread_id owner_ = no_thread;
  std::vector<thread_id> waiters_;
  sync_meta meta_;  // id and happens-before clock
};

class sim_condvar {
 public:
  sim_condvar() = default;
  sim_condvar(const sim_condvar&) = delete;
  sim_condvar& operator=(const sim_condvar&) = delete;
  ~sim_condvar();
  // `m` is held by the caller; released while waiting, held again on return.
  void wait(sim_mutex& m);
  // Returns false on timeout (virtual time).
  bool wait_for(sim_mutex& m, std::chrono::nanoseconds timeout);
  void notify_one();
  void notify_all();

 private:
  struct waiter {
    thread_id thread;
    bool notified;
  };
  bool wait_impl(sim_mutex& m, const std::int64_t* deadline_ns);
  std::uint64_t id();

  std::vector<waiter> waiters_;
  std::uint64_t id_ = 0;
};

class sim_parker {
 public:
  void park();
  bool park_for(std::chrono::nanoseconds timeout);
  void unpark();
  // From a timed event (the driver, not a simulated thread): make a token
  // available and wake the parked thread, without a scheduling point.
  void unpark_from_event(executor& ex) noexcept;

 private:
  std::uint64_t id();

  bool token_ = false;
  thread_id parked_ = no_thread;
  sync_meta meta_;
};

}  // namespace weft::sim
