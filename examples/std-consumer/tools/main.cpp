// An ordinary program with its own main(). Built with
// weft_instrument(workqueue-main MAIN), running it explores it; with
// WEFT_EXPLORE=off it runs once, for real.
#include <atomic>
#include <cstdio>

#include "workqueue/workqueue.hpp"

int main() {
  std::atomic<int> done{0};
  workqueue q(2);
  q.submit([&] { done.fetch_add(1); });
  q.submit([&] { done.fetch_add(1); });
  q.shutdown();
  std::printf("workqueue: %d jobs done\n", done.load());
  return done.load() == 2 ? 0 : 1;
}
