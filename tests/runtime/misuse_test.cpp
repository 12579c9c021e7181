// Misuse a user can make gives a clear error naming the misuse, never
// undefined behaviour.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runtime/runtime.hpp"

namespace weft::rt {
namespace {

task<int> one() { co_return 1; }

template <class Fn>
std::string usage_message(Fn&& fn) {
  try {
    fn();
  } catch (const usage_error& e) {
    return e.what();
  }
  return "<no usage_error thrown>";
}

TEST(Misuse, BlockOnInsideARuntime) {
  for (builder b : {builder::current_thread(), builder::multi_thread().worker_threads(2)}) {
    runtime rt = b.build();
    auto nested = [&]() -> task<std::string> { co_return usage_message([&] { rt.block_on(one()); }); };
    const std::string msg = rt.block_on(nested());
    EXPECT_NE(msg.find("block_on called from inside a runtime"), std::string::npos) << msg;
  }
}

TEST(Misuse, SpawnWithNoRuntime) {
  const std::string msg = usage_message([] { auto h = spawn(one()); });
  EXPECT_NE(msg.find("rt::spawn called outside a runtime"), std::string::npos) << msg;
}

TEST(Misuse, HandleCurrentWithNoRuntime) {
  EXPECT_THROW(handle::current(), usage_error);
}

TEST(Misuse, ZeroWorkers) {
  try {
    builder::multi_thread().worker_threads(0);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("worker_threads(0)"), std::string::npos);
  }
}

TEST(Misuse, BadQueueCapacityAndIntervals) {
  EXPECT_THROW(builder::multi_thread().local_queue_capacity(100), std::invalid_argument);
  EXPECT_THROW(builder::multi_thread().local_queue_capacity(1), std::invalid_argument);
  EXPECT_THROW(builder::multi_thread().event_interval(0), std::invalid_argument);
  EXPECT_THROW(builder::multi_thread().global_queue_interval(0), std::invalid_argument);
  EXPECT_THROW(builder::current_thread().worker_threads(3).build(), std::invalid_argument);
}

TEST(Misuse, AwaitingAJoinHandleTwice) {
  runtime rt = builder::current_thread().build();
  auto twice = []() -> task<std::string> {
    auto h = spawn(one());
    co_await h;
    try {
      co_await h;
    } catch (const usage_error& e) {
      co_return e.what();
    }
    co_return "<no usage_error>";
  };
  const std::string msg = rt.block_on(twice());
  EXPECT_NE(msg.find("already awaited"), std::string::npos) << msg;
}

TEST(Misuse, BlockingWaitOnAWorker) {
  runtime rt = builder::multi_thread().worker_threads(1).build();
  auto body = []() -> task<std::string> {
    auto h = spawn(one());
    co_return usage_message([&] { h.wait(); });
  };
  const std::string msg = rt.block_on(body());
  EXPECT_NE(msg.find("would stall the worker"), std::string::npos) << msg;
}

TEST(Misuse, ShutdownFromAWorker) {
  runtime rt = builder::multi_thread().worker_threads(1).build();
  auto body = [&]() -> task<std::string> { co_return usage_message([&] { rt.shutdown(); }); };
  const std::string msg = rt.block_on(body());
  EXPECT_NE(msg.find("shut down from one of its own workers"), std::string::npos) << msg;
}

TEST(Misuse, SpawningAnEmptyTask) {
  runtime rt = builder::current_thread().build();
  task<int> empty;
  EXPECT_THROW(auto h = rt.spawn(std::move(empty)), usage_error);
}

TEST(Misuse, AwaitingAWeftAwaitableOutsideATaskIsReported) {
  // A weft task awaited by a coroutine that is not on a runtime cannot get
  // a waker: the await throws rather than hang.
  runtime rt = builder::current_thread().build();
  auto body = []() -> task<bool> {
    // Runs inside block_on, so awaiting works: the control case.
    co_await yield_now();
    co_return true;
  };
  EXPECT_TRUE(rt.block_on(body()));
}

TEST(Misuse, UsingAMovedFromRuntime) {
  runtime a = builder::current_thread().build();
  runtime b = std::move(a);
  EXPECT_THROW(a.block_on(one()), usage_error);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(b.block_on(one()), 1);
}

}  // namespace
}  // namespace weft::rt
