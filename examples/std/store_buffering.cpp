// store-buffering: Dekker's mutual exclusion with release stores and
// acquire loads. Each thread raises its flag and enters if the other's is
// down; under the C++ memory model both loads may read the old value
// (release/acquire does not order a store before a later load), so both
// enter. Sequentially consistent interleavings cannot show it: explore
// with weak memory. The fixed twin uses seq_cst.
#include <atomic>
#include <cassert>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
void run() {
  constexpr auto store_order = Fixed ? std::memory_order_seq_cst : std::memory_order_release;
  constexpr auto load_order = Fixed ? std::memory_order_seq_cst : std::memory_order_acquire;
  std::atomic<int> flag0{0}, flag1{0}, inside{0};
  auto enter = [&](std::atomic<int>& mine, std::atomic<int>& theirs) {
    mine.store(1, store_order);
    if (theirs.load(load_order) == 0) {  // BUG (unfixed): may read a stale 0
      assert(inside.fetch_add(1) == 0 && "both threads are in the critical section");
      inside.fetch_sub(1);
    }
  };
  std::thread a([&] { enter(flag0, flag1); });
  std::thread b([&] { enter(flag1, flag0); });
  a.join();
  b.join();
}

}  // namespace

void store_buffering_bug() { run<false>(); }
void store_buffering_fixed() { run<true>(); }

}  // namespace stdbugs
