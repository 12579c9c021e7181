// Unmodified C++ in the simulated world: what `weft_instrument(TARGET)`
// links into a program (the library weft::instrument).
//
// The target's sources are compiled with GCC's -fsanitize=thread
// instrumentation, but the program links this library instead of libtsan:
//
//   * __tsan_read*/__tsan_write* (every plain load and store of the
//     instrumented code) check the access against the race detector's
//     vector clocks (sim/core/race.hpp), one cell per address; a race names
//     both source lines (symbolised from the binary's debug info).
//   * __tsan_atomic* (every std::atomic operation) is a scheduling point,
//     with its memory order, under sequential consistency or weak memory
//     exactly as sys::atomic is (sim/core/memory.hpp).
//   * The POSIX thread calls that libstdc++ makes underneath std::thread,
//     std::mutex (timed and recursive too), std::shared_mutex,
//     std::condition_variable(_any), std::call_once, function-local statics,
//     std::this_thread::yield/sleep_for/sleep_until, std::atomic::wait and
//     std::future (futex) are interposed — and semaphores, barriers, spin
//     locks and pthread_exit for programs that call POSIX directly: the
//     program's definitions come first, so libstdc++'s calls reach them too.
//     Inside a run each std::thread is a simulated thread, each lock, wait
//     and sleep a modelled blocking operation, and the clocks read virtual
//     time.
//   * The program's writes to its static and thread_local storage are
//     remembered and put back when the run ends (run_state::remember), so
//     every run starts from the same state.
//   * Outside a run — another OS thread, or the explorer's own thread
//     between runs — every call goes to the real implementation (libc's,
//     found with dlsym(RTLD_NEXT)), so the same binary runs normally.
//   * assert(), abort(), exit(nonzero) and std::terminate on a simulated
//     thread end that run as a failure (outcome::assertion /
//     outcome::exception), which is reported, shrunk and replayed like any
//     other; exit(0) ends the run as the process would end, cleanly.
//
// What the world cannot model ends the run with outcome::unsupported and a
// message naming it, never a silent verdict: a thread_local variable of
// instrumented code used by two simulated threads (all simulated threads
// share one OS thread, so they would share it), fork(), raising or sending
// a signal. Code that is not instrumented (a
// library built without weft_instrument) is invisible except for its
// calls into the thread API: its plain accesses are not checked and its
// atomics are not scheduling points. docs/explore.md lists the limits.
//
// State lives per run (an executor::extension): shadow cells, atomics'
// store histories, the locks, condition variables, futex queues and once
// flags keyed by the address the program uses, and the simulated threads'
// pthread handles.
#pragma once

#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sim/core/executor.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/race.hpp"
#include "sim/core/sync.hpp"

namespace weft::sim::instrument {

// Nonzero while weft's own bookkeeping runs on this OS thread: what it
// calls is the real thing, not the program's. Needed because a template
// instantiated in an instrumented file (std::string's, std::function's) is
// one copy for the whole program, so weft's own code may call the
// instrumented copy, and its __tsan_* calls come back here. A section never
// spans a scheduling point: the counter belongs to the OS thread, which
// every simulated thread shares (a run that fails inside one is reset by
// ~run_state).
inline thread_local int internal_depth = 0;
struct internal_section {
  internal_section() noexcept { ++internal_depth; }
  ~internal_section() { --internal_depth; }
  internal_section(const internal_section&) = delete;
  internal_section& operator=(const internal_section&) = delete;
};

// The executor of the calling simulated thread, or null: outside a run, on
// another OS thread, in the driver, or inside weft's own code (the caller
// then does the real thing).
inline executor* in_run() noexcept {
  if (internal_depth != 0) [[unlikely]] return nullptr;
  executor* ex = executor::current();
  return ex != nullptr && ex->current_thread() != no_thread ? ex : nullptr;
}

// An atomic location of the program: its synchronisation state and, under
// weak memory, its stores.
struct atomic_state {
  sync_meta meta;
  memory_location history;
};

// A pthread mutex (or the lock half of a rwlock's writer side).
struct lock_state {
  sim_mutex mutex;
  thread_id owner = no_thread;
  std::uint32_t depth = 0;  // recursive mutexes
};

// A pthread rwlock (std::shared_mutex).
struct rwlock_state {
  thread_id writer = no_thread;
  std::uint32_t readers = 0;
  std::vector<thread_id> waiters;
  sync_meta write_release;  // what the last writer released: every locker acquires it
  sync_meta read_release;   // what readers released: the next writer acquires it
  std::uint64_t id = 0;
};

// A once flag or a function-local static's guard.
struct once_state {
  enum class phase : std::uint8_t { not_run, running, done } at = phase::not_run;
  thread_id runner = no_thread;
  std::vector<thread_id> waiters;
  sync_meta meta;
  std::uint64_t id = 0;
};

// Threads waiting in futex(FUTEX_WAIT) on one address.
struct futex_queue {
  struct waiter {
    thread_id thread;
    std::uint32_t bitset;
    bool woken;
  };
  std::vector<waiter> waiters;
  std::uint64_t id = 0;
};

// A POSIX semaphore (sem_t) or a barrier (pthread_barrier_t): a count and
// the threads waiting for it to change.
struct counter_state {
  std::int64_t value = 0;       // semaphore: its value; barrier: threads still to arrive
  std::int64_t limit = 0;       // barrier: how many arrive per round
  std::uint64_t generation = 0;  // barrier: rounds completed
  bool known = false;           // value set in this run (sem_init, pthread_barrier_init, or read from libc)
  std::vector<thread_id> waiters;
  sync_meta meta;
  std::uint64_t id = 0;
};

// A simulated thread made by pthread_create.
struct thread_slot {
  void* result = nullptr;
  bool detached = false;
  bool joined = false;
};

// One module's thread_local block on the calling OS thread.
struct tls_block {
  std::uintptr_t begin = 0, end = 0;
  bool instrumented = false;
};

// Everything the instrumented program's objects are in one run.
class run_state final : public executor::extension {
 public:
  std::unordered_map<std::uintptr_t, std::unique_ptr<cell_meta>> cells;
  std::unordered_map<std::uintptr_t, std::unique_ptr<atomic_state>> atomics;
  std::unordered_map<std::uintptr_t, std::unique_ptr<lock_state>> locks;
  std::unordered_map<std::uintptr_t, std::unique_ptr<rwlock_state>> rwlocks;
  std::unordered_map<std::uintptr_t, std::unique_ptr<sim_condvar>> condvars;
  std::unordered_map<std::uintptr_t, std::unique_ptr<once_state>> onces;
  std::unordered_map<std::uintptr_t, std::unique_ptr<futex_queue>> futexes;
  std::unordered_map<std::uintptr_t, std::unique_ptr<counter_state>> counters;
  std::unordered_map<thread_id, thread_slot> threads;
  // thread_local storage on the executor's OS thread, and which simulated
  // thread first used each address of an instrumented module's.
  std::vector<tls_block> tls;
  std::unordered_map<std::uintptr_t, thread_id> tls_owner;
  // A thread reading one plain address over and over with no scheduling
  // point between (a spin on a plain flag) yields every spin_reads reads,
  // so the writer it waits for can run (and the race be seen).
  static constexpr std::uint32_t spin_reads = 1024;
  std::uintptr_t spin_address = 0;
  thread_id spin_thread = no_thread;
  std::uint32_t spin_count = 0;

