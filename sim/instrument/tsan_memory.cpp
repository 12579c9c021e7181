// sim/instrument: the run's state, and GCC's -fsanitize=thread entry points
// for plain memory (__tsan_read*, __tsan_write*, function entry and exit,
// module init).
//
// A plain access is not a scheduling point (as sys::cell's are not): the
// race detector finds unordered accesses whichever order they ran in. Each
// address the program touches is one cell; accesses of different sizes at
// overlapping addresses are not compared (a missed race, never a false one).
#include <dlfcn.h>
#include <malloc.h>

#include <atomic>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {

void run_state::forget_memory(std::uintptr_t begin, std::size_t size) {
  const auto inside = [&](const auto& kv) { return kv.first >= begin && kv.first < begin + size; };
  if (size <= cells.size()) {
    for (std::uintptr_t a = begin; a < begin + size; ++a) cells.erase(a);
  } else if (!cells.empty()) {
    std::erase_if(cells, inside);
  }
  // The run's synchronisation objects are few: look at each.
  std::erase_if(atomics, inside);
  std::erase_if(locks, [&](const auto& kv) { return inside(kv) && kv.second->owner == no_thread; });
  std::erase_if(rwlocks, [&](const auto& kv) { return inside(kv) && kv.second->waiters.empty(); });
  std::erase_if(onces, [&](const auto& kv) { return inside(kv) && kv.second->waiters.empty(); });
  std::erase_if(counters, [&](const auto& kv) { return inside(kv) && kv.second->waiters.empty(); });
}

void run_state::remember(const volatile void* address, std::size_t size) {
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  const auto inside = [&](std::uintptr_t begin, std::uintptr_t end) { return a >= begin && a < end; };
  bool kept = std::any_of(program_static_storage().begin(), program_static_storage().end(),
                          [&](const auto& r) { return inside(r.first, r.second); });
  kept = kept || std::any_of(tls.begin(), tls.end(), [&](const tls_block& b) { return b.instrumented && inside(b.begin, b.end); });
  if (!kept) return;
  const bool fresh = size <= 16 ? saved_.insert(std::uint64_t{a} * 32 + size).second : saved_ranges_.insert(a).second;
  if (!fresh) return;
  undo_.push_back({a, std::string(reinterpret_cast<const char*>(a), size)});
}

run_state::~run_state() {
  // A run that failed inside an internal_section never left it (the thread
  // was abandoned): the next run starts outside.
  internal_depth = 0;
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    std::memcpy(reinterpret_cast<void*>(it->address), it->bytes.data(), it->bytes.size());
  }
}

run_state& state(executor& ex) {
  if (auto* s = static_cast<run_state*>(ex.ext())) return *s;
  const internal_section inside;
  auto fresh = std::make_unique<run_state>();
  // Where thread_local storage lies on this OS thread: the same for every run on it.
  thread_local const std::vector<tls_block> blocks = thread_local_blocks();
  fresh->tls = blocks;
  catch_crashes();
  run_state& s = *fresh;
  ex.set_extension(std::move(fresh));
  executor::set_symbolizer(&symbolize);
  return s;
}

void unsupported(executor& ex, const std::string& what) {
  ex.fail(outcome::unsupported, "unsupported: " + what);
  __builtin_trap();  // fail() does not return to a simulated thread
}

namespace {

// thread_local storage: per thread in the real program, so never a race.
// One of instrumented code is shared by every simulated thread (they run
// on one OS thread): fine while one thread uses it, unsupported after.
// libstdc++'s own (call_once's callable) is set and used with no
// scheduling point between, so sharing it is harmless.
bool thread_local_conflict(executor& ex, run_state& s, std::uintptr_t a, const void* pc) {
  for (const tls_block& b : s.tls) {
    if (a < b.begin || a >= b.end) continue;
    if (!b.instrumented) return true;
    const thread_id me = ex.current_thread();
    const auto [it, fresh] = s.tls_owner.try_emplace(a, me);
    if (!fresh && it->second != me) {
      unsupported(ex, "a thread_local variable of instrumented code, used at " + symbolize(pc) +
                          ", is used by two simulated threads (" + ex.thread_name(it->second) + " and " +
                          ex.thread_name(me) + "); all simulated threads share one OS thread's thread_local storage");
    }
    return true;
  }
  return false;
}

// Whether the calling thread has read `a` spin_reads times in a row with
// no scheduling point between: it is spinning on plain memory.
bool spinning(executor& ex, run_state& s, std::uintptr_t a, bool write) {
  if (write || a != s.spin_address || ex.current_thread() != s.spin_thread) {
    s.spin_address = write ? 0 : a;
    s.spin_thread = ex.current_thread();
    s.spin_count = 0;
    return false;
  }
  if (++s.spin_count < run_state::spin_reads) return false;
  s.spin_count = 0;
  return true;
}

// Checks one access; true if the thread should yield (spinning).
bool check_access(executor& ex, const void* address, std::size_t size, bool write, const void* pc) {
  const internal_section inside;  // nothing here blocks; see internal_section
  run_state& s = state(ex);
  if (write) s.remember(address, size);
  const auto a = reinterpret_cast<std::uintptr_t>(address);
  const bool spin = spinning(ex, s, a, write);
  if (!ex.detecting_races()) return spin;
  if (!s.tls.empty() && thread_local_conflict(ex, s, a, pc)) return spin;
  cell_meta& c = s.at(s.cells, address);
  ex.note_access(&c, write);
  const source_site where = source_site::at_pc(pc);
  if (write) {
    ex.cell_write(c, where);
  } else {
    ex.cell_read(c, where);
  }
  return spin;
}

void access(const void* address, std::size_t size, bool write, const void* pc) {
  executor* ex = in_run();
  if (ex == nullptr) return;
  if (check_access(*ex, address, size, write, pc)) ex->yield_now();  // outside the section: a scheduling point
}

}  // namespace
}  // namespace weft::sim::instrument

