// WEFT_SIM_TEST and the seed loop under it: environment variables, the one
// repro line, the trace written on failure, the determinism check — on the
// kv store's buggy and fixed twins, and on a deliberately nondeterministic
// test that the check must reject.
#include "props/sim_test.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"

namespace weft::props {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Runs each test in a fresh directory (traces are written to the current one)
// with none of the WEFT_* variables set.
class SimTestGlue : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("weft-props-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    old_ = fs::current_path();
    fs::current_path(dir_);
    for (const char* v : {"WEFT_SEED", "WEFT_SEEDS", "WEFT_TIME_LIMIT", "WEFT_CHECK_DETERMINISM", "WEFT_TRACE_DIR"}) {
      ::unsetenv(v);
    }
  }
  void TearDown() override {
    fs::current_path(old_);
    fs::remove_all(dir_);
    for (const char* v : {"WEFT_SEED", "WEFT_SEEDS", "WEFT_TIME_LIMIT", "WEFT_CHECK_DETERMINISM"}) ::unsetenv(v);
  }
  fs::path dir_;
  fs::path old_;
};

std::function<void(sim::world&)> scenario_setup(const char* name) {
  const sim::scenario* s = examples::find_scenario(name);
  EXPECT_NE(s, nullptr);
  return s->setup;
}

TEST_F(SimTestGlue, FindsTheKvBugAndPrintsOneReproLine) {
  sim_test_options o;
  o.seeds = 50;
  const sim_test_result r = run_sim_seeds("Kv.AcknowledgedWritesSurvive", scenario_setup("kv"), o);
  ASSERT_TRUE(r.failure.has_value());
  const std::string seed = sim::format_seed(r.failure->seed);
  // The line runs this very test binary, filtered to the one test, on that seed.
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  EXPECT_EQ(r.failure->repro_line,
            "reproduce: WEFT_SEED=" + seed + " " + exe + " --gtest_filter=Kv.AcknowledgedWritesSurvive");
  const std::string text = describe(*r.failure);
  EXPECT_EQ(text.rfind("weft: FAILED seed=" + seed + " (exception): ", 0), 0u) << text;
  EXPECT_NE(text.find("\n  trace: weft-out/Kv.AcknowledgedWritesSurvive-" + seed + ".jsonl\n"), std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with("\n  " + r.failure->repro_line)) << text;
  EXPECT_NE(r.failure->message.find("acknowledged write lost"), std::string::npos) << r.failure->message;
  EXPECT_EQ(r.seeds_run, r.failure->seed);  // stopped at the first failing seed
  // The trace is where the report says, as JSON Lines with weft's header.
  ASSERT_FALSE(r.failure->trace_file.empty());
  std::ifstream in(r.failure->trace_file);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first.rfind("{\"weft_trace\":2,\"events\":", 0), 0u) << first;
}

TEST_F(SimTestGlue, TheReproducedSeedFailsTheSameWay) {
  sim_test_options o;
  o.seeds = 50;
  const auto setup = scenario_setup("kv");
  const sim_test_result found = run_sim_seeds("Kv.X", setup, o);
  ASSERT_TRUE(found.failure.has_value());
  ::setenv("WEFT_SEED", sim::format_seed(found.failure->seed).c_str(), 1);
  sim_test_options replay;
  ASSERT_FALSE(apply_environment(replay).has_value());
  const sim_test_result again = run_sim_seeds("Kv.X", setup, replay);
  EXPECT_EQ(again.seeds_run, 1u);
  ASSERT_TRUE(again.failure.has_value());
  EXPECT_EQ(again.failure->seed, found.failure->seed);
  EXPECT_EQ(again.failure->message, found.failure->message);
}

TEST_F(SimTestGlue, TheFixedTwinSurvivesTheSameBudget) {
  sim_test_options o;
  o.seeds = 200;
  const sim_test_result r = run_sim_seeds("Kv.Fixed", scenario_setup("kv-fixed"), o);
  EXPECT_FALSE(r.failure.has_value()) << r.failure->repro_line << "\n" << r.failure->message;
  EXPECT_EQ(r.seeds_run, 200u);
}

TEST_F(SimTestGlue, EnvironmentVariables) {
  ::setenv("WEFT_SEED", "0x2a", 1);
  ::setenv("WEFT_SEEDS", "7", 1);
  ::setenv("WEFT_TIME_LIMIT", "1500ms", 1);
  ::setenv("WEFT_CHECK_DETERMINISM", "1", 1);
  sim_test_options o;
  ASSERT_FALSE(apply_environment(o).has_value());
  EXPECT_EQ(o.only_seed, 42u);
  EXPECT_EQ(o.seeds, 7u);
  EXPECT_EQ(o.time_limit, std::chrono::nanoseconds(1500ms));
  EXPECT_TRUE(o.check_determinism);
}

