// The plain-C++ catalogue (examples/std) under the explorer, through
// weft_instrument: each bug is found by the default strategy and by dpor,
// its shrunk schedule replays the same failure, and its fixed twin passes
// 10,000 schedules and is exhausted by dpor. The programs contain no weft
// type: only the standard library.
#include <gtest/gtest.h>

#include <string>

#include "examples/std/checks.hpp"
#include "props/explore.hpp"
#include "props/strategy.hpp"

namespace weft::props {
namespace {

const check* find(const std::string& name) {
  static const std::vector<check> all = examples::std_checks();
  for (const check& c : all) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

explore_options options_for(const std::string& name) {
  explore_options o;
  o.name = name;
  std::string error;
  o.strategy = parse_strategy("portfolio", error).value();
  return o;
}

struct expectation {
  const char* name;
  sim::outcome kind;
};

class StdCatalogue : public testing::TestWithParam<expectation> {};

TEST_P(StdCatalogue, DefaultStrategyFindsTheBugAndTheFixedTwinPasses) {
  const expectation e = GetParam();
  const check* bug = find(std::string("std-") + e.name);
  const check* fixed = find(std::string("std-") + e.name + "-fixed");
  ASSERT_NE(bug, nullptr);
  ASSERT_NE(fixed, nullptr);
  const program bug_program(*bug);
  const explore_result found = explore(options_for(bug->name), bug_program);
  ASSERT_TRUE(found.failure.has_value()) << bug->name << ": not found in " << found.schedules << " schedules";
  EXPECT_EQ(found.failure->kind, e.kind) << found.summary();
  EXPECT_LE(found.failure->shrunk_preemptions, found.failure->preemptions);

  explore_options replay = options_for(bug->name);
  replay.strategy.which = strategy_spec::kind::replay;
  replay.strategy.schedule = found.failure->shrunk;
  const explore_result again = explore(replay, bug_program);
  ASSERT_TRUE(again.failure.has_value()) << again.summary();
  EXPECT_EQ(again.failure->kind, e.kind);
  EXPECT_EQ(again.failure->message, found.failure->message);

  const explore_result clean = explore(options_for(fixed->name), program(*fixed));
  EXPECT_FALSE(clean.failure.has_value()) << clean.summary();
  EXPECT_EQ(clean.schedules, 10'000u);
}

// dpor: finds each bug, and exhausts each twin (all but notify-wrong-waiter's:
// four threads on one condition variable, more classes than the budget).
TEST_P(StdCatalogue, DporFindsTheBugAndExhaustsTheFixedTwin) {
  const expectation e = GetParam();
  const check* bug = find(std::string("std-") + e.name);
  const check* fixed = find(std::string("std-") + e.name + "-fixed");
  ASSERT_NE(bug, nullptr);
  ASSERT_NE(fixed, nullptr);
  explore_options o = options_for(bug->name);
  std::string error;
  o.strategy = parse_strategy("dpor", error).value();
  o.iterations = 5'000;
  const explore_result found = explore(o, program(*bug));
  ASSERT_TRUE(found.failure.has_value()) << bug->name;
  EXPECT_EQ(found.failure->kind, e.kind) << found.summary();
  o.name = fixed->name;
  const explore_result clean = explore(o, program(*fixed));
  EXPECT_FALSE(clean.failure.has_value()) << clean.summary();
  if (std::string(e.name) != "notify-wrong-waiter") {
    EXPECT_TRUE(clean.exhausted) << clean.summary();
  }
}

INSTANTIATE_TEST_SUITE_P(Plain, StdCatalogue,
                         testing::Values(expectation{"lost-update", sim::outcome::assertion},
                                         expectation{"lost-notify", sim::outcome::lost_wakeup},
                                         expectation{"abba-deadlock", sim::outcome::deadlock},
                                         expectation{"aba-stack", sim::outcome::assertion},
                                         expectation{"steal-off-by-one", sim::outcome::assertion},
                                         expectation{"double-checked-init", sim::outcome::data_race},
                                         expectation{"condvar-no-loop", sim::outcome::assertion},
                                         expectation{"close-races-send", sim::outcome::assertion},
                                         expectation{"unlocked-counter", sim::outcome::data_race},
                                         expectation{"check-then-act", sim::outcome::assertion},
                                         expectation{"shared-upgrade", sim::outcome::assertion},
                                         expectation{"notify-wrong-waiter", sim::outcome::lost_wakeup},
                                         expectation{"store-buffering", sim::outcome::assertion},
                                         expectation{"publish-before-init", sim::outcome::crash}),
                         [](const testing::TestParamInfo<expectation>& p) {
                           std::string n = p.param.name;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace weft::props
