// sim/instrument: threads. pthread_create on a simulated thread spawns a
// simulated thread; its handle is the thread's id with a tag no real
// pthread_t carries (real ones are addresses below 2^47), so a handle from
// outside a run still goes to libc.
#include <pthread.h>

#include <cerrno>
#include <string>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {
namespace {

constexpr pthread_t handle_tag = pthread_t{0x5eef} << 48;
constexpr pthread_t handle_mask = pthread_t{0xffff} << 48;

pthread_t handle_of(thread_id id) noexcept { return handle_tag | id; }

// pthread_exit on a simulated thread: unwinds to the thread's start, which
// keeps the value as the thread's result.
struct thread_exit {
  void* value;
};
bool is_simulated(pthread_t h) noexcept { return (h & handle_mask) == handle_tag; }
thread_id id_of(pthread_t h) noexcept { return static_cast<thread_id>(h & ~handle_mask); }

}  // namespace
}  // namespace weft::sim::instrument

namespace wi = weft::sim::instrument;
using weft::sim::executor;
using weft::sim::thread_id;

extern "C" int pthread_create(pthread_t* out, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  executor* ex = wi::in_run();
  if (ex == nullptr) return WEFT_REAL(pthread_create)(out, attr, start, arg);
  ex->operation();
  const wi::internal_section inside;  // spawning does not block
  wi::run_state& s = wi::state(*ex);
  const thread_id id = ex->spawn("std::thread", [ex, start, arg] {
    const thread_id me = ex->current_thread();
    {
      // Its stack may have been a finished thread's: what was there is gone.
      const wi::internal_section forgetting;
      const auto [low, high] = ex->current_stack();
      wi::state(*ex).forget_memory(reinterpret_cast<std::uintptr_t>(low),
                                   static_cast<std::size_t>(static_cast<const char*>(high) - static_cast<const char*>(low)));
    }
    void* result = nullptr;
    try {
      result = start(arg);
    } catch (const wi::thread_exit& e) {
      result = e.value;
    }
    wi::state(*ex).threads[me].result = result;
  });
  s.threads[id];
  *out = wi::handle_of(id);
  return 0;
}

extern "C" int pthread_join(pthread_t h, void** result) {
  if (!wi::is_simulated(h)) return WEFT_REAL(pthread_join)(h, result);
  executor* ex = wi::in_run();
  if (ex == nullptr) return ESRCH;  // a handle of a run that is over
  const thread_id id = wi::id_of(h);
  wi::run_state& s = wi::state(*ex);
  auto it = s.threads.find(id);
  if (it == s.threads.end() || it->second.joined || it->second.detached) return EINVAL;
  if (id == ex->current_thread()) return EDEADLK;
  ex->operation();
  if (ex->is_finished(id)) {
    ex->join(id);
  } else {
    const wi::waiting_site site(*ex, __builtin_return_address(0));
    ex->join(id);
  }
  it = s.threads.find(id);
  it->second.joined = true;
  if (result != nullptr) *result = it->second.result;
  return 0;
}

extern "C" int pthread_detach(pthread_t h) {
  if (!wi::is_simulated(h)) return WEFT_REAL(pthread_detach)(h);
  executor* ex = wi::in_run();
  if (ex == nullptr) return ESRCH;
  auto& slot = wi::state(*ex).threads[wi::id_of(h)];
  if (slot.detached || slot.joined) return EINVAL;
  slot.detached = true;
  return 0;
}

extern "C" pthread_t pthread_self() noexcept {
  if (executor* ex = wi::in_run()) return wi::handle_of(ex->current_thread());
  return WEFT_REAL(pthread_self)();
}

extern "C" int pthread_setname_np(pthread_t h, const char* name) noexcept {
  if (!wi::is_simulated(h)) return WEFT_REAL(pthread_setname_np)(h, name);
  return 0;  // the simulated thread keeps its name: reports and replays stay the same
}

extern "C" int pthread_getname_np(pthread_t h, char* buf, std::size_t size) noexcept {
  if (!wi::is_simulated(h)) return WEFT_REAL(pthread_getname_np)(h, buf, size);
  executor* ex = wi::in_run();
  const std::string name = ex != nullptr ? ex->thread_name(wi::id_of(h)) : "std::thread";
  if (size <= name.size()) return ERANGE;
  name.copy(buf, name.size());
  buf[name.size()] = '\0';
  return 0;
}

extern "C" [[noreturn]] void pthread_exit(void* value) {
  if (executor* ex = wi::in_run()) {
    if (wi::state(*ex).threads.count(ex->current_thread()) == 0) {
      wi::unsupported(*ex, "pthread_exit() on the run's main thread (it would end the run's body, not a thread)");
    }
    throw wi::thread_exit{value};
  }
  WEFT_REAL(pthread_exit)(value);
  __builtin_unreachable();
}