TEST_F(SimTestGlue, MalformedEnvironmentIsOneClearMessage) {
  const std::pair<const char*, const char*> bad[] = {
      {"WEFT_SEED", "forty-two"}, {"WEFT_SEEDS", "0"}, {"WEFT_SEEDS", "-3"}, {"WEFT_TIME_LIMIT", "soon"}};
  for (const auto& [name, value] : bad) {
    ::setenv(name, value, 1);
    sim_test_options o;
    const auto error = apply_environment(o);
    ASSERT_TRUE(error.has_value()) << name << "=" << value;
    EXPECT_EQ(error->rfind(std::string(name) + "=" + value + ": ", 0), 0u) << *error;
    EXPECT_EQ(error->find('\n'), std::string::npos);
    ::unsetenv(name);
  }
}

TEST_F(SimTestGlue, TimeLimitStopsStartingSeedsButRunsTheFirst) {
  sim_test_options o;
  o.seeds = 1'000'000;
  o.time_limit = 1ns;
  const sim_test_result r = run_sim_seeds("Echo.X", scenario_setup("echo"), o);
  EXPECT_EQ(r.seeds_run, 1u);
  EXPECT_FALSE(r.failure.has_value());
}

// A test whose world depends on something other than the seed: a counter
// that survives from one run to the next. Every run passes on its own; only
// the determinism check can tell.
int runs_so_far = 0;
void nondeterministic_setup(sim::world& w) {
  const int delay = ++runs_so_far % 3;
  w.client("c", [delay]() -> rt::task<> { co_await rt::sleep(std::chrono::milliseconds(1 + delay)); });
}
void deterministic_setup(sim::world& w) {
  w.client("c", []() -> rt::task<> { co_await rt::sleep(std::chrono::milliseconds(1 + sim::random(3))); });
}

TEST_F(SimTestGlue, DeterminismCheckRejectsATestThatDependsOnMoreThanItsSeed) {
  sim_test_options o;
  o.seeds = 5;
  EXPECT_FALSE(run_sim_seeds("Nd.X", nondeterministic_setup, o).failure.has_value());  // unnoticed...
  o.check_determinism = true;
  const sim_test_result r = run_sim_seeds("Nd.X", nondeterministic_setup, o);  // ...until checked
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->seed, 1u);
  EXPECT_NE(r.failure->message.find("(determinism): the same seed gave two different traces"), std::string::npos)
      << r.failure->message;
}

TEST_F(SimTestGlue, DeterminismCheckAcceptsATestThatDependsOnlyOnItsSeed) {
  sim_test_options o;
  o.seeds = 20;
  o.check_determinism = true;
  const sim_test_result r = run_sim_seeds("D.X", deterministic_setup, o);
  EXPECT_FALSE(r.failure.has_value()) << r.failure->message;
  EXPECT_EQ(r.seeds_run, 20u);
}

void kv_setup(sim::world& w) { examples::find_scenario("kv")->setup(w); }

TEST_F(SimTestGlue, AFailingSimTestFailsThroughGoogleTest) {
  EXPECT_NONFATAL_FAILURE(run_sim_test("Kv", "Buggy", &kv_setup), " --gtest_filter=Kv.Buggy");
}

TEST_F(SimTestGlue, TracesGoWhereWeftTraceDirSays) {
  ::setenv("WEFT_TRACE_DIR", "elsewhere/traces", 1);
  EXPECT_NONFATAL_FAILURE(run_sim_test("Kv", "Buggy", &kv_setup), "trace: elsewhere/traces/Kv.Buggy-0x");
  EXPECT_TRUE(fs::is_directory("elsewhere/traces"));
  EXPECT_FALSE(fs::exists("weft-out"));
}

// The macro itself, on the echo scenario: passes for every default seed.
WEFT_SIM_TEST(SimTestMacro, EchoPassesForEverySeed) { examples::find_scenario("echo")->setup(world); }

sim::world_config current_thread_hosts() {
  sim::world_config c;
  c.workers = 0;
  return c;
}

WEFT_SIM_TEST_WITH(SimTestMacro, KvFixedOnCurrentThreadHosts, current_thread_hosts()) {
  EXPECT_EQ(world.config().workers, 0u);
  examples::find_scenario("kv-fixed")->setup(world);
}

}  // namespace
}  // namespace weft::props