using weft::sim::instrument::access;

#define WEFT_TSAN_ACCESS(size)                                                                                    \
  extern "C" void __tsan_read##size(void* a) { access(a, size, false, __builtin_return_address(0)); }             \
  extern "C" void __tsan_write##size(void* a) { access(a, size, true, __builtin_return_address(0)); }             \
  extern "C" void __tsan_unaligned_read##size(void* a) { access(a, size, false, __builtin_return_address(0)); }   \
  extern "C" void __tsan_unaligned_write##size(void* a) { access(a, size, true, __builtin_return_address(0)); }   \
  extern "C" void __tsan_volatile_read##size(void* a) { access(a, size, false, __builtin_return_address(0)); }    \
  extern "C" void __tsan_volatile_write##size(void* a) { access(a, size, true, __builtin_return_address(0)); }    \
  extern "C" void __tsan_read##size##_pc(void* a, void* pc) { access(a, size, false, pc); }                       \
  extern "C" void __tsan_write##size##_pc(void* a, void* pc) { access(a, size, true, pc); }

WEFT_TSAN_ACCESS(1)
WEFT_TSAN_ACCESS(2)
WEFT_TSAN_ACCESS(4)
WEFT_TSAN_ACCESS(8)
WEFT_TSAN_ACCESS(16)

extern "C" void __tsan_read_range(void* a, unsigned long n) { access(a, n, false, __builtin_return_address(0)); }
extern "C" void __tsan_write_range(void* a, unsigned long n) { access(a, n, true, __builtin_return_address(0)); }

// A virtual call reads the object's vtable pointer; a constructor or
// destructor writes it. Only a race on the object itself matters, and that
// is what the object's other accesses show: no check here.
extern "C" void __tsan_vptr_update(void**, void*) {}
extern "C" void __tsan_vptr_read(void**) {}

// Function entry and exit: weft names sites by unwinding when it needs to
// (sim/instrument/modules.cpp), so it keeps no shadow call stack.
extern "C" void __tsan_func_entry(void*) {}
extern "C" void __tsan_func_exit() {}

// Each instrumented module's initialiser: nothing to set up (the run's
// state is made on first use).
extern "C" void __tsan_init() {}

// Memory handed back to the allocator is new memory for whoever gets it
// next: its cells, atomics and free locks start afresh (ThreadSanitizer
// does the same on free), so nothing of the old object orders or races
// with the new one.
extern "C" void __libc_free(void*);
namespace {
// The next free after the program's (libc's, or a sanitizer's); glibc's own
// while dlsym looks it up (dlsym may free).
using free_fn = void (*)(void*);
free_fn next_free_fn = nullptr;
bool next_free_resolving = false;
// (Resolved on first use; while dlsym runs, it may free with glibc's own.)
free_fn next_free() noexcept {
  free_fn f = __atomic_load_n(&next_free_fn, __ATOMIC_ACQUIRE);
  if (f != nullptr) return f;
  if (__atomic_exchange_n(&next_free_resolving, true, __ATOMIC_ACQ_REL)) return &__libc_free;
  f = reinterpret_cast<free_fn>(dlsym(RTLD_NEXT, "free"));
  __atomic_store_n(&next_free_fn, f != nullptr ? f : &__libc_free, __ATOMIC_RELEASE);
  return __atomic_load_n(&next_free_fn, __ATOMIC_ACQUIRE);
}
}  // namespace

extern "C" void free(void* p) noexcept {
  if (p != nullptr) {
    if (weft::sim::executor* ex = weft::sim::instrument::in_run()) {
      if (auto* s = static_cast<weft::sim::instrument::run_state*>(ex->ext())) {
        s->forget_memory(reinterpret_cast<std::uintptr_t>(p), malloc_usable_size(p));
      }
    }
  }
  next_free()(p);
}

// A static object constructed inside a run is put back (run_state's
// undo) when the run ends, and built again by the next run: its
// destructor is not registered, or it would run once per run at exit, on
// memory that no longer holds it.
extern "C" int __cxa_atexit(void (*fn)(void*), void* arg, void* dso) noexcept {
  if (weft::sim::instrument::in_run() != nullptr) return 0;
  return WEFT_REAL(__cxa_atexit)(fn, arg, dso);
}
