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
// Fairness: a thread that yields (sys::yield_thread, a spin hint) is not
// offered to the decision source again until some thread writes
// something, unless no other thread can run. So spin loops do not burn
// schedules or steps, and a search never alternates two spinners forever
// (CHESS's fair scheduling makes the same assumption). A thread that reads
// again what it read last with nothing written since also spins; the
// decision source is told (decision_source::spinning), and the priority
// strategies let others run, but it stays a choice: re-reads are common
// outside spin loops, and exhaustive searches must keep them.
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
#include <map>
#include <memory>
#include <queue>
#include <unordered_map>
#include <string>
#include <vector>

#include <optional>
#include <span>

#include "sim/core/decision.hpp"
#include "sim/core/memory.hpp"
#include "sim/core/race.hpp"
#include "sim/core/run_pool.hpp"
#include "sim/core/segment.hpp"
#include "sim/core/stack_pool.hpp"

namespace weft::sim {

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
  // Check sys::cell accesses for data races (vector clocks; see race.hpp).
  bool detect_races = true;
  // Report coroutine frames of the runtime still allocated when a run ends
  // with every thread finished as outcome::leak. Only for programs that
  // create and drop their runtimes inside the run (the explorer's bodies);
  // a sim::world tears its hosts down after the run.
  bool detect_leaks = false;
  // Deliberate defects of the runtime switched on for this run: a set of
  // sys::defect_bit() values (runtime/sys/defect.hpp). Only the bug
  // catalogue sets it.
  std::uint32_t defects = 0;
  // Stacks and thread records from a pool that outlives this executor
  // (many runs in a row; see run_pool.hpp); null: the executor keeps its own.
  run_pool* pool = nullptr;
  // If set, called with a one-line description of each synchronisation and
  // cell operation the running thread performs ("acquire s2", "release s2",
  // "write cell #1 at props/x.cpp:40", "waits: condvar #3", ...), for the
  // interleaving pictures. Costs nothing when unset.
  // Called with the thread performing the operation and the description.
  std::function<void(std::uint32_t thread, std::string)> op_log;
  // Record the run as segments with the objects each touched (see
  // `segment` below), for partial-order reduction. Off: costs nothing.
  bool record_segments = false;
  // sys::atomic follows the C++ memory model instead of sequential
  // consistency: loads may read older stores (sim/core/memory.hpp).
  bool weak_memory = false;
  // Weak memory: stores remembered per location (older ones can no longer be read).
  std::size_t store_history = 8;
  // Weak memory: called with each load, store, RMW and fence, for pictures.
  std::function<void(const memory_event&)> memory_observer;
};

// ---- what a run did, for partial-order reduction (props/dpor.hpp) ----
//
// A segment is what one thread (or the driver, running timed events) did
// between two points where control could change hands: it begins when a
// thread is resumed, or goes on after a scheduling point at which the
// decision source picked among two or more threads. Its accesses are the
// shared objects it touched — atomics, mutexes, condvars, parkers, cells —
// each as a read or a write; a join is an edge from the joined thread's
// last segment instead (it can only come after it). Two segments of different
// threads are *dependent* when they touch one object and one of them
// writes it; swapping two adjacent independent segments cannot change
// what either does. A segment is *global* (dependent on every other) when
// it is the driver's, or when it made a data choice or took an operation
// whose object the executor cannot name: nothing is assumed independent
// that might not be.
//
// Objects are numbered 1, 2, ... in the order a run first touches them,
// so two runs that agree up to some point number every object touched
// before it alike; an object's number is dropped when it is destroyed (a
// new object at the same address is a new object).
// (object_access, segment and the numbering table: sim/core/segment.hpp.)

enum class outcome : std::uint8_t {
  ok,
  assertion,         // a WEFT_ASSERT failed
  exception,         // an exception escaped a thread
  deadlock,          // every thread blocked, nothing pending
  livelock,          // the step bound
  mismatch,          // a replayed schedule does not fit the program
  timeout,           // virtual time limit
  data_race,         // two sys::cell accesses not ordered by happens-before
  lost_wakeup,       // a deadlock in which a wakeup went missing
  leak,              // something still allocated when the run ended
  not_linearizable,  // a recorded history has no valid sequential order
  unsupported,       // the program did what the simulated world cannot model (sim/instrument)
  crash,             // a simulated thread crashed: SIGSEGV, SIGBUS, SIGFPE, SIGILL (sim/instrument)
};
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

