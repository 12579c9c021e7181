// The lease and election services: each bug is found by plain seeds and by
// PCT, needs a network fault (with every optional fault switched off no
// seed fails), and each fixed twin stays clean.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "examples/scenarios/registry.hpp"
#include "props/explore.hpp"
#include "sim/core/decision.hpp"
#include "sim/world/scenario.hpp"
#include "tests/props/world_scenarios.hpp"

namespace weft::props {
namespace {

using testing_support::options;
using testing_support::scenario;

struct service {
  std::string name;
  std::string violation;  // what its checker says
};

class Services : public testing::TestWithParam<service> {};

// A seeded source that answers 0 to every fault-plan choice: each optional
// fault's "does it happen" draw says no, so the run has no fault at all.
class no_faults_source final : public sim::decision_source {
 public:
  explicit no_faults_source(std::uint64_t seed) : random_(seed) {}
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override {
    const std::uint64_t v = random_.choose(options, kind);
    return kind == sim::choice_kind::fault ? 0 : v;
  }

 private:
  sim::random_source random_;
};

TEST_P(Services, TheBugIsFoundByPlainSeeds) {
  const sim::scenario& s = scenario(GetParam().name);
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    const sim::seed_result r = sim::run_seed(s, seed);
    if (r.report.ok()) continue;
    EXPECT_EQ(r.report.result, sim::outcome::exception) << r.report.message;
    EXPECT_NE(r.report.message.find(GetParam().violation), std::string::npos) << r.report.message;
    return;
  }
  ADD_FAILURE() << GetParam().name << ": no failing seed in 1..400";
}

TEST_P(Services, TheBugNeedsANetworkFault) {
  const sim::scenario& s = scenario(GetParam().name);
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    sim::world w(std::make_unique<no_faults_source>(seed), s.config);
    s.setup(w);
    const sim::run_report r = w.run();
    EXPECT_TRUE(r.ok()) << GetParam().name << " seed " << seed << " failed without faults: " << r.message;
    EXPECT_EQ(w.faults(), 0u);
  }
}

TEST_P(Services, TheFixedTwinStaysClean) {
  const sim::scenario& s = scenario(GetParam().name + "-fixed");
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const sim::seed_result r = sim::run_seed(s, seed);
    EXPECT_TRUE(r.report.ok()) << s.name << " seed " << seed << ": " << r.report.message;
  }
}

TEST_P(Services, PctFindsTheBugAndLeavesTheFixedTwinClean) {
  explore_options o = options(GetParam().name, "pct:3", 300);
  o.shrink = false;
  const explore_result found = explore(o, scenario(GetParam().name));
  ASSERT_TRUE(found.failure) << found.summary();
  EXPECT_NE(found.failure->message.find(GetParam().violation), std::string::npos) << found.failure->message;
  EXPECT_GE(found.failure->faults, 1u);
  const std::string fixed = GetParam().name + "-fixed";
  const explore_result clean = explore(options(fixed, "pct:3", 30), scenario(fixed));
  EXPECT_FALSE(clean.failure) << clean.summary();
}

INSTANTIATE_TEST_SUITE_P(LeaseAndElection, Services,
                         testing::Values(service{"lease", "two holders: "},
                                         service{"election", "two leaders in term "}),
                         [](const testing::TestParamInfo<service>& p) { return p.param.name; });

}  // namespace
}  // namespace weft::props
