// The controlled scheduler: simulated threads on one OS thread, every
// switch chosen by the decision source.
//
// Each simulated thread is a Boost.Context fiber with its own stack. Exactly
// one runs at a time. It runs until it reaches a *scheduling point* — an
// operation of the sim flavour of runtime/sys (an atomic access, a lock, a
// park, a thread spawn or join), when the preemption granularity makes that
// operation one — and there the executor asks the decision source which
// runnable thread goes next. Blocking is modelled: a thread waiting for a
// lock, a condition, a park token or another thread's exit is not runnable,
// so the executor always knows who can run.
//
// When no thread can run, the virtual clock jumps to the next timed event
// (a timed park's deadline, a message delivery, a timer) and runs it. When
// there is no such event and threads are still blocked, that is a deadlock,
// reported with each blocked thread and what it waits for.
//
// A run ends when every thread has finished, or at the first failure:
// a failed WEFT_ASSERT or an exception escaping a thread, a deadlock, or the
// step bound (livelock). Threads still alive then are abandoned: they are
// never resumed and their stacks go back to the pool without unwinding,
// because unwinding would run code — destructors, noexcept scheduler paths —
// in a world whose invariants just failed.
//
// Why not Boost.Fiber's scheduler with a custom algorithm: Boost.Fiber keeps
// its own dispatcher and per-OS-thread queues that must drain before the
// thread exits, so a deadlocked world could only be cleaned up by unwinding
// its fibers, and it picks the next fiber before the yielding one is back
// in the ready queue. Driving Boost.Context fibers directly keeps every
// choice, and the cleanup, in this file.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "sim/core/decision.hpp"
#include "sim/core/stack_pool.hpp"

namespace weft::sim {

using thread_id = std::uint32_t;
inline constexpr thread_id no_thread = ~thread_id{0};

// How often a running thread may be preempted.
enum class granularity : std::uint8_t {
  every_operation,  // at every sys operation: for exploring races in the runtime itself
  blocking_only,    // only where a thread blocks, parks, spawns, joins or spins: fast
                    // network-level simulation
};

struct executor_options {
  granularity preemption = granularity::every_operation;
  std::size_t stack_size = 256 * 1024;
  // Scheduling points before the run is reported as a livelock.
  std::uint64_t max_steps = 50'000'000;
  // What sys::hardware_concurrency() answers inside the world.
  unsigned hardware_concurrency = 2;
  // Virtual time at the start of the run, in nanoseconds.
  std::int64_t epoch_ns = 1'000'000'000;
};

enum class outcome : std::uint8_t { ok, assertion, exception, deadlock, livelock, mismatch };
std::string_view outcome_name(outcome o) noexcept;

struct run_report {
  outcome result = outcome::ok;
  std::string message;               // one line: what failed and where
  std::vector<std::string> blocked;  // deadlock: one line per blocked thread
  std::uint64_t steps = 0;           // scheduling points passed
  std::uint64_t switches = 0;        // context switches between threads
  std::int64_t end_time_ns = 0;      // virtual time when the run ended
  bool ok() const noexcept { return result == outcome::ok; }
};

// What a blocked thread waits for (for deadlock reports).
struct wait_info {
  const char* what = "";      // "mutex", "condvar", "park", "join", ...
  std::uint64_t object = 0;   // the object's id, 0 if none
};

class executor {
 public:
  explicit executor(decision_source& source, executor_options options = {});
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  ~executor();

  // Adds a thread; callable before run() and from simulated threads.
  thread_id spawn(std::string name, std::function<void()> body);
  // Runs until every thread finished or the first failure.
  run_report run();

  // The executor running on this OS thread, or null outside run().
  static executor* current() noexcept;

  // ---- for the sim flavour of runtime/sys; call from a simulated thread ----

  thread_id current_thread() const noexcept { return current_; }
  const std::string& thread_name(thread_id id) const;
  bool is_finished(thread_id id) const noexcept;

  // An ordinary operation: a scheduling point if the granularity says so,
  // and a step towards the livelock bound either way.
  void operation();
  // A scheduling point at any granularity (spinning, explicit yields).
  void yield_now() { reschedule(); }
  // Blocks the calling thread until unblock(); callers re-check their
  // condition afterwards (wakeups may be shared).
  void block(wait_info why);
  // As block(), but also wakes at virtual time `deadline_ns`. Returns false
  // if it woke by timeout.
  bool block_until(wait_info why, std::int64_t deadline_ns);
  // Makes a blocked thread runnable; no-op for others.
  void unblock(thread_id id) noexcept;
  // Blocks until thread `id` has finished.
  void join(thread_id id);

  std::int64_t now_ns() const noexcept { return now_ns_; }
  // Runs `fn` in the driver when virtual time reaches `when_ns` (events at
  // the same time run in the order they were added).
  void at(std::int64_t when_ns, std::function<void()> fn);

  std::uint64_t choose(std::uint64_t options, choice_kind kind);
  std::uint64_t new_object_id() noexcept { return ++last_object_id_; }
  std::uintptr_t& slot(std::size_t index) noexcept;
  const executor_options& options() const noexcept { return options_; }

  // Ends the run with a failure; called from a simulated thread it never
  // returns (the thread is abandoned), from the driver it records only.
  void fail(outcome kind, std::string message);

  static constexpr std::size_t slot_count = 16;

 private:
  struct thread;
  struct event {
    std::int64_t when_ns;
    std::uint64_t seq;
    std::function<void()> fn;
  };
  struct event_later {
    bool operator()(const event& a, const event& b) const noexcept {
      return a.when_ns != b.when_ns ? a.when_ns > b.when_ns : a.seq > b.seq;
    }
  };

  void reschedule();
  void count_step();
  void switch_to_driver();
  void resume(thread& t);
  void thread_main(thread& t);
  thread_id pick_next();
  bool advance_clock();
  void report_deadlock();
  void abandon_all() noexcept;

  decision_source& source_;
  executor_options options_;
  stack_pool stacks_;
  std::vector<std::unique_ptr<thread>> threads_;
  std::vector<thread_id> runnable_scratch_;
  std::size_t runnable_count_ = 0;
  std::size_t live_count_ = 0;
  thread_id current_ = no_thread;
  thread_id chosen_ = no_thread;  // picked at a scheduling point, run next by the driver
  std::priority_queue<event, std::vector<event>, event_later> events_;
  std::uint64_t event_seq_ = 0;
  std::int64_t now_ns_;
  std::uint64_t last_object_id_ = 0;
  std::array<std::uintptr_t, slot_count> driver_slots_{};
  run_report report_;
  bool running_ = false;
  bool failed_ = false;

  struct driver_context;
  std::unique_ptr<driver_context> driver_;
};

}  // namespace weft::sim
