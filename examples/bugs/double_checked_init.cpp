// double-checked-init: lazy initialisation with a broken fast path.
//
// The first caller initialises the value under a mutex and sets `ready`;
// later callers skip the mutex when `ready` is set. With relaxed atomics
// the fast path's load does not synchronise with the store, so reading the
// value races with writing it (on real hardware, a reader can see `ready`
// but a half-written value). The fixed twin publishes with a release store
// and reads with an acquire load. The race detector names both accesses.
#include <mutex>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/cell.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
class lazy {
 public:
  int get() {
    // BUG (unfixed): relaxed on both sides: no happens-before to the value.
    constexpr auto load_order = Fixed ? std::memory_order_acquire : std::memory_order_relaxed;
    constexpr auto store_order = Fixed ? std::memory_order_release : std::memory_order_relaxed;
    if (!ready_.load(load_order)) {
      std::lock_guard lock(m_);
      if (!ready_.load(std::memory_order_relaxed)) {
        value_.set(42);
        ready_.store(true, store_order);
      }
    }
    return value_.get();
  }

 private:
  sys::atomic<bool> ready_{false};
  sys::mutex m_;
  sys::cell<int> value_{0};
};

template <bool Fixed>
void double_checked() {
  lazy<Fixed> l;
  int seen_a = 0;
  sys::thread a("a", [&] { seen_a = l.get(); });
  const int seen_main = l.get();
  a.join();
  WEFT_ASSERT(seen_a == 42 && seen_main == 42, "a caller saw the value before it was initialised");
}

}  // namespace

std::vector<check> double_checked_init_checks() {
  return {{"double-checked-init", "bug", "lazy initialisation whose fast path reads with relaxed atomics (a data race)",
           double_checked<false>},
          {"double-checked-init-fixed", "fixed", "double-checked-init published with release, read with acquire",
           double_checked<true>}};
}

}  // namespace weft::examples
