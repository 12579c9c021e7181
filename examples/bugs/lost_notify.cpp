// lost-notify: a hand-rolled one-shot event whose notify can be lost.
//
// The waiter checks the flag under the mutex and waits on the condvar; the
// notifier sets the flag and notifies *without* taking the mutex. If the
// notify lands between the waiter's check and its wait, nobody is waiting
// yet, the notify is lost, and the waiter sleeps forever. The fixed twin
// sets the flag under the mutex, so the check-then-wait is atomic with
// respect to it.
#include <mutex>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
void lost_notify() {
  sys::mutex m;
  sys::condvar cv;
  sys::atomic<bool> ready{false};
  sys::thread waiter("waiter", [&] {
    std::unique_lock lock(m);
    while (!ready.load(std::memory_order_acquire)) cv.wait(lock);
  });
  sys::thread notifier("notifier", [&] {
    if constexpr (Fixed) {
      std::lock_guard lock(m);
      ready.store(true, std::memory_order_release);
    } else {
      ready.store(true, std::memory_order_release);  // BUG: not under the mutex
    }
    cv.notify_one();
  });
  waiter.join();
  notifier.join();
}

}  // namespace

std::vector<check> lost_notify_checks() {
  return {{"lost-notify", "bug", "an event whose notify lands between the waiter's check and its wait", lost_notify<false>},
          {"lost-notify-fixed", "fixed", "lost-notify with the flag set under the mutex", lost_notify<true>}};
}

}  // namespace weft::examples
