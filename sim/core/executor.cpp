#include "sim/core/executor.hpp"

#include <atomic>

#include <boost/context/fiber.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>
#include <utility>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor_thread.hpp"
#include "sim/core/sanitizers.hpp"

namespace weft::sim {

std::string_view outcome_name(outcome o) noexcept {
  switch (o) {
    case outcome::ok: return "ok";
    case outcome::assertion: return "assertion";
    case outcome::exception: return "exception";
    case outcome::deadlock: return "deadlock";
    case outcome::livelock: return "livelock";
    case outcome::mismatch: return "mismatch";
    case outcome::timeout: return "timeout";
    case outcome::data_race: return "data_race";
    case outcome::lost_wakeup: return "lost_wakeup";
    case outcome::leak: return "leak";
    case outcome::not_linearizable: return "not_linearizable";
    case outcome::unsupported: return "unsupported";
    case outcome::crash: return "crash";
  }
  return "unknown";
}

namespace {

std::uint64_t next_run_serial() noexcept {
  static std::atomic<std::uint64_t> serial{0};
  return serial.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Gives the pool's stacks to Boost.Context and remembers which one, so an
// abandoned thread's stack can be reclaimed without its fiber.
struct recorded_stack {
  stack_pool* pool;
  ctx::stack_context* out;
  ctx::stack_context allocate() {
    *out = pool->take();
    return *out;
  }
  void deallocate(ctx::stack_context& sc) noexcept { pool->give_back(sc); }
};

#if WEFT_SIM_ASAN
// Under AddressSanitizer, what an abandoned thread's frames point to must
// stay reachable, or LeakSanitizer reports it at exit. Keeping the stacks
// themselves (mapped, registered as root regions) ran a process that
// abandoned tens of thousands of threads into the kernel's limit on
// mappings, and LeakSanitizer's exit scan re-read the mapping list once
// per region. Instead the live part of the stack — from a little below the
// frame where the thread switched away (the registers the switch saved)
// to the top — is copied into a heap block that a global list keeps
// reachable, and the stack goes back to the pool.
void keep_frames_reachable(const thread_record& t) {
  if (t.suspended_at == nullptr || t.stack.sp == nullptr) return;  // never ran: nothing on it
  char* const top = static_cast<char*>(t.stack.sp);
  char* const bottom = top - t.stack.size;
  constexpr std::size_t saved_registers = 512;
  char* const at = static_cast<char*>(const_cast<void*>(t.suspended_at));
  WEFT_ASSERT(at > bottom && at < top, "an abandoned thread suspended outside its stack");
  char* const from = static_cast<std::size_t>(at - bottom) > saved_registers ? at - saved_registers : bottom;
  const auto size = static_cast<std::size_t>(top - from);
  __asan_unpoison_memory_region(from, size);  // the frames' red zones
  static auto* const kept = new std::vector<std::unique_ptr<char[]>>();  // reachable until exit
  auto copy = std::make_unique<char[]>(size);
  std::memcpy(copy.get(), from, size);
  kept->push_back(std::move(copy));
}
#endif

[[noreturn]] void sim_assertion(const char* expr, const char* message, const char* file, int line) {
  executor* ex = executor::current();
  char text[512];
  // weft's own files relative to the project, as in race reports.
  constexpr std::string_view root = WEFT_SOURCE_DIR;
  if (std::string_view(file).starts_with(root)) file += root.size();
  std::snprintf(text, sizeof text, "assertion failed: %s (%s) at %s:%d", expr, message, file, line);
  if (ex != nullptr && ex->current_thread() != no_thread) {
    ex->fail(outcome::assertion, text);
  }
  std::fprintf(stderr, "weft: %s\n", text);
  std::abort();
}

}  // namespace

executor::executor(decision_source& source, executor_options options)
    : source_(source),
      options_(options),
      own_stacks_(options.pool == nullptr ? std::make_unique<stack_pool>(options.stack_size) : nullptr),
      stacks_(options.pool != nullptr ? &options.pool->stacks() : own_stacks_.get()),
      pool_(options.pool),
      tracks_hb_(options.detect_races || options.weak_memory),
      run_serial_(next_run_serial()),
      now_ns_(options.epoch_ns),
      driver_(std::make_unique<driver_context>()) {
  driver_clock_.tick(0);
  if (pool_ != nullptr) {
    threads_ = pool_->take_thread_list();
    runnable_scratch_ = pool_->take_scratch();
    if (options_.record_segments) {
      segment_log log = pool_->take_segment_log();
      segments_ = std::move(log.segments);
      accesses_ = std::move(log.accesses);
      join_edges_ = std::move(log.join_edges);
      object_numbers_ = pool_->take_object_numbers();
    }
  }
}

executor::~executor() {
  WEFT_ASSERT(installed_ == 0, "executor destroyed while running");
  finish();
  const scope installed(*this);
  extension_.reset();
  for (auto& t : threads_) {
    if (t->has_fiber) {
      t->fiber().~fiber();  // finished threads only: empty fibers
    }
    if (pool_ != nullptr) {
      t->retire();
      pool_->give_back(std::move(t));
    }
  }
  if (pool_ != nullptr) {
    pool_->give_back(std::move(threads_));
    pool_->give_back(std::move(runnable_scratch_));
    if (options_.record_segments) {
      // The lists a caller did not take (take_segments, ...) go back too.
      pool_->give_back(segment_log{std::move(segments_), std::move(accesses_), std::move(join_edges_)});
      pool_->give_back(std::move(object_numbers_));
    }
  }
}

std::unique_ptr<executor::thread> executor::new_record() {
  if (pool_ != nullptr) {
    if (std::unique_ptr<thread> t = pool_->take_record()) return t;
  }
  return std::make_unique<thread>();
}

thread_id executor::spawn(std::string name, std::function<void()> body) {
  const group_id g = current_ != no_thread ? threads_[current_]->group : 0;
  return spawn_in(g, std::move(name), std::move(body));
}

thread_id executor::spawn_in(group_id g, std::string name, std::function<void()> body) {
  std::unique_ptr<thread> t = new_record();
  t->group = g;
  t->id = static_cast<thread_id>(threads_.size());
  t->name = std::move(name);
  if (t->body != nullptr) {
    *t->body = std::move(body);  // a reused record's allocation
  } else {
    t->body = std::make_unique<std::function<void()>>(std::move(body));
  }
  thread* raw = t.get();
  ::new (raw->fiber_storage) ctx::fiber(
      std::allocator_arg, recorded_stack{stacks_, &raw->stack},
      [this, raw](ctx::fiber&& driver) -> ctx::fiber {
#if WEFT_SIM_ASAN
        __sanitizer_finish_switch_fiber(raw->fake_stack, &driver_->stack_bottom, &driver_->stack_size);
#endif
        driver_->cont = std::move(driver);
        thread_main(*raw);
#if WEFT_SIM_ASAN
        __sanitizer_start_switch_fiber(nullptr, driver_->stack_bottom, driver_->stack_size);
#endif
        return std::move(driver_->cont);
      });
  raw->has_fiber = true;
  if (tracks_hb_) {
    // Everything the spawner did happens before the new thread starts.
    vector_clock& parent = my_clock();
    raw->clock.assign(parent);
    raw->clock.tick(raw->id + 1);
    parent.tick(my_component());
  }
  if (options_.record_segments && current_ != no_thread) {
    raw->spawned_in = static_cast<std::int64_t>(segments_.size()) - 1;
    note_access(&threads_, true);  // thread ids are handed out in spawn order
  }
  threads_.push_back(std::move(t));
  ++live_count_;
  raw->st = thread::state::blocked;  // make_runnable decides: runnable, or paused
  make_runnable(*raw);
  return raw->id;
}

void executor::make_runnable(thread& t) noexcept {
  if (is_paused(t.group)) {
    t.st = thread::state::paused;
  } else {
    t.st = thread::state::runnable;
    ++runnable_count_;
  }
}

const std::string& executor::thread_name(thread_id id) const { return threads_[id]->name; }

bool executor::is_finished(thread_id id) const noexcept {
  return threads_[id]->st == thread::state::finished;
}

void executor::thread_main(thread& t) {
  try {
    (*t.body)();
  } catch (const std::exception& e) {
    fail(outcome::exception, "uncaught exception in thread " + std::to_string(t.id) + " '" + t.name +
                                 "': " + e.what());
  } catch (...) {
    fail(outcome::exception,
         "uncaught non-standard exception in thread " + std::to_string(t.id) + " '" + t.name + "'");
  }
  *t.body = nullptr;  // destroys what the body held; keeps the allocation for a reused record
  t.st = thread::state::finished;
  --runnable_count_;
  --live_count_;
  for (thread_id j : t.joiners) unblock(j);
  t.joiners.clear();
}

void executor::install() noexcept {
  if (installed_++ > 0) return;
  WEFT_ASSERT(this_thread_executor_ == nullptr, "one executor runs per OS thread at a time");
  this_thread_executor_ = this;
  previous_handler_ = sys::set_assertion_handler(&sim_assertion);
  running_ = true;
}

void executor::uninstall() noexcept {
  if (--installed_ > 0) return;
  sys::set_assertion_handler(previous_handler_);
  this_thread_executor_ = nullptr;
  running_ = false;
}

bool executor::step_impl() {
  if (failed_ || live_count_ == 0) return false;
  thread_id next = std::exchange(chosen_, no_thread);
  if (next == no_thread || threads_[next]->st != thread::state::runnable) {
    if (runnable_count_ == 0) {
      if (options_.record_segments) begin_segment(no_thread, false);  // timed events
      if (!advance_clock()) {
        report_deadlock();
        return false;
      }
      return true;
    }
    try {
      next = pick_next(no_thread);
    } catch (const schedule_mismatch& e) {
      fail(outcome::mismatch, mismatch_message(e));
      return false;
    }
  }
  resume(*threads_[next]);
  return !failed_ && live_count_ > 0;
}

bool executor::step() {
  install();
  const bool more = step_impl();
  uninstall();
  return more;
}

run_report executor::run() {
  install();
  while (step_impl()) {
  }
  uninstall();
  return finish();
}

run_report executor::run_until(std::int64_t limit_ns) {
  install();
  for (;;) {
    if (runnable_count_ == 0 && (events_.empty() || events_.top().when_ns > limit_ns) && !over()) {
      if (now_ns_ < limit_ns) {
        if (clock_observer_) clock_observer_(now_ns_, limit_ns);
        now_ns_ = limit_ns;  // nothing to do before the limit: time passes
      }
      break;
    }
    if (!step_impl()) break;
  }
  uninstall();
  return report_;
}

run_report executor::finish() {
  if (!finished_) {
    const scope installed(*this);  // dropping events drops wakers: sys operations
    finished_ = true;
    abandon_all();
    report_.end_time_ns = now_ns_;
    if (options_.detect_leaks && !failed_ && live_count_ == 0) {
      // Pending events may hold the last references (wakers) to tasks.
      while (!events_.empty()) events_.pop();
      if (live_frames_ > 0) {
        report_.result = outcome::leak;
        report_.message = "leak: " + std::to_string(live_frames_) + " coroutine frame" +
                          (live_frames_ == 1 ? " was" : "s were") +
                          " still allocated when every thread had finished (a task or awaited body never freed)";
      }
    }
  }
  return report_;
}

thread_id executor::pick_next(thread_id current) {
  runnable_scratch_.clear();
  // Only threads that spun at the current write epoch wait for progress.
  const bool someone_spun = last_spin_epoch_ == write_epoch_;
  std::size_t waiting_for_progress = 0;
  for (const auto& t : threads_) {
    if (t->st != thread::state::runnable) continue;
    runnable_scratch_.push_back(t->id);
    if (someone_spun) waiting_for_progress += spun_since_last_write(*t) ? 1 : 0;
  }
  WEFT_ASSERT(runnable_scratch_.size() == runnable_count_, "runnable count out of step");
  if (waiting_for_progress > 0 && waiting_for_progress < runnable_scratch_.size()) {
    // Fairness: a thread that yielded or spun sees nothing new until some
    // thread writes, so it waits while another can run (as CHESS does).
    std::erase_if(runnable_scratch_, [&](thread_id id) { return spun_since_last_write(*threads_[id]); });
    if (current != no_thread && spun_since_last_write(*threads_[current])) current = no_thread;
  }
  picked_ = runnable_scratch_.size() > 1;
  if (runnable_scratch_.size() == 1) {
    return runnable_scratch_[0];
  }
  return source_.pick_thread(runnable_scratch_, current);
}

thread_id executor::pick_among(std::span<const thread_id> candidates) {
  if (candidates.size() == 1) return candidates[0];
  note_global();  // what this segment does next depends on the pick
  try {
    return source_.pick_among(candidates);
  } catch (const schedule_mismatch& e) {
    fail(outcome::mismatch, "schedule does not match this program at step " + std::to_string(report_.steps) +
                                " (choice " + std::to_string(e.position()) + ": " + e.detail() + ")");
    return candidates[0];
  }
}

void executor::resume(thread& t) {
  ++report_.switches;
  current_ = t.id;
  clock_ = &t.clock;
  acquired_relaxed_ = &t.acquired_relaxed;
  fence_release_ = &t.fence_release;
  if (options_.record_segments) begin_segment(t.id, std::exchange(picked_, false));
#if WEFT_SIM_ASAN
  __sanitizer_start_switch_fiber(&driver_->fake_stack, static_cast<char*>(t.stack.sp) - t.stack.size,
                                 t.stack.size);
#endif
  t.fiber() = std::move(t.fiber()).resume();
#if WEFT_SIM_ASAN
  __sanitizer_finish_switch_fiber(driver_->fake_stack, nullptr, nullptr);
#endif
  current_ = no_thread;
  clock_ = &driver_clock_;
  acquired_relaxed_ = &driver_acquired_relaxed_;
  fence_release_ = &driver_fence_release_;
}

void executor::switch_to_driver() {
  thread& me = *threads_[current_];
#if WEFT_SIM_ASAN
  me.suspended_at = __builtin_frame_address(0);
  __sanitizer_start_switch_fiber(&me.fake_stack, driver_->stack_bottom, driver_->stack_size);
#endif
  driver_->cont = std::move(driver_->cont).resume();
#if WEFT_SIM_ASAN
  __sanitizer_finish_switch_fiber(me.fake_stack, &driver_->stack_bottom, &driver_->stack_size);
#endif
  (void)me;
}

void executor::livelock() {
  fail(outcome::livelock,
       "livelock: " + std::to_string(options_.max_steps) + " operations without finishing (step bound)");
}

void executor::operation() {
  if (current_ == no_thread) return;  // a timed event: runs to completion, no preemption
  if (options_.preemption == granularity::every_operation) {
    reschedule();
  } else {
    count_step();
  }
}

void executor::reschedule(bool yielding) {
  WEFT_ASSERT(current_ != no_thread, "scheduling point outside a simulated thread");
  count_step();
  if (yielding) mark_spinning(*threads_[current_]);
  if (is_paused(threads_[current_]->group)) {
    // Its own host was paused while it ran: stop here until resumed.
    thread& me = *threads_[current_];
    me.st = thread::state::paused;
    --runnable_count_;
    chosen_ = no_thread;
    switch_to_driver();
    return;
  }
  if (runnable_count_ <= 1) {
    return;  // nobody else can run: no decision to make
  }
  thread_id next = no_thread;
  try {
    if (yielding && runnable_count_ > 1) source_.yielded(current_);
    next = pick_next(yielding ? no_thread : current_);
  } catch (const schedule_mismatch& e) {
    fail(outcome::mismatch, mismatch_message(e));
  }
  if (next == current_) {
    if (options_.record_segments) begin_segment(current_, std::exchange(picked_, false));
    return;
  }
  chosen_ = next;
  switch_to_driver();
}

void executor::block(wait_info why) {
  WEFT_ASSERT(current_ != no_thread,
              "a blocking sys operation in a timed event (events run to completion and cannot wait)");
  if (options_.op_log) log_op(std::string("waits: ") + why.what + (why.object != 0 ? " #" + std::to_string(why.object) : ""));
  thread& me = *threads_[current_];
  me.st = thread::state::blocked;
  me.waiting = why;
  me.timed_out = false;
  ++me.block_epoch;
  --runnable_count_;
  count_step();
  chosen_ = no_thread;  // the driver decides, advancing time if nobody can run
  switch_to_driver();
  WEFT_ASSERT(me.st == thread::state::runnable, "resumed a thread that is not runnable");
}


bool executor::block_until(wait_info why, std::int64_t deadline_ns) {
  thread& me = *threads_[current_];
  const thread_id id = me.id;
  const std::uint64_t epoch = me.block_epoch + 1;  // the episode block() is about to start
  at(deadline_ns, [this, id, epoch] {
    thread& t = *threads_[id];
    if (t.st == thread::state::blocked && t.block_epoch == epoch) {
      t.timed_out = true;
      unblock(id);
    }
  });
  block(why);
  return !me.timed_out;
}

void executor::unblock(thread_id id) noexcept {
  thread& t = *threads_[id];
  if (t.st != thread::state::blocked) {
    return;
  }
  make_runnable(t);
}

void executor::join(thread_id id) {
  WEFT_ASSERT(id != current_, "a thread cannot join itself");
  // A join that waits first and one that finds the thread finished end
  // alike: only the successful check is an access (partial-order reduction).
  while (!is_finished(id)) {
    threads_[id]->joiners.push_back(current_);
    block({"join", id});
  }
  note_join(id);
  // Everything the joined thread did happens before join returns.
  if (tracks_hb_) my_clock().join(threads_[id]->clock);
}

void executor::at(std::int64_t when_ns, std::function<void()> fn) {
  note_access(&events_, true);  // events at one time run in the order they were added
  event e{when_ns < now_ns_ ? now_ns_ : when_ns, event_seq_++, std::move(fn), {}};
  if (tracks_hb_ && current_ != no_thread) {
    e.scheduled_by.assign(threads_[current_]->clock);
    threads_[current_]->clock.tick(current_ + 1);
  }
  events_.push(std::move(e));
}

bool executor::advance_clock() {
  if (events_.empty()) {
    return false;
  }
  if (events_.top().when_ns > now_ns_ && clock_observer_) {
    clock_observer_(now_ns_, events_.top().when_ns);
  }
  now_ns_ = std::max(now_ns_, events_.top().when_ns);
  while (!events_.empty() && events_.top().when_ns <= now_ns_) {
    // Move the event out before running it: it may add events.
    event& top = const_cast<event&>(events_.top());
    std::function<void()> fn = std::move(top.fn);
    if (tracks_hb_ && !top.scheduled_by.empty()) driver_clock_.join(top.scheduled_by);
    events_.pop();
    fn();
  }
  return true;
}

std::uint64_t executor::choose(std::uint64_t options, choice_kind kind) {
  if (options < 2) {
    return 0;
  }
  // What this segment does next depends on the value: it depends on
  // everything, except after a memory choice, which depends only on the
  // location's stores (the segment's own access to it) and on the thread's
  // clock (what it acquired, its own accesses too).
  if (kind != choice_kind::memory) note_global();
  try {
    return source_.choose(options, kind);
  } catch (const schedule_mismatch& e) {
    fail(outcome::mismatch, mismatch_message(e));
    return 0;
  }
}

std::uintptr_t& executor::slot(std::size_t index) noexcept {
  WEFT_ASSERT(index < slot_count, "too many sys::thread_local_value variables");
  return current_ == no_thread ? driver_slots_[index] : threads_[current_]->slots[index];
}

void executor::fail(outcome kind, std::string message) {
  if (!failed_) {
    failed_ = true;
    report_.result = kind;
    report_.message = std::move(message);
  }
  if (current_ == no_thread) {
    return;
  }
  thread& me = *threads_[current_];
  if (me.st == thread::state::runnable) --runnable_count_;
  me.st = thread::state::abandoned;
  switch_to_driver();
  // The driver never resumes an abandoned thread.
  std::fprintf(stderr, "weft: internal error: abandoned simulated thread resumed\n");
  std::abort();
}

void executor::abandon_all() noexcept {
  for (auto& t : threads_) {
    if (!t->has_fiber || t->st == thread::state::finished) {
      continue;
    }
    // Never resumed again, never unwound: its stack (and anything only it
    // referenced) is given up as is.
    t->has_fiber = false;
    t->st = thread::state::abandoned;
    // Its body may own objects the abandoned frames still use: leave it be.
    [[maybe_unused]] std::function<void()>* body = t->body.release();
#if WEFT_SIM_ASAN
    if (body != nullptr) __lsan_ignore_object(body);
    keep_frames_reachable(*t);
#endif
    if (t->stack.sp != nullptr) stacks_->give_back(t->stack);
  }
  runnable_count_ = 0;
  live_count_ = 0;
  while (!events_.empty()) events_.pop();
}

}  // namespace weft::sim
