// sim/instrument: time, sleeping, yielding and futexes. Inside a run the
// clocks read virtual time (CLOCK_MONOTONIC and its kin read the world's
// clock; CLOCK_REALTIME the same plus a fixed date), sleeps block until a
// virtual deadline (so the clock jumps when every thread waits), and
// sched_yield is a yield. futex(2) through syscall() — std::atomic::wait,
// std::future, std::counting_semaphore and libstdc++'s other waits — is a
// modelled wait queue per address.
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdint>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {

std::int64_t virtual_deadline(int clock, std::int64_t absolute_ns) noexcept {
  return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ? absolute_ns - realtime_offset_ns
                                                                   : absolute_ns;
}

namespace {

timespec timespec_of(std::int64_t ns) noexcept {
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

// Blocks the calling thread until virtual time `deadline`.
void sleep_until(executor& ex, std::int64_t deadline, const void* pc) {
  if (deadline <= ex.now_ns()) {
    ex.yield_now();
    return;
  }
  const waiting_site site(ex, pc);
  while (ex.block_until({"sleep", 0}, deadline)) {
  }
}

long futex_wait(executor& ex, std::uint32_t* word, std::uint32_t expected, std::uint32_t bitset,
                const std::int64_t* deadline, const void* pc) {
  futex_queue& q = state(ex).at(state(ex).futexes, word);
  ex.operation(&q, false);
  ex.note_access(&q, false);
  if (__atomic_load_n(word, __ATOMIC_RELAXED) != expected) {
    errno = EAGAIN;
    return -1;
  }
  const thread_id me = ex.current_thread();
  const waiting_site site(ex, pc);
  q.waiters.push_back({me, bitset, false});
  auto mine = [&] { return std::find_if(q.waiters.begin(), q.waiters.end(), [&](auto& w) { return w.thread == me; }); };
  bool timed_out = false;
  while (!mine()->woken && !timed_out) {
    const wait_info why{"futex", ex.object_id(q.id)};
    if (deadline == nullptr) {
      ex.block(why);
    } else {
      timed_out = !ex.block_until(why, *deadline);
    }
  }
  const bool woken = mine()->woken;
  q.waiters.erase(mine());
  if (woken) return 0;
  errno = ETIMEDOUT;
  return -1;
}

long futex_wake(executor& ex, std::uint32_t* word, long count, std::uint32_t bitset) {
  futex_queue& q = state(ex).at(state(ex).futexes, word);
  ex.operation(&q, true);
  ex.note_access(&q, true);
  long woken = 0;
  for (auto& w : q.waiters) {
    if (woken == count) break;
    if (w.woken || (w.bitset & bitset) == 0) continue;
    w.woken = true;
    ex.unblock(w.thread);
    ++woken;
  }
  return woken;
}

long futex(executor& ex, std::uint32_t* word, int op, std::uint32_t value, const timespec* timeout,
           std::uint32_t bitset, const void* pc) {
  const int cmd = op & FUTEX_CMD_MASK;
  if (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) {
    std::int64_t deadline = 0;
    if (timeout != nullptr) {
      deadline = cmd == FUTEX_WAIT ? ex.now_ns() + ns_of(*timeout)
                                   : virtual_deadline((op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC,
                                                      ns_of(*timeout));
    }
    return futex_wait(ex, word, value, cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : bitset,
                      timeout != nullptr ? &deadline : nullptr, pc);
  }
  if (cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET) {
    return futex_wake(ex, word, value, cmd == FUTEX_WAKE ? FUTEX_BITSET_MATCH_ANY : bitset);
  }
  unsupported(ex, "futex operation " + std::to_string(cmd) + " (only WAIT, WAKE and their BITSET forms are modelled)");
}

}  // namespace
}  // namespace weft::sim::instrument

namespace wi = weft::sim::instrument;
using weft::sim::executor;

extern "C" int clock_gettime(clockid_t clock, timespec* out) noexcept {
  executor* ex = wi::in_run();
  const bool virtual_clock = clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW ||
                             clock == CLOCK_MONOTONIC_COARSE || clock == CLOCK_BOOTTIME ||
                             clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE;
  if (ex == nullptr || !virtual_clock) return WEFT_REAL(clock_gettime)(clock, out);
  const std::int64_t offset = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ? wi::realtime_offset_ns : 0;
  *out = wi::timespec_of(ex->now_ns() + offset);
  return 0;
}

extern "C" int gettimeofday(timeval* tv, void* tz) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(gettimeofday)(tv, tz);
  const std::int64_t ns = ex->now_ns() + wi::realtime_offset_ns;
  *tv = timeval{static_cast<time_t>(ns / 1'000'000'000), static_cast<suseconds_t>(ns % 1'000'000'000 / 1000)};
  return 0;
}

extern "C" time_t time(time_t* out) noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(time)(out);
  const auto t = static_cast<time_t>((ex->now_ns() + wi::realtime_offset_ns) / 1'000'000'000);
  if (out != nullptr) *out = t;
  return t;
}

extern "C" int nanosleep(const timespec* req, timespec* rem) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(nanosleep)(req, rem);
  wi::sleep_until(*ex, ex->now_ns() + wi::ns_of(*req), __builtin_return_address(0));
  if (rem != nullptr) *rem = timespec{0, 0};
  return 0;
}

extern "C" int clock_nanosleep(clockid_t clock, int flags, const timespec* req, timespec* rem) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(clock_nanosleep)(clock, flags, req, rem);
  const std::int64_t deadline = (flags & TIMER_ABSTIME) != 0 ? wi::virtual_deadline(clock, wi::ns_of(*req))
                                                             : ex->now_ns() + wi::ns_of(*req);
  wi::sleep_until(*ex, deadline, __builtin_return_address(0));
  if (rem != nullptr && (flags & TIMER_ABSTIME) == 0) *rem = timespec{0, 0};
  return 0;
}

extern "C" int usleep(useconds_t us) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(usleep)(us);
  wi::sleep_until(*ex, ex->now_ns() + std::int64_t{us} * 1000, __builtin_return_address(0));
  return 0;
}

extern "C" unsigned sleep(unsigned seconds) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sleep)(seconds);
  wi::sleep_until(*ex, ex->now_ns() + std::int64_t{seconds} * 1'000'000'000, __builtin_return_address(0));
  return 0;
}

extern "C" int sched_yield() noexcept {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(sched_yield)();
  ex->yield_now();
  return 0;
}

extern "C" long syscall(long number, ...) noexcept {
  va_list ap;
  va_start(ap, number);
  long a[6];
  for (long& x : a) x = va_arg(ap, long);
  va_end(ap);
  executor* ex = wi::in_run();
  if (ex == nullptr || number != SYS_futex) return WEFT_REAL(syscall)(number, a[0], a[1], a[2], a[3], a[4], a[5]);
  return wi::futex(*ex, reinterpret_cast<std::uint32_t*>(a[0]), static_cast<int>(a[1]), static_cast<std::uint32_t>(a[2]),
                   reinterpret_cast<const timespec*>(a[3]), static_cast<std::uint32_t>(a[5]), __builtin_return_address(0));
}
