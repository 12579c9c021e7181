// condvar-no-loop: consumers wait on a condition variable once instead of
// in a predicate loop. Another consumer can take the item between the
// notify and the wakeup (a stolen wakeup), so the woken one finds the queue
// empty. The fixed twin waits with a predicate.
#include <cassert>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
void run() {
  std::mutex m;
  std::condition_variable cv;
  std::deque<int> queue;
  int consumed = 0;
  auto consume = [&] {
    std::unique_lock<std::mutex> lock(m);
    if (Fixed) {
      cv.wait(lock, [&] { return !queue.empty(); });
    } else if (queue.empty()) {
      cv.wait(lock);  // BUG: one wakeup is not one item
    }
    assert(!queue.empty() && "a consumer woke to an empty queue");
    queue.pop_front();
    ++consumed;
  };
  std::thread c1(consume);
  std::thread c2(consume);
  for (int i = 0; i < 2; ++i) {
    {
      std::lock_guard<std::mutex> lock(m);
      queue.push_back(i);
    }
    cv.notify_one();
  }
  c1.join();
  c2.join();
  assert(consumed == 2);
}

}  // namespace

void condvar_no_loop_bug() { run<false>(); }
void condvar_no_loop_fixed() { run<true>(); }

}  // namespace stdbugs
