// The executor's per-thread record and the driver's context: shared by the
// files that implement sim::executor (executor.cpp, executor_groups.cpp,
// executor_races.cpp, executor_diagnosis.cpp). Internal to sim/core.
#pragma once

#include <boost/context/fiber.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/executor.hpp"

namespace weft::sim {

namespace ctx = boost::context;

// What one simulated thread knows during a run: plain values, all reset
// together when its record is reused.
struct thread_run_state {
  thread_id id = 0;
  enum class state : std::uint8_t { runnable, blocked, paused, finished, abandoned } st = state::runnable;
  group_id group = 0;
  wait_info waiting;
  const void* site = nullptr;  // the call site of its current operation (executor::note_site)
  std::uint64_t block_epoch = 0;
  bool timed_out = false;
  std::int64_t spawned_in = -1;  // the spawner's segment (record_segments)
  bool has_segment = false;
  std::int64_t last_segment = -1;
  std::optional<object_access> pending;  // the operation it waits to perform
  const thread_id* pending_holder = nullptr;  // its owner, if that operation acquires
  const void* last_read = nullptr;        // spin detection: what it read last,
  std::uint64_t last_read_epoch = 0;      // and the write epoch then
  std::uint32_t rereads = 0;              // reads in a row of last_read with nothing written since, minus one
  bool spun = false;                      // yielded or spun without progress,
  std::uint64_t spun_epoch = 0;           // at this write epoch
  std::array<std::uintptr_t, executor::slot_count> slots{};
  bool has_fiber = false;
  ctx::stack_context stack{};
  void* fake_stack = nullptr;  // ASan's bookkeeping for this stack
  const void* suspended_at = nullptr;  // ASan: its frame when it last switched to the driver
};

// One simulated thread: its run state, and what it owns. Records are
// reused across runs (sim::run_pool): retire() returns one to the state of
// a new record, keeping the capacity of its name, joiners and clock and the
// allocation of its body.
struct thread_record : thread_run_state {
  std::string name;
  std::unique_ptr<std::function<void()>> body;  // empty once finished; null if leaked
  std::vector<thread_id> joiners;
  vector_clock clock;  // happens-before (race detection, weak memory)
  vector_clock acquired_relaxed;  // see executor::acquired_relaxed
  vector_clock fence_release;     // see executor::fence_release
  alignas(ctx::fiber) unsigned char fiber_storage[sizeof(ctx::fiber)];

  ctx::fiber& fiber() noexcept { return *std::launder(reinterpret_cast<ctx::fiber*>(fiber_storage)); }

  // The fiber must be gone: destroyed (a finished thread's) or given up
  // (an abandoned thread's).
  void retire() noexcept {
    static_cast<thread_run_state&>(*this) = thread_run_state{};
    name.clear();
    joiners.clear();
    clock.clear();
    acquired_relaxed.clear();
    fence_release.clear();
  }
};

struct executor::driver_context {
  ctx::fiber cont;  // the driver, while a thread runs
  void* fake_stack = nullptr;
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
};

}  // namespace weft::sim
