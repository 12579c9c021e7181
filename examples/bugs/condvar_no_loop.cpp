// condvar-no-loop: a condvar wait without a predicate loop.
//
// A consumer that finds the queue empty waits once and then pops, trusting
// that a wakeup means an item is there for it. But another consumer can take
// the lock first and take the item (a stolen wakeup), and condvars may wake
// spuriously; the woken consumer then pops an empty queue. The fixed twin
// re-checks the predicate in a loop.
#include <deque>
#include <mutex>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
void condvar_wait() {
  sys::mutex m;
  sys::condvar cv;
  std::deque<int> queue;  // guarded by m
  int consumed = 0;       // guarded by m
  const auto consume = [&] {
    std::unique_lock lock(m);
    if constexpr (Fixed) {
      while (queue.empty()) cv.wait(lock);
    } else {
      if (queue.empty()) cv.wait(lock);  // BUG: one wakeup is not one item
    }
    WEFT_ASSERT(!queue.empty(), "a consumer woke to an empty queue");
    queue.pop_front();
    ++consumed;
  };
  sys::thread c1("consumer-1", consume);
  sys::thread c2("consumer-2", consume);
  for (int i = 0; i < 2; ++i) {
    {
      std::lock_guard lock(m);
      queue.push_back(i);
    }
    cv.notify_one();
  }
  c1.join();
  c2.join();
  WEFT_ASSERT(consumed == 2, "an item was not consumed");
}

}  // namespace

std::vector<check> condvar_no_loop_checks() {
  return {{"condvar-no-loop", "bug", "consumers wait on a condvar once instead of in a predicate loop",
           condvar_wait<false>},
          {"condvar-no-loop-fixed", "fixed", "condvar-no-loop with `while (queue.empty()) wait`", condvar_wait<true>}};
}

}  // namespace weft::examples
