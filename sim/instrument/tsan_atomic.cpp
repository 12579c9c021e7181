// sim/instrument: GCC's -fsanitize=thread entry points for atomics
// (__tsan_atomicN_*, fences). Inside a run each is a scheduling point on
// the location, with its memory order: under sequential consistency the
// order drives the race detector's happens-before edges; under weak memory
// the executor picks which store a load reads (sim/core/memory.hpp), as for
// sys::atomic. The memory itself always holds the newest store in
// modification order. Outside a run each is the real atomic operation
// (seq_cst: at least as strong as asked). 16-byte atomics are sequentially
// consistent inside a run too.
//
// A location written plainly between two atomic operations (a constructor
// running again at the same address) starts a new store history.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "sim/instrument/instrument.hpp"

namespace weft::sim::instrument {
namespace {

// GCC passes the __atomic builtin's memory model: the std::memory_order
// values, possibly with target flags above bit 15.
std::memory_order order_of(int mo) noexcept {
  const int m = mo & 0x7fff;
  return m <= 5 ? static_cast<std::memory_order>(m) : std::memory_order_seq_cst;
}

template <class T>
std::uint64_t bits_of(T v) noexcept {
  std::uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}
template <class T>
T from_bits(std::uint64_t b) noexcept {
  T v;
  std::memcpy(&v, &b, sizeof(T));
  return v;
}

__extension__ typedef unsigned __int128 u128;

// Weak memory covers values of at most 8 bytes; wider ones stay
// sequentially consistent (as for sys::atomic).
template <class T>
constexpr bool weak_capable = sizeof(T) <= sizeof(std::uint64_t);

// Outside a run: the real operation, seq_cst. 16-byte values go through
// cmpxchg16b (this file is compiled with -mcx16).
template <class T>
T real_load(volatile T* a) noexcept {
  if constexpr (sizeof(T) == 16) {
    return __sync_val_compare_and_swap(a, T{0}, T{0});
  } else {
    return __atomic_load_n(a, __ATOMIC_SEQ_CST);
  }
}
template <class T>
bool real_compare_exchange(volatile T* a, T* expected, T desired) noexcept {
  if constexpr (sizeof(T) == 16) {
    const T old = __sync_val_compare_and_swap(a, *expected, desired);
    if (old == *expected) return true;
    *expected = old;
    return false;
  } else {
    return __atomic_compare_exchange_n(a, expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
}
template <class T, class Fn>
T real_rmw(volatile T* a, Fn fn) noexcept {
  T old = real_load(a);
  while (!real_compare_exchange(a, &old, fn(old))) {
  }
  return old;
}

// The calling thread's operation on `a`: a scheduling point, then the access.
// (The bookkeeping on either side of the scheduling point is an
// internal_section; the callers' continue the second.)
template <class T>
atomic_state& step(executor& ex, volatile T* a, bool write) {
  atomic_state* s = nullptr;
  {
    const internal_section inside;
    run_state& rs = state(ex);
    if (write) rs.remember(a, sizeof(T));
    rs.spin_thread = no_thread;  // a scheduling point: not a plain spin
    s = &rs.at(rs.atomics, a);
  }
  ex.operation(&s->meta, write);
  ex.note_access(&s->meta, write);
  return *s;
}

// Weak memory: the location's stores in this run; a plain write since the
// last atomic operation starts them afresh.
template <class T>
memory_location& history(executor& ex, atomic_state& s, volatile T* a) {
  const std::uint64_t now = bits_of<T>(*a);
  if (!s.history.stores.empty() && s.history.stores.back().bits != now) s.history.run = 0;
  ex.memory_begin(s.history, now);
  return s.history;
}

template <class T>
T load(volatile T* a, int mo) {
  executor* ex = in_run();
  if (ex == nullptr) return real_load(a);
  const std::memory_order order = order_of(mo);
  atomic_state& s = step(*ex, a, false);
  const internal_section inside;
  if constexpr (weak_capable<T>) {
    if (ex->weak_memory()) {
      memory_location& h = history(*ex, s, a);
      const std::size_t i = ex->memory_pick_read(h);
      ex->memory_read(h, i, order);
      return from_bits<T>(h.stores[i].bits);
    }
  }
  if (acquires(order)) {
    ex->hb_acquire(s.meta);
  } else {
    ex->hb_relaxed_load(s.meta);
  }
  return *a;
}

template <class T>
void store(volatile T* a, T v, int mo) {
  executor* ex = in_run();
  if (ex == nullptr) {
    real_rmw(a, [v](T) { return v; });
    return;
  }
  const std::memory_order order = order_of(mo);
  atomic_state& s = step(*ex, a, true);
  const internal_section inside;
  if constexpr (weak_capable<T>) {
    if (ex->weak_memory()) {
      memory_location& h = history(*ex, s, a);
      ex->memory_write(h, bits_of(v), order);
      *a = from_bits<T>(h.stores.back().bits);
      return;
    }
  }
  if (releases(order)) {
    ex->hb_release_store(s.meta);
  } else {
    ex->hb_relaxed_store(s.meta);
  }
  *a = v;
}

// An RMW reads the newest store and writes `fn(old)` right after it.
template <class T, class Fn>
T rmw(volatile T* a, int mo, Fn fn) {
  executor* ex = in_run();
  if (ex == nullptr) return real_rmw(a, fn);
  const std::memory_order order = order_of(mo);
  atomic_state& s = step(*ex, a, true);
  const internal_section inside;
  const T old = *a;
  const T next = fn(old);
  bool weak = false;
  if constexpr (weak_capable<T>) weak = ex->weak_memory();
  if (weak) {
    if constexpr (weak_capable<T>) ex->memory_rmw(history(*ex, s, a), bits_of(next), order);
  } else {
    if (acquires(order)) ex->hb_acquire(s.meta);
    if (releases(order)) ex->hb_release_join(s.meta);
  }
  *a = next;
  return old;
}

// Succeeds only on the newest store; under weak memory a failing one may
// read an older store whose value differs from `*expected`.
template <class T>
bool compare_exchange(volatile T* a, T* expected, T desired, int mo, int failure_mo) {
  executor* ex = in_run();
  if (ex == nullptr) return real_compare_exchange(a, expected, desired);
  const std::memory_order success = order_of(mo);
  const std::memory_order failure = order_of(failure_mo);
  atomic_state& s = step(*ex, a, false);  // pending as a read: most CASes in a spin fail
  const internal_section inside;
  if constexpr (weak_capable<T>) {
    if (ex->weak_memory()) {
      memory_location& h = history(*ex, s, a);
      const std::uint64_t want = bits_of(*expected);
      const std::size_t i = ex->memory_pick_read(h, &want);
      if (i + 1 == h.stores.size() && h.stores[i].bits == want) {
        ex->note_access(&s.meta, true);
        state(*ex).remember(a, sizeof(T));
        ex->memory_rmw(h, bits_of(desired), success);
        *a = desired;
        return true;
      }
      ex->memory_read(h, i, failure);
      *expected = from_bits<T>(h.stores[i].bits);
      return false;
    }
  }
  if (*a == *expected) {
    ex->note_access(&s.meta, true);
    state(*ex).remember(a, sizeof(T));
    if (acquires(success)) ex->hb_acquire(s.meta);
    if (releases(success)) ex->hb_release_join(s.meta);
    *a = desired;
    return true;
  }
  if (acquires(failure)) {
    ex->hb_acquire(s.meta);
  } else {
    ex->hb_relaxed_load(s.meta);
  }
  *expected = *a;
  return false;
}

}  // namespace
}  // namespace weft::sim::instrument

namespace wi = weft::sim::instrument;

#define WEFT_TSAN_ATOMIC(bits, T)                                                                              \
  extern "C" T __tsan_atomic##bits##_load(const volatile T* a, int mo) {                                      \
    return wi::load(const_cast<volatile T*>(a), mo);                                                          \
  }                                                                                                            \
  extern "C" void __tsan_atomic##bits##_store(volatile T* a, T v, int mo) { wi::store(a, v, mo); }            \
  extern "C" T __tsan_atomic##bits##_exchange(volatile T* a, T v, int mo) {                                   \
    return wi::rmw(a, mo, [v](T) { return v; });                                                              \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_add(volatile T* a, T v, int mo) {                                  \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(o + v); });                                        \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_sub(volatile T* a, T v, int mo) {                                  \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(o - v); });                                        \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_and(volatile T* a, T v, int mo) {                                  \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(o & v); });                                        \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_or(volatile T* a, T v, int mo) {                                   \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(o | v); });                                        \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_xor(volatile T* a, T v, int mo) {                                  \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(o ^ v); });                                        \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_fetch_nand(volatile T* a, T v, int mo) {                                 \
    return wi::rmw(a, mo, [v](T o) { return static_cast<T>(~(o & v)); });                                     \
  }                                                                                                            \
  extern "C" int __tsan_atomic##bits##_compare_exchange_strong(volatile T* a, T* c, T v, int mo, int fmo) {   \
    return wi::compare_exchange(a, c, v, mo, fmo) ? 1 : 0;                                                    \
  }                                                                                                            \
  extern "C" int __tsan_atomic##bits##_compare_exchange_weak(volatile T* a, T* c, T v, int mo, int fmo) {     \
    return wi::compare_exchange(a, c, v, mo, fmo) ? 1 : 0;                                                    \
  }                                                                                                            \
  extern "C" T __tsan_atomic##bits##_compare_exchange_val(volatile T* a, T c, T v, int mo, int fmo) {         \
    wi::compare_exchange(a, &c, v, mo, fmo);                                                                  \
    return c;                                                                                                  \
  }

WEFT_TSAN_ATOMIC(8, std::uint8_t)
WEFT_TSAN_ATOMIC(16, std::uint16_t)
WEFT_TSAN_ATOMIC(32, std::uint32_t)
WEFT_TSAN_ATOMIC(64, std::uint64_t)
WEFT_TSAN_ATOMIC(128, wi::u128)

extern "C" void __tsan_atomic_thread_fence(int mo) {
  if (weft::sim::executor* ex = wi::in_run()) {
    ex->memory_fence(wi::order_of(mo));
  } else {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
  }
}
// A signal fence orders nothing between threads.
extern "C" void __tsan_atomic_signal_fence(int) {}
