// lost-notify: the notifier sets the flag and notifies without holding the
// mutex. Landing between the waiter's check of the flag and its wait, the
// notify finds nobody waiting and is lost: the waiter sleeps forever. The
// fixed twin sets the flag under the mutex.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
void run() {
  std::mutex m;
  std::condition_variable cv;
  std::atomic<bool> ready{false};
  std::thread waiter([&] {
    std::unique_lock<std::mutex> lock(m);
    while (!ready.load()) cv.wait(lock);
  });
  std::thread notifier([&] {
    if (Fixed) {
      std::lock_guard<std::mutex> lock(m);
      ready.store(true);
    } else {
      ready.store(true);  // BUG: not under the mutex the waiter checks under
    }
    cv.notify_one();
  });
  waiter.join();
  notifier.join();
}

}  // namespace

void lost_notify_bug() { run<false>(); }
void lost_notify_fixed() { run<true>(); }

}  // namespace stdbugs
