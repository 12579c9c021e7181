// The reactor core's readiness word (runtime/io/scheduled_io.hpp), one
// transition at a time: what each step must keep, and what it must drop.
#include <gtest/gtest.h>

#include "runtime/io/door.hpp"
#include "runtime/io/registry.hpp"
#include "runtime/io/scheduled_io.hpp"

namespace weft::rt::io {
namespace {

struct wake_count {
  int wakes = 0;
};
const waker_vtable counting = {
    [](void* d) noexcept -> void* { return d; },
    [](void* d) noexcept { ++static_cast<wake_count*>(d)->wakes; },
    [](void* d) noexcept { ++static_cast<wake_count*>(d)->wakes; },
    [](void* d) noexcept { (void)d; },
};

TEST(ScheduledIo, AnEventAfterTheWouldBlockSurvivesTheClear) {
  scheduled_io io;
  const std::uint32_t gen = io.reset(ready::readable);
  wake_count c;
  const waker w(&counting, &c);
  const auto seen = io.poll_ready(direction::read, w);
  ASSERT_TRUE(seen.has_value());
  // The call failed with EAGAIN; before the task clears, new data arrives.
  ASSERT_TRUE(io.set_readiness(gen, ready::readable));
  io.clear_readiness(*seen);
  EXPECT_TRUE(io.poll_ready(direction::read, w).has_value()) << "the newer event was erased";
  // Cleared with the current tick, it goes.
  io.clear_readiness(*io.poll_ready(direction::read, w));
  EXPECT_FALSE(io.poll_ready(direction::read, w).has_value());
}

TEST(ScheduledIo, AStoredWakerIsWokenByTheNextEventOfItsDirectionOnly) {
  scheduled_io io;
  const std::uint32_t gen = io.reset(0);
  wake_count c;
  const waker w(&counting, &c);
  EXPECT_FALSE(io.poll_ready(direction::read, w).has_value());
  ASSERT_TRUE(io.set_readiness(gen, ready::writable));
  io.wake(ready::writable);
  EXPECT_EQ(c.wakes, 0);
  ASSERT_TRUE(io.set_readiness(gen, ready::readable));
  io.wake(ready::readable);
  EXPECT_EQ(c.wakes, 1);
}

TEST(ScheduledIo, ClosedBitsAreStickyAndAStaleGenerationIsRefused) {
  scheduled_io io;
  const std::uint32_t gen = io.reset(0);
  wake_count c;
  const waker w(&counting, &c);
  ASSERT_TRUE(io.set_readiness(gen, ready::read_closed));
  const auto seen = io.poll_ready(direction::read, w);
  ASSERT_TRUE(seen.has_value());
  io.clear_readiness(*seen);
  EXPECT_TRUE(io.poll_ready(direction::read, w).has_value()) << "end of stream must stay visible";
  const std::uint32_t next = io.reset(0);  // released and reused
  EXPECT_NE(next, gen);
  EXPECT_FALSE(io.set_readiness(gen, ready::readable)) << "a late event landed on the slot's next owner";
  EXPECT_FALSE(io.poll_ready(direction::read, w).has_value());
}

TEST(ScheduledIo, ShutdownAnswersEveryPollAndWakesTheWaiters) {
  scheduled_io io;
  io.reset(0);
  wake_count c;
  const waker w(&counting, &c);
  EXPECT_FALSE(io.poll_ready(direction::write, w).has_value());
  io.shutdown();
  EXPECT_EQ(c.wakes, 1);
  const auto seen = io.poll_ready(direction::write, w);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->shutdown);
}

TEST(Registry, TokensOfAReleasedSlotGoStale) {
  registry r;
  const registry::slot_ref a = r.allocate();
  r.release(a.token);
  const registry::slot_ref b = r.allocate();
  EXPECT_EQ(a.io, b.io) << "the slot is reused";
  EXPECT_NE(a.token, b.token);
  EXPECT_FALSE(b.io->set_readiness(registry::generation_of(a.token), ready::readable));
  EXPECT_TRUE(b.io->set_readiness(registry::generation_of(b.token), ready::readable));
  r.release(b.token);
}

}  // namespace
}  // namespace weft::rt::io
