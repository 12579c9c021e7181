// double-checked-init: lazy initialisation whose fast path reads the
// "ready" flag relaxed, so nothing orders the reader's plain read of the
// value after the initialiser's plain write: a data race (on real hardware
// a reader can see `ready` and a stale value). The fixed twin uses
// std::call_once.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

class lazy_bug {
 public:
  int get() {
    if (!ready_.load(std::memory_order_relaxed)) {  // BUG: relaxed, no happens-before to value_
      std::lock_guard<std::mutex> lock(m_);
      if (!ready_.load(std::memory_order_relaxed)) {
        value_ = 42;
        ready_.store(true, std::memory_order_relaxed);
      }
    }
    return value_;
  }

 private:
  std::atomic<bool> ready_{false};
  std::mutex m_;
  int value_ = 0;
};

class lazy_fixed {
 public:
  int get() {
    std::call_once(once_, [this] { value_ = 42; });
    return value_;
  }

 private:
  std::once_flag once_;
  int value_ = 0;
};

template <class Lazy>
void run() {
  Lazy l;
  int seen_a = 0;
  std::thread a([&] { seen_a = l.get(); });
  const int seen_main = l.get();
  a.join();
  assert(seen_a == 42 && seen_main == 42);
}

}  // namespace

void double_checked_init_bug() { run<lazy_bug>(); }
void double_checked_init_fixed() { run<lazy_fixed>(); }

}  // namespace stdbugs
