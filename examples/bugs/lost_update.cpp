// lost-update: a counter incremented with a load and a separate store.
//
// Each of two threads reads the counter and writes back one more. If both
// read before either writes, one increment is lost. The fixed twin uses
// one atomic read-modify-write (fetch_add).
#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
void increment(sys::atomic<int>& counter) {
  if constexpr (Fixed) {
    counter.fetch_add(1, std::memory_order_acq_rel);
  } else {
    const int v = counter.load(std::memory_order_acquire);  // BUG: read ...
    counter.store(v + 1, std::memory_order_release);        // ... then write, not atomically
  }
}

template <bool Fixed>
void lost_update() {
  sys::atomic<int> counter{0};
  sys::thread a("a", [&] { increment<Fixed>(counter); });
  sys::thread b("b", [&] { increment<Fixed>(counter); });
  a.join();
  b.join();
  WEFT_ASSERT(counter.load(std::memory_order_acquire) == 2, "an increment was lost");
}

}  // namespace

std::vector<check> lost_update_checks() {
  return {{"lost-update", "bug", "two threads increment a counter with a load then a store", lost_update<false>},
          {"lost-update-fixed", "fixed", "lost-update with fetch_add", lost_update<true>}};
}

}  // namespace weft::examples
