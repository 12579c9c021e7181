// lost-update: two threads increment a counter with a load and a separate
// store; if both load before either stores, one increment is lost. The
// fixed twin uses fetch_add.
#include <atomic>
#include <cassert>
#include <thread>

namespace stdbugs {

void lost_update_bug() {
  std::atomic<int> counter{0};
  auto increment = [&] { counter.store(counter.load() + 1); };  // BUG: not one atomic step
  std::thread a(increment);
  std::thread b(increment);
  a.join();
  b.join();
  assert(counter.load() == 2 && "an increment was lost");
}

void lost_update_fixed() {
  std::atomic<int> counter{0};
  auto increment = [&] { counter.fetch_add(1); };
  std::thread a(increment);
  std::thread b(increment);
  a.join();
  b.join();
  assert(counter.load() == 2 && "an increment was lost");
}

}  // namespace stdbugs