// A group of threads: the world makes one per simulated host (group 0 is
// the world's own threads). Groups can be paused, and each can read the
// clock with its own skew and drift.
using group_id = std::uint32_t;

// What a blocked thread waits for (for deadlock reports).
struct wait_info {
  const char* what = "";      // "mutex", "condvar", "park", "join", ...
  std::uint64_t object = 0;   // the object's id, 0 if none
};

// Names a code address as "file:line" (a symbolizer installed by the
// layer whose code reports addresses: sim/instrument). Used only when a
// report is written.
using site_symbolizer = std::string (*)(const void* pc);

class executor {
 public:
  explicit executor(decision_source& source, executor_options options = {});
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  ~executor();

  // Adds a thread, in `group` (default: the spawning thread's group, or 0).
  // Callable before run(), from simulated threads and from timed events.
  thread_id spawn(std::string name, std::function<void()> body);
  thread_id spawn_in(group_id group, std::string name, std::function<void()> body);
  // Runs until every thread finished or the first failure.
  run_report run();
  // Runs one step: a slice of one thread until its next scheduling point,
  // or one jump of the clock. Returns false once the run is over.
  bool step();
  // As run(), but also stops (ok) once virtual time would pass `limit_ns`.
  run_report run_until(std::int64_t limit_ns);
  // Ends the run: abandons live threads and returns the report.
  run_report finish();
  bool over() const noexcept { return failed_ || live_count_ == 0; }
  // Scheduling points passed so far in this run.
  std::uint64_t steps() const noexcept { return report_.steps; }

  // Makes this the current executor for a scope, so code run outside
  // run()/step() — tearing down what the world owns, whose destructors drop
  // wakers and so touch the sim flavour of runtime/sys — finds it.
  class scope {
   public:
    explicit scope(executor& ex) noexcept : ex_(ex) { ex_.install(); }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;
    ~scope() { ex_.uninstall(); }

   private:
    executor& ex_;
  };

  // ---- groups ----
  group_id group_of(thread_id id) const noexcept;
  // Threads of a paused group do not run (time still passes).
  void pause_group(group_id g);
  void resume_group(group_id g);
  bool is_paused(group_id g) const noexcept { return g < groups_.size() && groups_[g].paused; }
  // The group's clock reads global + skew + drift (parts per million of the
  // time since the epoch).
  void set_group_clock(group_id g, std::int64_t skew_ns, std::int64_t drift_ppm);
  // Every live thread of the group.
  std::vector<thread_id> threads_of(group_id g) const;

  // The executor running on this OS thread, or null outside run().
  static executor* current() noexcept { return this_thread_executor_; }

  // ---- for the sim flavour of runtime/sys ----
  // From a simulated thread, operations are scheduling points and may
  // block. From a timed event (the driver: current_thread() == no_thread)
  // they run to completion: atomics, a free mutex, unparks and wakes work;
  // anything that would have to wait fails with an assertion.

  thread_id current_thread() const noexcept { return current_; }
  // Threads spawned in this run so far.
  std::size_t thread_count() const noexcept { return threads_.size(); }
  const std::string& thread_name(thread_id id) const;
  bool is_finished(thread_id id) const noexcept;

  // An ordinary operation: a scheduling point if the granularity says so,
  // and a step towards the livelock bound either way.
  void operation();
  // The same, for an operation on `object` (a read or a write): while the
  // thread waits at this scheduling point, that is its pending access
  // (record_segments only), which strategies such as pos look at. A read
  // of the object this thread read last, with nothing written anywhere
  // since, is a spin without progress: the decision source is told
  // (decision_source::spinning) before it picks.
  void operation(const void* object, bool write);
  // The same for an acquisition of a resource with an owner (a mutex):
  // while `*holder` names another thread, the pending operation cannot
  // complete, and a strategy may treat the thread as disabled
  // (pending_blocked), as partial-order sampling and most systematic
  // testers do. Picking such a thread stays legal: it blocks.
  void acquire_operation(const void* object, const thread_id* holder);
  // A thread's pending access, if it waits at the scheduling point of an
  // operation that named one.
  std::optional<object_access> pending_access(thread_id id) const noexcept;
  // Whether that pending access is an acquisition another thread holds.
  bool pending_blocked(thread_id id) const noexcept;
  // A scheduling point at any granularity (spinning, explicit yields).
  void yield_now() {
    if (current_ != no_thread) reschedule(true);
  }
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

