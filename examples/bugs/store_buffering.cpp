// store-buffering: Dekker's mutual exclusion on relaxed flags.
//
// Each thread raises its own flag, then enters the critical section if the
// other's flag is down. Under sequential consistency one of the two loads
// must see the other's store. Under the C++ memory model a store may sit
// unseen (a store buffer, on x86 too) while the other thread's load reads
// the old value, so both enter: the SB litmus shape. Release and acquire do
// not help (SB+rel+acq is allowed). The fixed twin puts a seq_cst fence
// between each store and load. Explored under weak memory.
#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
void enter(sys::atomic<int>& mine, const sys::atomic<int>& other, sys::atomic<int>& inside) {
  mine.store(1, std::memory_order_release);
  if (Fixed) sys::atomic_thread_fence(std::memory_order_seq_cst);  // BUG (unfixed): no fence
  if (other.load(std::memory_order_acquire) == 0) {
    WEFT_ASSERT(inside.fetch_add(1, std::memory_order_acq_rel) == 0, "both threads are in the critical section");
    inside.fetch_sub(1, std::memory_order_acq_rel);
  }
}

template <bool Fixed>
void store_buffering() {
  sys::atomic<int> flag_a{0}, flag_b{0}, inside{0};
  sys::thread a("a", [&] { enter<Fixed>(flag_a, flag_b, inside); });
  sys::thread b("b", [&] { enter<Fixed>(flag_b, flag_a, inside); });
  a.join();
  b.join();
}

}  // namespace

std::vector<check> store_buffering_checks() {
  return {{"store-buffering", "bug", "Dekker's flags without a fence: both threads read the other's flag as down",
           store_buffering<false>, true},
          {"store-buffering-fixed", "fixed", "store-buffering with a seq_cst fence between store and load",
           store_buffering<true>, true}};
}

}  // namespace weft::examples
