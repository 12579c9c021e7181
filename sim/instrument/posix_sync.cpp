// sim/instrument: locks, condition variables and once-initialisation.
// Inside a run each pthread object is a modelled one of this run, keyed by
// its address (sim::sim_mutex, sim::sim_condvar, the rwlock and once states
// of instrument.hpp); the pthread object's own memory is not touched, so
// the same object works for real again once the run is over.
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <mutex>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {
namespace {


// glibc keeps a mutex's type in its public layout (PTHREAD_MUTEX_RECURSIVE_NP
// and ERRORCHECK_NP in the low bits of __kind).
int kind_of(const pthread_mutex_t* m) noexcept { return m->__data.__kind & 3; }

lock_state& lock_of(executor& ex, pthread_mutex_t* m) { return state(ex).at(state(ex).locks, m); }

// Lock `m`, blocking until `deadline` (virtual ns) if one is given.
int lock_mutex(executor& ex, pthread_mutex_t* m, const std::int64_t* deadline, const void* pc) {
  lock_state& l = lock_of(ex, m);
  const thread_id me = ex.current_thread();
  if (l.owner == me) {
    if (kind_of(m) == PTHREAD_MUTEX_RECURSIVE_NP) {
      ++l.depth;
      return 0;
    }
    if (kind_of(m) == PTHREAD_MUTEX_ERRORCHECK_NP) return EDEADLK;
  }
  const waiting_site site(ex, pc);
  if (deadline == nullptr) {
    l.mutex.lock();
  } else if (!l.mutex.try_lock_until(*deadline)) {
    return ETIMEDOUT;
  }
  l.owner = me;
  l.depth = 1;
  return 0;
}

}  // namespace
}  // namespace weft::sim::instrument

namespace wi = weft::sim::instrument;
using weft::sim::executor;
using weft::sim::thread_id;

// ---- mutexes ----

extern "C" int pthread_mutex_lock(pthread_mutex_t* m) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_mutex_lock)(m);
  return wi::lock_mutex(*ex, m, nullptr, __builtin_return_address(0));
}

extern "C" int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* at) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_mutex_timedlock)(m, at);
  const std::int64_t deadline = wi::virtual_deadline(CLOCK_REALTIME, wi::ns_of(*at));
  return wi::lock_mutex(*ex, m, &deadline, __builtin_return_address(0));
}

extern "C" int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* at) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_mutex_clocklock)(m, clock, at);
  const std::int64_t deadline = wi::virtual_deadline(clock, wi::ns_of(*at));
  return wi::lock_mutex(*ex, m, &deadline, __builtin_return_address(0));
}

extern "C" int pthread_mutex_trylock(pthread_mutex_t* m) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_mutex_trylock)(m);
  wi::lock_state& l = wi::lock_of(*ex, m);
  if (l.owner == ex->current_thread() && wi::kind_of(m) == PTHREAD_MUTEX_RECURSIVE_NP) {
    ++l.depth;
    return 0;
  }
  if (!l.mutex.try_lock()) return EBUSY;
  l.owner = ex->current_thread();
  l.depth = 1;
  return 0;
}

extern "C" int pthread_mutex_unlock(pthread_mutex_t* m) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_mutex_unlock)(m);
  wi::lock_state& l = wi::lock_of(*ex, m);
  if (l.owner != ex->current_thread()) {
    if (wi::kind_of(m) != 0) return EPERM;
    ex->fail(weft::sim::outcome::assertion, "a std::mutex was unlocked by a thread that does not hold it (at " +
                                                 wi::symbolize(wi::program_site(__builtin_return_address(0))) + ")");
  }
  if (--l.depth > 0) return 0;
  l.owner = weft::sim::no_thread;
  l.mutex.unlock();
  return 0;
}

// ---- reader-writer locks (std::shared_mutex) ----