  // Virtual time as the current thread's group sees it (skew and drift).
  std::int64_t now_ns() const noexcept;
  // Virtual time itself (what deadlines and events are in).
  std::int64_t global_now_ns() const noexcept { return now_ns_; }
  // Runs `fn` in the driver when virtual time reaches `when_ns` (events at
  // the same time run in the order they were added).
  void at(std::int64_t when_ns, std::function<void()> fn);

  std::uint64_t choose(std::uint64_t options, choice_kind kind);
  // A thread among `candidates` (e.g. which condvar waiter a notify_one
  // wakes), asked of the decision source as a thread choice.
  thread_id pick_among(std::span<const thread_id> candidates);
  // Called (in the driver) each time every thread was blocked and virtual
  // time jumped forward: (from, to).
  void set_clock_observer(std::function<void(std::int64_t, std::int64_t)> fn) {
    clock_observer_ = std::move(fn);
  }
  std::uint64_t new_object_id() noexcept { return ++last_object_id_; }
  std::uint64_t object_id(std::uint64_t& id) noexcept {
    if (id == 0) id = new_object_id();
    return id;
  }

  // ---- happens-before and the race detector (see race.hpp) ----
  bool detecting_races() const noexcept { return options_.detect_races; }
  // (Inline: every atomic operation passes here.)
  // The caller acquires what `m` released (acquire load, mutex lock, park).
  void hb_acquire(sync_meta& m) {
    if (options_.op_log) [[unlikely]] log_sync("acquire", &m);
    if (!tracks_hb_ || m.clock.empty()) return;
    my_clock().join(m.clock);
  }
  // A release store: `m` now carries only the caller's clock.
  void hb_release_store(sync_meta& m) { hb_release(m, true); }
  // A release RMW, unlock or unpark: `m` joins the caller's clock.
  void hb_release_join(sync_meta& m) { hb_release(m, false); }
  // A relaxed store: the release sequence ends.
  void hb_relaxed_store(sync_meta& m) {
    if (!tracks_hb_) return;
    if (fence_release().empty()) {
      m.clock.clear();
    } else {
      m.clock.assign(fence_release());  // a release fence came before: an acquire reading this synchronises with it
    }
  }
  // A sys::cell access; a race ends the run with outcome::data_race.
  void cell_read(cell_meta& c, const source_site& where);
  void cell_write(cell_meta& c, const source_site& where);

  // ---- weak memory (executor_options::weak_memory; sim/core/memory.hpp) ----
  bool weak_memory() const noexcept { return options_.weak_memory; }
  // Makes `loc` this run's, with `bits` as its value so far, if it is not.
  void memory_begin(memory_location& loc, std::uint64_t bits);
  // Which store of `loc` the calling thread's load reads (an index into
  // loc.stores; the newest unless the model allows older ones and the
  // decision source picks one). `unless_equal`: leave out older stores
  // holding this value (a compare-exchange that would succeed on them).
  std::size_t memory_pick_read(memory_location& loc, const std::uint64_t* unless_equal = nullptr);
  // The effects of reading loc.stores[index] with `order` (synchronisation, coherence).
  void memory_read(memory_location& loc, std::size_t index, std::memory_order order);
  // A store of `bits`: placed in modification order (a choice where the
  // model allows more than the end).
  void memory_write(memory_location& loc, std::uint64_t bits, std::memory_order order);
  // A read-modify-write: reads the newest store, stores `bits` right after it.
  void memory_rmw(memory_location& loc, std::uint64_t bits, std::memory_order order);
  // std::atomic_thread_fence(order), from sys::atomic_thread_fence: under
  // weak memory a seq_cst fence is a scheduling point; under sequential
  // consistency a fence only orders the race detector's happens-before.
  void memory_fence(std::memory_order order);
  // A relaxed load under sequential consistency: what it read was released
  // by `m`, for the calling thread's next acquire fence.
  void hb_relaxed_load(const sync_meta& m) {
    if (options_.detect_races && !m.clock.empty()) [[unlikely]] acquired_relaxed().join(m.clock);
  }

