// rt::task<T> as a coroutine: laziness, inline awaiting, values and
// exceptions, deep chains; and rt::waker's handle semantics.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "runtime/runtime.hpp"

namespace weft::rt {
namespace {

runtime single() { return builder::current_thread().build(); }

task<int> forty_two() { co_return 42; }
task<std::string> greet(std::string who) { co_return "hello " + who; }
task<> nothing() { co_return; }
task<int> thrower() {
  throw std::runtime_error("boom");
  co_return 0;
}

TEST(Task, IsLazyUntilAwaited) {
  bool ran = false;
  auto body = [&]() -> task<> {
    ran = true;
    co_return;
  };
  task<> t = body();
  EXPECT_FALSE(ran);
  single().block_on(std::move(t));
  EXPECT_TRUE(ran);
}

TEST(Task, AwaitingATaskRunsItInlineAndReturnsItsValue) {
  auto outer = []() -> task<std::string> {
    int v = co_await forty_two();
    std::string s = co_await greet("weft");
    co_await nothing();
    co_return s + " " + std::to_string(v);
  };
  EXPECT_EQ(single().block_on(outer()), "hello weft 42");
}

TEST(Task, MoveOnlyResults) {
  auto make = []() -> task<std::unique_ptr<int>> { co_return std::make_unique<int>(7); };
  auto outer = [&]() -> task<int> {
    std::unique_ptr<int> p = co_await make();
    co_return *p;
  };
  EXPECT_EQ(single().block_on(outer()), 7);
}

TEST(Task, ExceptionsPropagateToTheAwaitingFrame) {
  auto outer = []() -> task<std::string> {
    try {
      co_await thrower();
    } catch (const std::runtime_error& e) {
      co_return std::string("caught ") + e.what();
    }
    co_return "not caught";
  };
  EXPECT_EQ(single().block_on(outer()), "caught boom");
}

TEST(Task, BlockOnRethrowsTheRootsException) {
  EXPECT_THROW(single().block_on(thrower()), std::runtime_error);
}

task<long> depth(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await depth(n - 1);
}

task<long> one() { co_return 1; }

task<long> count_to(int n) {
  long sum = 0;
  for (int i = 0; i < n; ++i) sum += co_await one();
  co_return sum;
}

// A loop of awaits that finish at once (reading a buffered stream, say)
// must not grow the stack however long it runs, in every build: with
// symmetric transfer alone it did in unoptimised and sanitizer builds
// (GCC makes the transfer a tail call only when optimising), and a kv
// seed overflowed a simulated thread's stack under AddressSanitizer.
TEST(Task, ALoopOfAwaitsThatFinishAtOnceUsesNoStack) {
  EXPECT_EQ(single().block_on(count_to(1'000'000)), 1'000'000);
}

// Nested awaits cost stack like nested calls: a few thousand are fine.
TEST(Task, NestedAwaitsWork) { EXPECT_EQ(single().block_on(depth(2'000)), 2'000); }

TEST(Task, DestroyingAnUnstartedTaskFreesItsFrame) {
  struct probe {
    bool* destroyed;
    ~probe() { *destroyed = true; }
  };
  bool destroyed = false;
  {
    auto body = [](probe) -> task<> { co_return; };
    task<> t = body(probe{&destroyed});
    destroyed = false;  // the temporary's destructor ran; the frame's copy lives
  }
  EXPECT_TRUE(destroyed);
}

// ---- waker ----

struct counting_target {
  int clones = 0, wakes = 0, wakes_by_ref = 0, drops = 0;
};
const waker_vtable counting_vtable = {
    [](void* d) noexcept -> void* {
      ++static_cast<counting_target*>(d)->clones;
      return d;
    },
    [](void* d) noexcept {
      ++static_cast<counting_target*>(d)->wakes;
      ++static_cast<counting_target*>(d)->drops;
    },
    [](void* d) noexcept { ++static_cast<counting_target*>(d)->wakes_by_ref; },
    [](void* d) noexcept { ++static_cast<counting_target*>(d)->drops; },
};

TEST(Waker, CopiesCloneAndEveryHandleIsReleasedOnce) {
  counting_target target;
  {
    waker a(&counting_vtable, &target);
    waker b = a;
    waker c = std::move(b);
    EXPECT_TRUE(b.empty());
    EXPECT_TRUE(a.will_wake(c));
    c.wake_by_ref();
    std::move(c).wake();
    EXPECT_TRUE(c.empty());
  }
  EXPECT_EQ(target.clones, 1);
  EXPECT_EQ(target.wakes_by_ref, 1);
  EXPECT_EQ(target.wakes, 1);
  EXPECT_EQ(target.drops, 2);  // one by wake(), one by a's destructor
}

TEST(Waker, BorrowedWakerNeverReleases) {
  counting_target target;
  {
    waker_ref r(&counting_vtable, &target);
    r.get().wake_by_ref();
    waker kept = r.get();  // keeping it clones
  }
  EXPECT_EQ(target.clones, 1);
  EXPECT_EQ(target.drops, 1);  // only the kept copy
}

TEST(Waker, EmptyWakerIsInert) {
  waker w;
  w.wake_by_ref();
  std::move(w).wake();
  EXPECT_FALSE(static_cast<bool>(w));
}

}  // namespace
}  // namespace weft::rt
