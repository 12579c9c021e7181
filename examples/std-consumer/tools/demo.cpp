// The queue on real threads.
#include <atomic>
#include <cstdio>

#include "workqueue/workqueue.hpp"

int main() {
  std::atomic<int> done{0};
  workqueue q(4);
  for (int i = 0; i < 1000; ++i) q.submit([&] { done.fetch_add(1); });
  q.shutdown();
  std::printf("workqueue: %d jobs done\n", done.load());
  return done.load() == 1000 ? 0 : 1;
}
