// The real flavour of runtime/sys: parker token semantics, per-thread values.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/park.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/sys/thread_local.hpp"

namespace weft::sys {
namespace {

TEST(Parker, UnparkBeforeParkIsNotLost) {
  parker p;
  p.unpark();
  p.park();  // returns at once: the token was stored
  SUCCEED();
}

TEST(Parker, ManyUnparksCollapseIntoOneToken) {
  parker p;
  p.unpark();
  p.unpark();
  p.park();
  EXPECT_FALSE(p.park_for(std::chrono::milliseconds(1)));  // no second token
}

TEST(Parker, ParkForTimesOutWithoutAToken) {
  parker p;
  EXPECT_FALSE(p.park_for(std::chrono::milliseconds(1)));
  EXPECT_FALSE(p.park_for(std::chrono::nanoseconds(0)));
}

TEST(Parker, CrossThreadPingPong) {
  parker a, b;
  std::atomic<int> count{0};
  constexpr int rounds = 10000;
  std::thread other([&] {
    for (int i = 0; i < rounds; ++i) {
      b.park();
      count.fetch_add(1);
      a.unpark();
    }
  });
  for (int i = 0; i < rounds; ++i) {
    b.unpark();
    a.park();
  }
  other.join();
  EXPECT_EQ(count.load(), rounds);
}

struct slot_tag;
using slot = thread_local_value<int, slot_tag>;

TEST(ThreadLocalValue, EachThreadHasItsOwn) {
  slot::set(5);
  int seen_in_other = -1;
  thread t("weft-test", [&] {
    seen_in_other = slot::get();
    slot::set(9);
  });
  t.join();
  EXPECT_EQ(seen_in_other, 0);
  EXPECT_EQ(slot::get(), 5);
}

TEST(Atomic, OperationsMatchStd) {
  atomic<std::uint64_t> a(5);
  EXPECT_EQ(a.fetch_add(3, std::memory_order_relaxed), 5u);
  EXPECT_EQ(a.fetch_or(0x10, std::memory_order_relaxed), 8u);
  std::uint64_t expected = 0x18;
  EXPECT_TRUE(a.compare_exchange_strong(expected, 1, std::memory_order_acq_rel,
                                        std::memory_order_acquire));
  EXPECT_EQ(a.exchange(2, std::memory_order_acq_rel), 1u);
  EXPECT_EQ(a.load(std::memory_order_acquire), 2u);
  EXPECT_EQ(a.unsync_load(), 2u);
}

}  // namespace
}  // namespace weft::sys
