// sys::thread, sim flavour: a simulated thread of the deterministic world.
#pragma once

#include <functional>
#include <string>

#include "sim/core/sync.hpp"

namespace weft::sys {

class thread {
 public:
  thread() noexcept = default;
  thread(std::string name, std::function<void()> body) {
    sim::executor& ex = sim::this_world();
    ex.operation();
    id_ = ex.spawn(std::move(name), std::move(body));
  }
  thread(thread&& other) noexcept : id_(other.id_) { other.id_ = sim::no_thread; }
  thread& operator=(thread&& other) noexcept {
    id_ = other.id_;
    other.id_ = sim::no_thread;
    return *this;
  }
  ~thread() = default;

  bool joinable() const noexcept { return id_ != sim::no_thread; }
  void join() {
    sim::executor& ex = sim::this_world();
    ex.operation();
    ex.join(id_);
    id_ = sim::no_thread;
  }

 private:
  sim::thread_id id_ = sim::no_thread;
};

// Spinning is a scheduling point at every granularity: a spinning thread
// must let the thread it waits for run.
inline void spin_hint() { sim::this_world().yield_now(); }
inline void yield_thread() { sim::this_world().yield_now(); }
inline unsigned hardware_concurrency() { return sim::this_world().options().hardware_concurrency; }

}  // namespace weft::sys
