// The queue's tests: ordinary GoogleTest, with WEFT_EXPLORE_TEST where
// thread interleavings matter. The test file needs no instrumentation of
// its own: the library it tests was built with weft_instrument.
#include <weft/gtest.hpp>

#include <atomic>
#include <cassert>

#include "workqueue/workqueue.hpp"

TEST(WorkQueue, RunsJobsOnRealThreads) {
  std::atomic<int> done{0};
  workqueue q(4);
  for (int i = 0; i < 100; ++i) q.submit([&] { done.fetch_add(1); });
  q.shutdown();
  EXPECT_EQ(done.load(), 100);
}

WEFT_EXPLORE_TEST(WorkQueue, DrainsEveryJobAndShutsDown) {
  std::atomic<int> done{0};
  workqueue q(2);
  q.submit([&] { done.fetch_add(1); });
  q.submit([&] { done.fetch_add(1); });
  q.shutdown();
  WEFT_ASSERT(done.load() == 2, "a job was lost");
}
