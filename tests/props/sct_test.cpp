// The strategies on the SCTBench-style programs (examples/sct): the default
// finds every bug, shrinking reaches each bug's fewest preemptions where
// that is at most 3, no strategy fails a fixed twin, and dpor proves the
// small fixed twins correct.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "examples/sct/sct.hpp"
#include "props/explore.hpp"

namespace weft::props {
namespace {

explore_result run(const examples::sct::program& p, const std::string& strategy, std::uint64_t budget, bool buggy,
                   bool shrink = false) {
  explore_options o;
  o.name = p.name;
  std::string error;
  o.strategy = parse_strategy(strategy, error).value();
  o.iterations = budget;
  o.shrink = shrink;
  return explore(o, buggy ? p.buggy : p.fixed);
}

// The fewest preemptions each bug needs (by hand, from the program; the
// comment in examples/sct says why), where at most 3.
const std::map<std::string, unsigned> fewest = {
    {"account", 1},   {"deadlock01", 1}, {"lazy01", 0},    {"wronglock-2", 1}, {"wronglock-8", 1},
    {"twostage-3", 1}, {"din-phil", 1},  {"stack", 1},     {"bluetooth", 1},   {"reorder-5", 1},
    {"circular-buffer", 1}, {"token-ring", 1}, {"tts-spinlock", 2}, {"barrier", 1}};

// Found by the default strategy (seed 1) within this many schedules.
constexpr std::uint64_t budget = 10'000;

class Sct : public testing::TestWithParam<std::string> {
 protected:
  const examples::sct::program& program() const {
    for (const examples::sct::program& p : examples::sct::programs()) {
      if (p.name == GetParam()) return p;
    }
    throw std::logic_error("no program " + GetParam());
  }
};

TEST_P(Sct, TheDefaultFindsTheBugAndShrinksItToItsFewestPreemptions) {
  const examples::sct::program& p = program();
  const explore_result r = run(p, "portfolio", budget, true, true);
  ASSERT_TRUE(r.failure.has_value()) << p.name << ": " << r.summary();
  const auto want = fewest.find(p.name);
  if (want != fewest.end()) {
    EXPECT_EQ(r.failure->shrunk_preemptions, want->second) << r.summary();
  }
}

TEST_P(Sct, NoStrategyFailsTheFixedTwin) {
  const examples::sct::program& p = program();
  for (const char* strategy : {"random", "pct:3", "pos", "portfolio"}) {
    const explore_result r = run(p, strategy, 1'000, false);
    EXPECT_FALSE(r.failure.has_value()) << p.name << " under " << strategy << ": " << r.summary();
  }
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const examples::sct::program& p : examples::sct::programs()) out.push_back(p.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Programs, Sct, testing::ValuesIn(names()), [](const testing::TestParamInfo<std::string>& i) {
  std::string name = i.param;
  std::erase(name, '-');
  return name;
});

// dpor exhausts the fixed twins of the small programs: every interleaving
// of them is correct, not only those sampled.
TEST(SctDpor, ProvesTheSmallFixedTwins) {
  for (const char* name : {"account", "deadlock01", "lazy01", "wronglock-2", "twostage-3", "din-phil", "stack",
                           "bluetooth", "fib-3"}) {
    for (const examples::sct::program& p : examples::sct::programs()) {
      if (p.name != name) continue;
      const explore_result r = run(p, "dpor", 200'000, false);
      EXPECT_TRUE(r.exhausted && !r.failure) << name << ": " << r.summary();
    }
  }
}

}  // namespace
}  // namespace weft::props
