// WEFT_EXPLORE_TEST: a body explored as a GoogleTest test. A buggy body must
// fail with the one reproduce line, following that line must fail the same
// way, a correct body must pass, and the environment must steer it.
#include "props/explore_test.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::props {
namespace {

namespace fs = std::filesystem;

constexpr const char* variables[] = {"WEFT_SCHEDULE", "WEFT_STRATEGY", "WEFT_ITERATIONS", "WEFT_TIME_LIMIT",
                                     "WEFT_TRACE_DIR"};

class ExploreTestGlue : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("weft-explore-glue-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    old_ = fs::current_path();
    fs::current_path(dir_);
    for (const char* v : variables) ::unsetenv(v);
  }
  void TearDown() override {
    fs::current_path(old_);
    fs::remove_all(dir_);
    for (const char* v : variables) ::unsetenv(v);
  }
  fs::path dir_;
  fs::path old_;
};

// Two threads increment a counter: with load + store (buggy) or fetch_add.
template <bool Fixed>
void counter() {
  sys::atomic<int> n{0};
  const auto work = [&] {
    if constexpr (Fixed) {
      n.fetch_add(1, std::memory_order_acq_rel);
    } else {
      n.store(n.load(std::memory_order_acquire) + 1, std::memory_order_release);
    }
  };
  sys::thread a("a", work);
  sys::thread b("b", work);
  a.join();
  b.join();
  WEFT_ASSERT(n.load(std::memory_order_acquire) == 2, "an increment was lost");
}

struct part {
  bool failed;
  bool skipped;
  std::string message;
};

// The failures (and skips) `fn` reports, without failing this test.
template <class Fn>
std::vector<part> capture(Fn fn) {
  testing::TestPartResultArray results;
  {
    testing::ScopedFakeTestPartResultReporter reporter(
        testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    fn();
  }
  std::vector<part> out;
  for (int i = 0; i < results.size(); ++i) {
    const testing::TestPartResult& r = results.GetTestPartResult(i);
    out.push_back({r.failed(), r.skipped(), r.message()});
  }
  return out;
}

std::string reproduce_line(const std::string& message) {
  const std::size_t at = message.find("  reproduce: ");
  if (at == std::string::npos) return {};
  const std::size_t end = message.find('\n', at);
  return message.substr(at + 13, end == std::string::npos ? std::string::npos : end - at - 13);
}

TEST_F(ExploreTestGlue, ABuggyBodyFailsWithOneLineThatReplaysIt) {
  const auto results = capture([] { run_explore_test("Glue", "Racy", &counter<false>, {}); });
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].failed);
  const std::string message = results[0].message;
  EXPECT_NE(message.find("weft: FOUND assertion"), std::string::npos) << message;
  EXPECT_NE(message.find("an increment was lost"), std::string::npos) << message;
  const std::string line = reproduce_line(message);
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  ASSERT_EQ(line.rfind("WEFT_SCHEDULE=w1:Glue.Racy:", 0), 0u) << message;
  EXPECT_TRUE(line.ends_with(" " + exe + " --gtest_filter=Glue.Racy")) << line;
  EXPECT_NE(message.find("trace:     weft-out/Glue.Racy.schedule.jsonl"), std::string::npos) << message;

  // Following the line: the schedule alone fails the same way.
  const std::string schedule = line.substr(14, line.find(' ') - 14);
  ::setenv("WEFT_SCHEDULE", schedule.c_str(), 1);
  const auto again = capture([] { run_explore_test("Glue", "Racy", &counter<false>, {}); });
  ASSERT_EQ(again.size(), 1u);
  const std::string replayed = again[0].message;
  EXPECT_NE(replayed.find("(replay)"), std::string::npos) << replayed;
  EXPECT_NE(replayed.find("an increment was lost"), std::string::npos) << replayed;
  EXPECT_EQ(reproduce_line(replayed), line);
}

TEST_F(ExploreTestGlue, TheFixedBodyPassesTheWholeBudget) {
  const auto results = capture([] { run_explore_test("Glue", "Fixed", &counter<true>, {}); });
  EXPECT_EQ(results.size(), 0u);
  EXPECT_FALSE(fs::exists("weft-out"));
}

TEST_F(ExploreTestGlue, AScheduleOfAnotherTestSkipsThisOne) {
  ::setenv("WEFT_SCHEDULE", "w1:Glue.Other:AA", 1);
  const auto results = capture([] { run_explore_test("Glue", "Racy", &counter<false>, {}); });
  ASSERT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].skipped);
  EXPECT_NE(results[0].message.find("replays 'Glue.Other'"), std::string::npos);
}

TEST_F(ExploreTestGlue, AScheduleThatNoLongerFitsSaysTheTestChanged) {
  ::setenv("WEFT_SCHEDULE", "w1:Glue.Fixed:AAIIQQQQQQQQQQQQ", 1);
  const auto results = capture([] { run_explore_test("Glue", "Fixed", &counter<true>, {}); });
  ASSERT_EQ(results.size(), 1u);
  const std::string message = results[0].message;
  EXPECT_NE(message.find("the test changed since the schedule was recorded"), std::string::npos) << message;
}

TEST_F(ExploreTestGlue, EnvironmentOverridesOptionsAndBadValuesFailClearly) {
  ::setenv("WEFT_STRATEGY", "dfs:1", 1);
  testing::internal::CaptureStdout();
  EXPECT_EQ(capture([] { run_explore_test("Glue", "Fixed", &counter<true>, {}); }).size(), 0u);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("(dfs:1), exhausted"), std::string::npos);
  ::setenv("WEFT_ITERATIONS", "-1", 1);
  EXPECT_NONFATAL_FAILURE(run_explore_test("Glue", "Fixed", &counter<true>, {}),
                          "weft: WEFT_ITERATIONS=-1: expected a positive number");
}

TEST_F(ExploreTestGlue, OptionsFromTheWithVariant) {
  explore_options o;
  o.strategy.which = strategy_spec::kind::dfs;
  o.strategy.depth = 1;
  o.trace_dir = "mine";
  EXPECT_NONFATAL_FAILURE(run_explore_test("Glue", "Racy", &counter<false>, o), "(dfs:1)");
  EXPECT_TRUE(fs::exists("mine/Glue.Racy.schedule.jsonl"));
}

// The macros themselves, on correct bodies.
WEFT_EXPLORE_TEST(ExploreMacro, FetchAddNeverLosesAnIncrement) { counter<true>(); }

explore_options dfs2() {
  explore_options o;
  o.strategy.which = strategy_spec::kind::dfs;
  o.strategy.depth = 2;
  return o;
}
WEFT_EXPLORE_TEST_WITH(ExploreMacro, EveryScheduleWithinTwoPreemptions, dfs2()) { counter<true>(); }

}  // namespace
}  // namespace weft::props