namespace weft::sim::instrument {
namespace {

// Takes the lock for writing (`write`) or reading once it is free enough.
int rw_lock(executor& ex, pthread_rwlock_t* rw, bool write, bool try_only, const void* pc) {
  rwlock_state& l = state(ex).at(state(ex).rwlocks, rw);
  ex.operation(&l, true);
  const thread_id me = ex.current_thread();
  if (l.writer == me) return EDEADLK;
  for (;;) {
    const bool free = write ? (l.writer == no_thread && l.readers == 0) : l.writer == no_thread;
    if (free) break;
    if (try_only) return EBUSY;
    const waiting_site site(ex, pc);
    ex.note_access(&l, false);
    l.waiters.push_back(me);
    ex.block({"shared_mutex", ex.object_id(l.id)});
  }
  ex.note_access(&l, true);
  if (write) {
    l.writer = me;
    ex.hb_acquire(l.read_release);
  } else {
    ++l.readers;
  }
  ex.hb_acquire(l.write_release);
  return 0;
}

int rw_unlock(executor& ex, pthread_rwlock_t* rw) {
  rwlock_state& l = state(ex).at(state(ex).rwlocks, rw);
  ex.note_access(&l, true);
  if (l.writer == ex.current_thread()) {
    l.writer = no_thread;
    ex.hb_release_store(l.write_release);
  } else if (l.readers > 0) {
    --l.readers;
    ex.hb_release_join(l.read_release);
  } else {
    return EPERM;
  }
  for (thread_id w : l.waiters) ex.unblock(w);
  l.waiters.clear();
  ex.operation();
  return 0;
}

}  // namespace
}  // namespace weft::sim::instrument

extern "C" int pthread_rwlock_wrlock(pthread_rwlock_t* rw) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_rwlock_wrlock)(rw);
  return wi::rw_lock(*ex, rw, true, false, __builtin_return_address(0));
}
extern "C" int pthread_rwlock_trywrlock(pthread_rwlock_t* rw) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_rwlock_trywrlock)(rw);
  return wi::rw_lock(*ex, rw, true, true, __builtin_return_address(0));
}
extern "C" int pthread_rwlock_rdlock(pthread_rwlock_t* rw) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_rwlock_rdlock)(rw);
  return wi::rw_lock(*ex, rw, false, false, __builtin_return_address(0));
}
extern "C" int pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_rwlock_tryrdlock)(rw);
  return wi::rw_lock(*ex, rw, false, true, __builtin_return_address(0));
}
extern "C" int pthread_rwlock_unlock(pthread_rwlock_t* rw) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_rwlock_unlock)(rw);
  return wi::rw_unlock(*ex, rw);
}

// ---- condition variables ----

namespace weft::sim::instrument {
namespace {

// Waits on `c` with `m` held (released while waiting); false on timeout.
bool cond_wait(executor& ex, pthread_cond_t* c, pthread_mutex_t* m, const std::int64_t* deadline, const void* pc) {
  const waiting_site site(ex, pc);
  lock_state& l = lock_of(ex, m);
  sim_condvar& cv = state(ex).at(state(ex).condvars, c);
  const std::uint32_t depth = l.depth;
  l.owner = no_thread;
  l.depth = 0;
  bool notified = true;
  if (deadline == nullptr) {
    cv.wait(l.mutex);
  } else {
    notified = cv.wait_for(l.mutex, std::chrono::nanoseconds(std::max<std::int64_t>(0, *deadline - ex.now_ns())));
  }
  l.owner = ex.current_thread();
  l.depth = depth;
  return notified;
}

}  // namespace
}  // namespace weft::sim::instrument

extern "C" int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_cond_wait)(c, m);
  wi::cond_wait(*ex, c, m, nullptr, __builtin_return_address(0));
  return 0;
}

extern "C" int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* at) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_cond_timedwait)(c, m, at);
  const std::int64_t deadline = wi::virtual_deadline(CLOCK_REALTIME, wi::ns_of(*at));
  return wi::cond_wait(*ex, c, m, &deadline, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

extern "C" int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_cond_clockwait)(c, m, clock, at);
  const std::int64_t deadline = wi::virtual_deadline(clock, wi::ns_of(*at));
  return wi::cond_wait(*ex, c, m, &deadline, __builtin_return_address(0)) ? 0 : ETIMEDOUT;
}

