#include "sim/core/sync.hpp"

#include <algorithm>
#include <cstdlib>

#include "runtime/sys/assert.hpp"

namespace weft::sim {

void outside_world() {
  WEFT_ASSERT(false,
              "the sim flavour of weft::sys was used outside a simulated world "
              "(run it inside sim::executor / sim::world)");
  std::abort();
}

namespace {
// Who holds a mutex taken by a timed event (the driver, no thread).
constexpr thread_id driver_owner = no_thread - 1;

thread_id caller(const executor& ex) {
  const thread_id t = ex.current_thread();
  return t == no_thread ? driver_owner : t;
}
}  // namespace

// ---- mutex ----

std::uint64_t sim_mutex::id() { return this_world().object_id(meta_.id); }

void sim_mutex::lock() {
  executor& ex = this_world();
  ex.acquire_operation(&meta_, &owner_);
  const thread_id me = caller(ex);
  WEFT_ASSERT(owner_ != me, "sys::mutex locked twice by the same thread (self-deadlock)");
  WEFT_ASSERT(me != driver_owner || owner_ == no_thread,
              "a timed event needed a sys::mutex that a simulated thread holds (events cannot wait)");
  // For partial-order reduction: a failed attempt reads the lock (it races
  // with the holder's lock and unlock, so both orders are tried), the
  // attempt that takes it writes it.
  while (owner_ != no_thread) {
    ex.note_access(&meta_, false);
    waiters_.push_back(me);
    ex.block({"mutex", id()});
  }
  ex.note_access(&meta_, true);
  owner_ = me;
  ex.hb_acquire(meta_);
}

bool sim_mutex::try_lock_until(std::int64_t deadline_ns) {
  executor& ex = this_world();
  ex.acquire_operation(&meta_, &owner_);
  const thread_id me = caller(ex);
  WEFT_ASSERT(owner_ != me, "sys::mutex locked twice by the same thread (self-deadlock)");
  while (owner_ != no_thread) {
    ex.note_access(&meta_, false);
    waiters_.push_back(me);
    if (!ex.block_until({"mutex", id()}, deadline_ns)) {
      std::erase(waiters_, me);
      if (owner_ != no_thread) return false;
    }
  }
  ex.note_access(&meta_, true);
  owner_ = me;
  ex.hb_acquire(meta_);
  return true;
}

bool sim_mutex::try_lock() {
  executor& ex = this_world();
  ex.operation(&meta_, true);
  ex.note_access(&meta_, true);
  if (owner_ != no_thread) return false;
  owner_ = caller(ex);
  ex.hb_acquire(meta_);
  return true;
}

void sim_mutex::unlock() {
  executor& ex = this_world();
  WEFT_ASSERT(owner_ == caller(ex), "sys::mutex unlocked by a thread that does not hold it");
  ex.note_access(&meta_, true);
  ex.hb_release_store(meta_);
  owner_ = no_thread;
  // Every waiter races for the lock again; the schedule decides who wins.
  for (thread_id w : waiters_) ex.unblock(w);
  waiters_.clear();
  ex.operation();
}

// ---- condvar ----

std::uint64_t sim_condvar::id() {
  if (id_ == 0) id_ = this_world().new_object_id();
  return id_;
}

bool sim_condvar::wait_impl(sim_mutex& m, const std::int64_t* deadline_ns) {
  executor& ex = this_world();
  // Entering the wait is an operation of its own: another thread may run
  // between the caller's last check of its condition and this wait (where a
  // notify is lost if the notifier skips the mutex).
  ex.operation(this, true);
  ex.note_access(this, true);
  const thread_id me = ex.current_thread();
  waiters_.push_back(waiter{me, false});
  m.unlock();
  auto mine = [&]() { return std::find_if(waiters_.begin(), waiters_.end(),
                                         [&](const waiter& w) { return w.thread == me; }); };
  bool notified = false;
  for (;;) {
    auto it = mine();
    if (it == waiters_.end() || it->notified) {
      notified = true;
      break;
    }
    if (deadline_ns == nullptr) {
      ex.block({"condvar", id()});
    } else if (!ex.block_until({"condvar", id()}, *deadline_ns)) {
      break;  // timed out
    }
  }
  ex.note_access(this, true);  // woken (or timed out): leaves the waiters
  if (auto it = mine(); it != waiters_.end()) waiters_.erase(it);
  m.lock();
  return notified;
}

void sim_condvar::wait(sim_mutex& m) { wait_impl(m, nullptr); }

bool sim_condvar::wait_for(sim_mutex& m, std::chrono::nanoseconds timeout) {
  const std::int64_t deadline = this_world().global_now_ns() + timeout.count();
  return wait_impl(m, &deadline);
}

sim_condvar::~sim_condvar() { forget_object(this); }

void sim_condvar::notify_one() {
  executor& ex = this_world();
  ex.operation(this, true);
  ex.note_access(this, true);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < waiters_.size(); ++i) {
    if (!waiters_[i].notified) candidates.push_back(i);
  }
  if (candidates.empty()) {
    ex.note_unheard_notify(id());
    return;
  }
  // Which waiter wakes is not specified for a real condvar: let the
  // schedule decide.
  std::vector<thread_id> threads;
  for (std::size_t i : candidates) threads.push_back(waiters_[i].thread);
  const thread_id chosen = ex.pick_among(threads);
  for (std::size_t i : candidates) {
    if (waiters_[i].thread == chosen) {
      waiters_[i].notified = true;
      ex.unblock(chosen);
      return;
    }
  }
}

