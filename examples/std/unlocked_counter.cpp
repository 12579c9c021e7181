// unlocked-counter: a plain `int` hit counter incremented by two threads
// without a lock — the most common data race there is. The race detector
// names both source lines. The fixed twin takes a std::mutex.
#include <cassert>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
void run() {
  int hits = 0;
  std::mutex m;
  auto work = [&] {
    for (int i = 0; i < 2; ++i) {
      if (Fixed) {
        std::lock_guard<std::mutex> lock(m);
        ++hits;
      } else {
        ++hits;  // BUG: no lock
      }
    }
  };
  std::thread a(work);
  std::thread b(work);
  a.join();
  b.join();
  assert(hits == 4);
}

}  // namespace

void unlocked_counter_bug() { run<false>(); }
void unlocked_counter_fixed() { run<true>(); }

}  // namespace stdbugs