  // ---- segments (executor_options::record_segments) ----
  bool recording_segments() const noexcept { return options_.record_segments; }
  // The running segment touched `object` (any address that names it).
  void note_access(const void* object, bool write) {
    if (write) ++write_epoch_;
    if (options_.record_segments) note_access_impl(object, write);
  }
  // The running segment depends on everything (a data choice, an unnamed object).
  void note_global() noexcept {
    if (options_.record_segments && !segments_.empty()) segments_.back().global = true;
  }
  // `object` is being destroyed: its number is not reused for what comes next at its address.
  void forget_object(const void* object) noexcept;
  const std::vector<segment>& segments() const noexcept { return segments_; }
  const std::vector<object_access>& accesses() const noexcept { return accesses_; }
  std::vector<segment> take_segments() noexcept { return std::move(segments_); }
  std::vector<object_access> take_accesses() noexcept { return std::move(accesses_); }
  // (a joined thread's last segment, the joining segment), in run order:
  // happens-before edges, not dependences (a join cannot come first).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> take_join_edges() noexcept { return std::move(join_edges_); }
  // Objects numbered so far: numbers up to this name the same objects in
  // every run that agrees with this one so far.
  std::uint32_t objects_numbered() const noexcept { return objects_numbered_; }

  // ---- lost wakeups ----
  // A condvar (object id) was notified while nobody waited on it. If a
  // thread later waits on it in a deadlock, that is reported as a lost
  // wakeup.
  void note_unheard_notify(std::uint64_t object);
  // Probes asked, at a deadlock, whether it is a lost wakeup; a probe
  // answers with a one-line explanation (e.g. "all workers parked while 2
  // tasks are queued") or nullopt. Returns a handle for remove_probe.
  using probe = std::function<std::optional<std::string>()>;
  std::size_t add_probe(probe p);
  void remove_probe(std::size_t handle) noexcept;
  std::uintptr_t& slot(std::size_t index) noexcept;
  // The runtime's coroutine frames allocated (+1) and freed (-1); see
  // executor_options::detect_leaks.
  void note_frames(int delta) noexcept { live_frames_ += delta; }
  const executor_options& options() const noexcept { return options_; }
  std::uint32_t defects() const noexcept { return options_.defects; }

  // Ends the run with a failure; called from a simulated thread it never
  // returns (the thread is abandoned), from the driver it records only.
  void fail(outcome kind, std::string message);
  // Ends the run as exit() ends a process: every thread stops where it is,
  // and the run is clean unless it failed already. From a simulated thread
  // it never returns.
  void end_program() { fail(outcome::ok, ""); }
  // For op_log: names synchronisation objects s1, s2, ... in order of first use.
  void log_sync(const char* what, const void* object);
  void log_op(std::string text) {
    if (options_.op_log && current_ != no_thread) options_.op_log(current_, std::move(text));
  }

  static constexpr std::size_t slot_count = 16;

  // ---- for a layer above that keeps state per run (sim/instrument) ----
  // Destroyed with the executor, while it is installed (its sync objects
  // forget their numbers there).
  struct extension {
    virtual ~extension() = default;
  };
  extension* ext() const noexcept { return extension_.get(); }
  void set_extension(std::unique_ptr<extension> e) noexcept { extension_ = std::move(e); }
  // The code address of the calling thread's current operation (its call
  // site in the program), named in deadlock reports; null: none.
  void note_site(const void* pc) noexcept;
  // The calling simulated thread's stack: [lowest address, one past the highest).
  std::pair<const void*, const void*> current_stack() const noexcept;
  // How reports name code addresses (cell accesses and sites with a pc).
  static void set_symbolizer(site_symbolizer fn) noexcept { symbolizer_ = fn; }
  static std::string describe_pc(const void* pc);

 private:
  // The two releases above: `m` takes (replace) or joins the caller's
  // clock, and the caller moves on to a new epoch.
  void hb_release(sync_meta& m, bool replace) {
    if (options_.op_log) [[unlikely]] log_sync("release", &m);
    if (!tracks_hb_) return;
    vector_clock& mine = my_clock();
    if (replace) {
      m.clock.assign(mine);
    } else {
      m.clock.join(mine);
    }
    mine.tick(my_component());
  }

  using thread = thread_record;
  struct event {
    std::int64_t when_ns;
    std::uint64_t seq;
    std::function<void()> fn;
    vector_clock scheduled_by;  // happens-before into the driver (race detection only)
  };
  struct event_later {
    bool operator()(const event& a, const event& b) const noexcept {
      return a.when_ns != b.when_ns ? a.when_ns > b.when_ns : a.seq > b.seq;
    }
  };

