// The plain-C++ side of instrument_bench.cpp: no weft type here; compiled
// with weft_instrument.
#include <atomic>
#include <thread>

void std_fetch_add_check() {
  std::atomic<int> counter{0};
  auto work = [&] {
    for (int i = 0; i < 10; ++i) counter.fetch_add(1);
  };
  std::thread a(work);
  std::thread b(work);
  a.join();
  b.join();
}