extern "C" int pthread_cond_signal(pthread_cond_t* c) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_cond_signal)(c);
  wi::state(*ex).at(wi::state(*ex).condvars, c).notify_one();
  return 0;
}

extern "C" int pthread_cond_broadcast(pthread_cond_t* c) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_cond_broadcast)(c);
  wi::state(*ex).at(wi::state(*ex).condvars, c).notify_all();
  return 0;
}

// ---- once: std::call_once (pthread_once) and function-local statics ----

namespace weft::sim::instrument {
namespace {

// Claims `o` for the caller (true: run the initialiser), or waits for
// whoever runs it and returns false once it is done. `pc`: the caller's
// return address, named if it has to wait.
bool once_enter(executor& ex, once_state& o, const void* pc) {
  ex.operation(&o, true);
  for (;;) {
    ex.note_access(&o, true);
    if (o.at == once_state::phase::done) {
      ex.hb_acquire(o.meta);
      return false;
    }
    if (o.at == once_state::phase::not_run) {
      o.at = once_state::phase::running;
      o.runner = ex.current_thread();
      return true;
    }
    if (o.runner == ex.current_thread()) {
      unsupported(ex, "a once-initialisation re-entered itself on the same thread (the real program deadlocks)");
    }
    o.waiters.push_back(ex.current_thread());
    const waiting_site site(ex, pc);
    ex.block({"call_once", ex.object_id(o.id)});
  }
}

// The initialiser finished (`done`) or threw (the next caller runs it).
void once_leave(executor& ex, once_state& o, bool done) {
  ex.note_access(&o, true);
  o.at = done ? once_state::phase::done : once_state::phase::not_run;
  o.runner = no_thread;
  if (done) ex.hb_release_join(o.meta);
  for (thread_id w : o.waiters) ex.unblock(w);
  o.waiters.clear();
}

}  // namespace
}  // namespace weft::sim::instrument

extern "C" int pthread_once(pthread_once_t* control, void (*init)()) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_once)(control, init);
  wi::once_state& o = wi::state(*ex).at(wi::state(*ex).onces, control);
  // std::call_once hands its callable over in libstdc++'s thread_local
  // __once_callable/__once_call, which every simulated thread shares: keep
  // the caller's across the scheduling point.
  void* const callable = std::__once_callable;
  void (*const call)() = std::__once_call;
  if (!wi::once_enter(*ex, o, __builtin_return_address(0))) return 0;
  std::__once_callable = callable;
  std::__once_call = call;
  try {
    init();
  } catch (...) {
    wi::once_leave(*ex, o, false);
    throw;
  }
  wi::once_leave(*ex, o, true);
  return 0;
}

// A function-local static's guard: its first byte says "initialised", and
// the code the compiler inlines reads it with an acquire load
// (__tsan_atomic8_load) before calling here, so the release is a release
// store to that byte (__tsan_atomic8_store), as that load expects.
extern "C" void __tsan_atomic8_store(volatile std::uint8_t* a, std::uint8_t v, int mo);
extern "C" int __cxa_guard_acquire(long long* guard) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(__cxa_guard_acquire)(guard);
  if (*reinterpret_cast<volatile std::uint8_t*>(guard) != 0) return 0;  // done before this run
  wi::once_state& o = wi::state(*ex).at(wi::state(*ex).onces, guard);
  return wi::once_enter(*ex, o, __builtin_return_address(0)) ? 1 : 0;
}

extern "C" void __cxa_guard_release(long long* guard) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(__cxa_guard_release)(guard);
  __tsan_atomic8_store(reinterpret_cast<volatile std::uint8_t*>(guard), 1, __ATOMIC_RELEASE);
  wi::once_leave(*ex, wi::state(*ex).at(wi::state(*ex).onces, guard), true);
}

extern "C" void __cxa_guard_abort(long long* guard) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(__cxa_guard_abort)(guard);
  wi::once_leave(*ex, wi::state(*ex).at(wi::state(*ex).onces, guard), false);
}