  void reschedule(bool yielding = false);
  void begin_segment(thread_id who, bool decided);
  void note_access_impl(const void* object, bool write);
  void note_join(thread_id joined);
  std::uint32_t number_of(const void* object);
  void mark_spinning(thread& t) noexcept;
  bool spun_since_last_write(const thread& t) const noexcept;
  void count_step() {
    if (++report_.steps > options_.max_steps) [[unlikely]] livelock();
  }
  void livelock();
  vector_clock& my_clock() noexcept { return *clock_; }
  // The running thread's (or the driver's): release clocks of stores it read
  // relaxed, for its next acquire fence; its clock at its last release fence
  // (empty: none), which its relaxed stores carry.
  vector_clock& acquired_relaxed() noexcept { return *acquired_relaxed_; }
  vector_clock& fence_release() noexcept { return *fence_release_; }
  std::uint32_t my_epoch() const noexcept { return clock_->get(my_component()); }
  std::size_t memory_floor(const memory_location& loc) const;
  bool reads_newest() const noexcept;
  void sc_enter();
  void sc_leave();
  void add_store(memory_location& loc, std::size_t after, store_record&& s);
  void note_seen(store_record& s);
  void read_store(store_record& s, std::memory_order order);
  void observe(memory_event::kind what, const memory_location* loc, std::uint64_t value, std::uint64_t read_from,
               std::uint64_t mo_after, std::memory_order order);
  std::uint32_t my_component() const noexcept { return current_ == no_thread ? 0 : current_ + 1; }
  std::string describe_component(std::uint32_t component) const;
  std::string mismatch_message(const schedule_mismatch& e) const;
  std::string race_message(const cell_meta& c, const cell_access& earlier, bool earlier_is_write,
                           const cell_access& now, bool now_is_write) const;
  bool step_impl();
  void install() noexcept;
  void uninstall() noexcept;
  void make_runnable(thread& t) noexcept;
  void switch_to_driver();
  void resume(thread& t);
  void thread_main(thread& t);
  thread_id pick_next(thread_id current);
  bool advance_clock();
  void report_deadlock();
  void abandon_all() noexcept;
  std::unique_ptr<thread> new_record();

  static inline thread_local executor* this_thread_executor_ = nullptr;  // see current()
  decision_source& source_;
  executor_options options_;
  std::unique_ptr<stack_pool> own_stacks_;
  stack_pool* stacks_;
  run_pool* pool_;
  vector_clock driver_clock_;
  bool tracks_hb_;  // happens-before clocks kept: race detection or weak memory
  vector_clock sc_clock_;  // weak memory: the seq_cst order's clock
  vector_clock driver_acquired_relaxed_, driver_fence_release_;
  vector_clock* acquired_relaxed_ = &driver_acquired_relaxed_;
  vector_clock* fence_release_ = &driver_fence_release_;
  std::uint64_t run_serial_;  // tells this run's memory_locations from older ones
  std::uint64_t memory_events_ = 0;
  std::vector<std::size_t> memory_scratch_;
  vector_clock* clock_ = &driver_clock_;  // the running thread's, or the driver's
  std::map<std::uint64_t, std::uint64_t> unheard_notifies_;  // condvar id -> step
  std::map<const void*, std::uint64_t> sync_names_;         // op_log only
  std::vector<std::optional<probe>> probes_;
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
  std::int64_t live_frames_ = 0;
  std::array<std::uintptr_t, slot_count> driver_slots_{};
  run_report report_;
  bool running_ = false;
  bool failed_ = false;
  bool finished_ = false;
  int installed_ = 0;  // install() nesting
  void (*previous_handler_)(const char*, const char*, const char*, int) = nullptr;
  struct group_state {
    bool paused = false;
    std::int64_t skew_ns = 0;
    std::int64_t drift_ppm = 0;
  };
  std::vector<group_state> groups_;
  std::function<void(std::int64_t, std::int64_t)> clock_observer_;
  group_state& group(group_id g);

  struct driver_context;
  std::unique_ptr<driver_context> driver_;
  std::unique_ptr<extension> extension_;
  static inline site_symbolizer symbolizer_ = nullptr;

  std::vector<segment> segments_;
  std::vector<object_access> accesses_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> join_edges_;
  object_numbers object_numbers_;
  const void* last_numbered_ = nullptr;  // number_of's last answer
  std::uint32_t last_number_ = 0;
  std::uint32_t objects_numbered_ = 0;
  bool picked_ = false;  // the last pick chose among two or more threads
  std::uint64_t write_epoch_ = 0;  // writes noted so far (spin detection)
  std::uint64_t last_spin_epoch_ = ~std::uint64_t{0};  // the write epoch of the latest spin, if any
};

}  // namespace weft::sim
