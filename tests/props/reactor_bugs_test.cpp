// The reactor bug catalogue: each reactor-bug-<defect> scenario runs the
// runtime's own reactor core with one defect on, and the world must find
// the lost wake-up it causes; the twin reactor-echo must stay clean.
#include <gtest/gtest.h>

#include <string>

#include "examples/scenarios/registry.hpp"
#include "sim/world/scenario.hpp"

namespace weft::examples {
namespace {

// The first failing seed among 1..budget, or 0.
sim::seed_result first_failure(const sim::scenario& s, std::uint64_t budget) {
  for (std::uint64_t seed = 1; seed <= budget; ++seed) {
    sim::seed_result r = sim::run_seed(s, seed);
    if (!r.report.ok()) return r;
  }
  return {};
}

class ReactorBug : public ::testing::TestWithParam<const char*> {};

TEST_P(ReactorBug, IsFoundAsAStalledConnectionAndReplaysExactly) {
  const sim::scenario* s = find_scenario(GetParam());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, "bug");
  EXPECT_NE(s->config.defects, 0u);
  const sim::seed_result found = first_failure(*s, 400);
  ASSERT_NE(found.seed, 0u) << GetParam() << " was not found in 400 seeds";
  EXPECT_NE(found.report.message.find("stalled"), std::string::npos) << found.report.message;
  const sim::seed_result again = sim::run_seed(*s, found.seed);
  EXPECT_EQ(again.trace_hash, found.trace_hash);
  EXPECT_EQ(again.report.message, found.report.message);
}

INSTANTIATE_TEST_SUITE_P(Catalogue, ReactorBug,
                         ::testing::Values("reactor-bug-clear-ignores-tick", "reactor-bug-unchecked-waker",
                                           "reactor-bug-wake-before-set"),
                         [](const auto& p) {
                           std::string name = p.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

TEST(ReactorEcho, TheCorrectCoreStaysCleanUnderTheSameWorkload) {
  const sim::scenario* s = find_scenario("reactor-echo");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, "fixed");
  EXPECT_EQ(s->config.defects, 0u);
  const sim::seed_result found = first_failure(*s, 200);
  EXPECT_EQ(found.seed, 0u) << "seed " << found.seed << ": " << found.report.message;
}

}  // namespace
}  // namespace weft::examples
