// sys::thread, real flavour: a named std::thread.
#pragma once

#include <functional>
#include <string>
#include <thread>

namespace weft::sys {

class thread {
 public:
  thread() noexcept = default;
  // Starts `body` on a new thread called `name` (as seen by debuggers and
  // `top -H`; Linux keeps the first 15 bytes).
  thread(std::string name, std::function<void()> body);
  thread(thread&&) noexcept = default;
  thread& operator=(thread&&) noexcept = default;
  ~thread() = default;  // std::thread terminates if still joinable: join first.

  bool joinable() const noexcept { return inner_.joinable(); }
  void join() { inner_.join(); }

 private:
  std::thread inner_;
};

// Hint to the processor that the caller spins; the sim flavour makes it a
// scheduling point so spinning threads cannot livelock the simulation.
void spin_hint() noexcept;

// Gives up the rest of this thread's time slice.
void yield_thread() noexcept;

// The number of hardware threads, at least 1.
unsigned hardware_concurrency() noexcept;

}  // namespace weft::sys