  template <class T>
  T& at(std::unordered_map<std::uintptr_t, std::unique_ptr<T>>& table, const volatile void* address) {
    std::unique_ptr<T>& p = table[reinterpret_cast<std::uintptr_t>(address)];
    if (p == nullptr) p = std::make_unique<T>();
    return *p;
  }
  // Memory [begin, begin + size) is freed or reused: what the program's
  // objects there were (cells, atomics, locks not held, once flags nobody
  // waits on) is forgotten. Condition variables and futex queues are kept:
  // a waiter may still hold them.
  void forget_memory(std::uintptr_t begin, std::size_t size);

  // The program's static and thread_local storage is put back as it was
  // when the run began: every run starts from the same state, as a fresh
  // process would (replay in another process then means the same run).
  // The program is about to write [address, address + size): if that is
  // such storage, its bytes are kept (once per address and size).
  void remember(const volatile void* address, std::size_t size);
  ~run_state() override;  // restores what remember() kept, newest first

 private:
  struct saved {
    std::uintptr_t address;
    std::string bytes;
  };
  std::vector<saved> undo_;
  std::unordered_set<std::uint64_t> saved_;  // address * 32 + size, for sizes up to 16
  std::unordered_set<std::uint64_t> saved_ranges_;  // address, for larger writes (their first size)
};

// This run's state (created on first use).
run_state& state(executor& ex);

// SIGSEGV, SIGBUS, SIGFPE and SIGILL on a simulated thread end the run as
// outcome::crash, naming the faulting line (signals.cpp); elsewhere the
// signal does what it did before. Installed with the first run.
void catch_crashes();

// Ends the run: the program did something the world cannot model.
[[noreturn]] void unsupported(executor& ex, const std::string& what);

// ---- code addresses (modules.cpp) ----
// Whether `pc` lies in the program's own code: the executable, or a shared
// library outside the system's directories (not libc, not libstdc++).
bool in_program_code(const void* pc) noexcept;
// Where the program made the call whose return address is `pc`: `pc` if
// that is the program's code, else the first frame of the program's above
// it (a call made through libstdc++); `pc` if there is none.
const void* program_site(const void* pc) noexcept;
// Names the program's call site (program_site(pc)) as where the calling
// thread waits, for the length of one operation that may block: deadlock
// reports print it. Made only where the operation is about to wait
// (unwinding costs).
class waiting_site {
 public:
  waiting_site(executor& ex, const void* pc) noexcept : ex_(ex) { ex_.note_site(program_site(pc)); }
  ~waiting_site() { ex_.note_site(nullptr); }
  waiting_site(const waiting_site&) = delete;
  waiting_site& operator=(const waiting_site&) = delete;

 private:
  executor& ex_;
};
// The program's modules' writable segments (.data, .bss): [begin, end).
const std::vector<std::pair<std::uintptr_t, std::uintptr_t>>& program_static_storage();
// Every module's thread_local block on the calling OS thread; `instrumented`
// marks the program's modules (the executable's thread_local variables).
std::vector<tls_block> thread_local_blocks();
// "file:line" of a code address, from the binary's debug info.
std::string symbolize(const void* pc);

// ---- time (posix_time.cpp) ----
// A timespec in nanoseconds.
inline std::int64_t ns_of(const timespec& t) noexcept { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }
// Virtual time, as CLOCK_REALTIME reads it inside a run.
inline constexpr std::int64_t realtime_offset_ns = 1'767'225'600'000'000'000;  // 2026-01-01T00:00:00Z
// A deadline given as an absolute timespec on `clock` (CLOCK_REALTIME or
// CLOCK_MONOTONIC), in virtual time.
std::int64_t virtual_deadline(int clock, std::int64_t absolute_ns) noexcept;

}  // namespace weft::sim::instrument
