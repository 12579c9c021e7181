// sim/instrument: POSIX semaphores, barriers and spin locks. glibc's own
// would wait on a futex or spin inside libc, out of the executor's sight
// (the OS thread would hang), so inside a run each is a modelled one of
// this run, keyed by its address, and the libc object is left alone.
#include <pthread.h>
#include <semaphore.h>

#include <cerrno>
#include <cstdint>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {
namespace {


// The semaphore's state; a semaphore set up before this run starts from
// the value libc holds.
counter_state& semaphore(executor& ex, sem_t* sem) {
  counter_state& c = state(ex).at(state(ex).counters, sem);
  if (!c.known) {
    int v = 0;
    WEFT_REAL(sem_getvalue)(sem, &v);
    c.value = v;
    c.known = true;
  }
  return c;
}

// Takes one unit, waiting until `deadline` if given: 0, or -1 with errno.
int sem_take(executor& ex, sem_t* sem, bool try_only, const std::int64_t* deadline, const void* pc) {
  counter_state& c = semaphore(ex, sem);
  ex.operation(&c, true);
  while (c.value == 0) {
    if (try_only) {
      errno = EAGAIN;
      return -1;
    }
    const waiting_site site(ex, pc);
    ex.note_access(&c, false);
    c.waiters.push_back(ex.current_thread());
    const wait_info why{"semaphore", ex.object_id(c.id)};
    if (deadline == nullptr) {
      ex.block(why);
    } else if (!ex.block_until(why, *deadline)) {
      std::erase(c.waiters, ex.current_thread());
      if (c.value == 0) {
        errno = ETIMEDOUT;
        return -1;
      }
    }
  }
  ex.note_access(&c, true);
  --c.value;
  ex.hb_acquire(c.meta);
  return 0;
}

}  // namespace
}  // namespace weft::sim::instrument

namespace wi = weft::sim::instrument;
using weft::sim::executor;

extern "C" int sem_init(sem_t* sem, int shared, unsigned value) noexcept {
  if (executor* ex = wi::in_run()) {
    wi::counter_state& c = wi::state(*ex).at(wi::state(*ex).counters, sem);
    c.value = value;
    c.known = true;
  }
  return WEFT_REAL(sem_init)(sem, shared, value);
}

extern "C" int sem_wait(sem_t* sem) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_wait)(sem);
  return wi::sem_take(*ex, sem, false, nullptr, __builtin_return_address(0));
}

extern "C" int sem_trywait(sem_t* sem) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_trywait)(sem);
  return wi::sem_take(*ex, sem, true, nullptr, __builtin_return_address(0));
}

extern "C" int sem_timedwait(sem_t* sem, const timespec* at) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_timedwait)(sem, at);
  const std::int64_t deadline = wi::virtual_deadline(CLOCK_REALTIME, wi::ns_of(*at));
  return wi::sem_take(*ex, sem, false, &deadline, __builtin_return_address(0));
}

extern "C" int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* at) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_clockwait)(sem, clock, at);
  const std::int64_t deadline = wi::virtual_deadline(clock, wi::ns_of(*at));
  return wi::sem_take(*ex, sem, false, &deadline, __builtin_return_address(0));
}

extern "C" int sem_post(sem_t* sem) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_post)(sem);
  wi::counter_state& c = wi::semaphore(*ex, sem);
  ex->operation(&c, true);
  ex->note_access(&c, true);
  ++c.value;
  ex->hb_release_join(c.meta);
  for (weft::sim::thread_id w : c.waiters) ex->unblock(w);  // they race for it
  c.waiters.clear();
  return 0;
}

extern "C" int sem_getvalue(sem_t* sem, int* value) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sem_getvalue)(sem, value);
  wi::counter_state& c = wi::semaphore(*ex, sem);
  ex->operation(&c, false);
  ex->note_access(&c, false);
  ex->hb_acquire(c.meta);
  *value = static_cast<int>(c.value);
  return 0;
}

// ---- barriers ----

extern "C" int pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr, unsigned count) noexcept {
  if (executor* ex = wi::in_run()) {
    if (count == 0) return EINVAL;
    wi::counter_state& c = wi::state(*ex).at(wi::state(*ex).counters, b);
    c.limit = count;
    c.value = count;
    c.known = true;
  }
  return WEFT_REAL(pthread_barrier_init)(b, attr, count);
}

// Each arrival releases what it did; the last one opens the round and
// everyone leaves acquiring all of it.
extern "C" int pthread_barrier_wait(pthread_barrier_t* b) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_barrier_wait)(b);
  wi::counter_state& c = wi::state(*ex).at(wi::state(*ex).counters, b);
  if (!c.known) wi::unsupported(*ex, "a pthread barrier initialised before the run (its count is libc's secret)");
  ex->operation(&c, true);
  ex->note_access(&c, true);
  ex->hb_release_join(c.meta);
  if (--c.value == 0) {
    c.value = c.limit;
    ++c.generation;
    for (weft::sim::thread_id w : c.waiters) ex->unblock(w);
    c.waiters.clear();
    ex->hb_acquire(c.meta);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  const std::uint64_t round = c.generation;
  const wi::waiting_site site(*ex, __builtin_return_address(0));
  while (c.generation == round) {
    c.waiters.push_back(ex->current_thread());
    ex->block({"barrier", ex->object_id(c.id)});
  }
  ex->note_access(&c, false);
  ex->hb_acquire(c.meta);
  return 0;
}

// ---- spin locks: a modelled lock (spinning would never let the holder run) ----

extern "C" int pthread_spin_lock(pthread_spinlock_t* l) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_spin_lock)(l);
  wi::lock_state& s = wi::state(*ex).at(wi::state(*ex).locks, l);
  const wi::waiting_site site(*ex, __builtin_return_address(0));
  s.mutex.lock();
  s.owner = ex->current_thread();
  s.depth = 1;
  return 0;
}

extern "C" int pthread_spin_trylock(pthread_spinlock_t* l) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_spin_trylock)(l);
  wi::lock_state& s = wi::state(*ex).at(wi::state(*ex).locks, l);
  if (!s.mutex.try_lock()) return EBUSY;
  s.owner = ex->current_thread();
  s.depth = 1;
  return 0;
}

extern "C" int pthread_spin_unlock(pthread_spinlock_t* l) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_spin_unlock)(l);
  wi::lock_state& s = wi::state(*ex).at(wi::state(*ex).locks, l);
  s.owner = weft::sim::no_thread;
  s.depth = 0;
  s.mutex.unlock();
  return 0;
}
