// The real OS door (runtime/io/real_door.cpp) under real threads: what the
// simulated kernel cannot check, because the simulator has its own door.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/io/real_door.hpp"

namespace weft::rt::io {
namespace {

using std::chrono::steady_clock;

// A waker spins on wake() while the waiter sleeps in wait() with a long
// timeout, round after round. A wake() that lands while the waiter drains
// the previous one must still end a wait: if it is lost, the waiter sleeps
// out its whole timeout and the round takes seconds instead of microseconds.
TEST(RealDoor, AWakeThatRacesTheDrainOfThePreviousOneStillEndsAWait) {
  const std::unique_ptr<door> d = make_real_door();
  std::atomic<std::uint64_t> posted{0};
  std::atomic<std::uint64_t> seen{0};
  std::atomic<bool> stop{false};
  std::thread waiter([&] {
    std::array<door_event, 8> events{};
    while (!stop.load(std::memory_order_acquire)) {
      (void)d->wait(events, std::chrono::seconds(10));
      seen.store(posted.load(std::memory_order_acquire), std::memory_order_release);
    }
  });
  constexpr std::uint64_t rounds = 20'000;
  std::uint64_t slow_round = 0;
  for (std::uint64_t round = 1; round <= rounds && slow_round == 0; ++round) {
    posted.store(round, std::memory_order_release);
    const auto deadline = steady_clock::now() + std::chrono::seconds(3);
    while (seen.load(std::memory_order_acquire) < round) {
      d->wake();
      if (steady_clock::now() > deadline) slow_round = round;
      if (slow_round != 0) break;
    }
  }
  stop.store(true, std::memory_order_release);
  d->wake();
  waiter.join();
  EXPECT_EQ(slow_round, 0u) << "a wake was lost: round " << slow_round << " waited out the 3 s deadline";
}

}  // namespace
}  // namespace weft::rt::io
