// notify-wrong-waiter: a one-slot buffer whose producers and consumers wait
// on one condition variable, woken with notify_one. A producer's notify can
// wake the other producer instead of a consumer; it sees the slot full and
// waits again, and everyone sleeps. The fixed twin notifies all.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
class slot {
 public:
  void put(int v) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return !value_.has_value(); });
    value_ = v;
    wake();
  }
  int take() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return value_.has_value(); });
    const int v = *value_;
    value_.reset();
    wake();
    return v;
  }

 private:
  void wake() {
    if (Fixed) {
      cv_.notify_all();
    } else {
      cv_.notify_one();  // BUG: may wake a thread waiting for the other condition
    }
  }
  std::mutex m_;
  std::condition_variable cv_;  // both "empty" and "full" waiters
  std::optional<int> value_;
};

template <bool Fixed>
void run() {
  slot<Fixed> s;
  std::thread p1([&] { s.put(1); s.put(2); });
  std::thread p2([&] { s.put(3); s.put(4); });
  std::thread c1([&] { for (int i = 0; i < 2; ++i) s.take(); });
  std::thread c2([&] { for (int i = 0; i < 2; ++i) s.take(); });
  p1.join();
  p2.join();
  c1.join();
  c2.join();
}

}  // namespace

void notify_wrong_waiter_bug() { run<false>(); }
void notify_wrong_waiter_fixed() { run<true>(); }

}  // namespace stdbugs