void sim_condvar::notify_all() {
  executor& ex = this_world();
  ex.operation(this, true);
  ex.note_access(this, true);
  if (waiters_.empty()) ex.note_unheard_notify(id());
  for (waiter& w : waiters_) {
    if (!w.notified) {
      w.notified = true;
      ex.unblock(w.thread);
    }
  }
}

// ---- parker ----

std::uint64_t sim_parker::id() { return this_world().object_id(meta_.id); }

void sim_parker::park() {
  executor& ex = this_world();
  ex.operation(&meta_, true);
  // A park that blocks first and one that finds the token end alike: only
  // taking the token is an access.
  while (!token_) {
    parked_ = ex.current_thread();
    ex.block({"park", id()});
  }
  ex.note_access(&meta_, true);
  parked_ = no_thread;
  token_ = false;
  ex.hb_acquire(meta_);
}

bool sim_parker::park_for(std::chrono::nanoseconds timeout) {
  executor& ex = this_world();
  ex.operation(&meta_, true);
  if (!token_ && timeout.count() > 0) {
    const std::int64_t deadline = ex.global_now_ns() + timeout.count();
    while (!token_) {
      parked_ = ex.current_thread();
      if (!ex.block_until({"park", id()}, deadline)) break;
    }
    parked_ = no_thread;
  }
  ex.note_access(&meta_, true);  // looking for the token, after any wait
  const bool had = token_;
  token_ = false;
  if (had) ex.hb_acquire(meta_);
  return had;
}

void sim_parker::unpark_from_event(executor& ex) noexcept {
  ex.hb_release_join(meta_);
  token_ = true;
  if (parked_ != no_thread) ex.unblock(parked_);
}

void sim_parker::unpark() {
  executor& ex = this_world();
  ex.operation(&meta_, true);
  ex.note_access(&meta_, true);
  ex.hb_release_join(meta_);
  token_ = true;
  if (parked_ != no_thread) ex.unblock(parked_);
}

}  // namespace weft::sim

namespace weft::sim {

std::size_t allocate_thread_local_slot() noexcept {
  // Called once per thread_local_value type, from static initialisation of
  // a function-local static; the simulator runs on one OS thread.
  static std::size_t next = 0;
  WEFT_ASSERT(next < executor::slot_count, "too many sys::thread_local_value variables");
  return next++;
}

}  // namespace weft::sim
