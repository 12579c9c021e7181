// The real implementations of the calls sim/instrument interposes: the
// next definition after the program's own (libc's), found once.
#pragma once

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace weft::sim::instrument {

// Looked up by name (dlsym gives each symbol's default version). Exits
// with one line if nothing after the program defines it.
template <class Fn>
Fn real_function(const char* name) noexcept {
  void* p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "weft: %s not found after the program's own definition\n", name);
    std::_Exit(2);
  }
  return reinterpret_cast<Fn>(p);
}

}  // namespace weft::sim::instrument

namespace weft::sim::instrument {

// A value computed on first use without a function-local static's guard:
// __cxa_guard_acquire is itself interposed (posix_sync.cpp), so these
// lookups must not reach it. Two threads racing compute it twice; one
// result is kept (the other leaks, once).
template <class T, class Make>
const T& computed_once(std::atomic<const T*>& slot, Make make) {
  const T* p = slot.load(std::memory_order_acquire);
  if (p != nullptr) return *p;
  const T* fresh = new T(make());
  if (slot.compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return *fresh;
  return *p;
}

}  // namespace weft::sim::instrument

// The real `name`, resolved on first use: WEFT_REAL(pthread_mutex_lock)(m).
// (A constant-initialised static: no guard.)
#define WEFT_REAL(name)                                                                            \
  ([]() noexcept {                                                                                 \
    static std::atomic<void*> slot{nullptr};                                                       \
    void* p = slot.load(std::memory_order_relaxed);                                                \
    if (p == nullptr) {                                                                            \
      p = reinterpret_cast<void*>(::weft::sim::instrument::real_function<decltype(&::name)>(#name)); \
      slot.store(p, std::memory_order_relaxed);                                                    \
    }                                                                                              \
    return reinterpret_cast<decltype(&::name)>(p);                                                 \
  }())
