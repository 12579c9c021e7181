// weft's weak memory against RC11 on the litmus tests (props/litmus.hpp):
// every test reaches exactly the outcomes RC11 allows, with dpor and DFS
// agreeing; and the comparison catches a memory that is too strong.
#include <gtest/gtest.h>

#include <string>

#include "props/litmus.hpp"

namespace weft::props::litmus {
namespace {

std::string shown(const test& t, const std::set<outcome>& s) {
  std::string out;
  for (const outcome& o : s) out += " {" + describe(t, o) + "}";
  return out;
}

class EveryLitmusTest : public testing::TestWithParam<const test*> {};

TEST_P(EveryLitmusTest, ReachesWhatRC11Allows) {
  const test& t = *GetParam();
  const result r = run(t);
  EXPECT_TRUE(r.exhausted) << t.name;
  EXPECT_EQ(r.reached, r.allowed) << t.name << ": reached" << shown(t, r.reached) << "; allowed" << shown(t, r.allowed);
  EXPECT_EQ(r.reached.contains(t.weak), t.allowed) << t.name;
  EXPECT_TRUE(r.dfs_agrees()) << t.name << ": dfs reached" << shown(t, r.reached_dfs);
  // The weak outcome is never sequentially consistent (else the test shows nothing).
  EXPECT_FALSE(r.reached_sc.contains(t.weak)) << t.name;
  EXPECT_TRUE(r.agrees()) << t.name;
}

std::vector<const test*> all_tests() {
  std::vector<const test*> v;
  for (const test& t : tests()) v.push_back(&t);
  return v;
}

std::string test_name(const testing::TestParamInfo<const test*>& info) {
  std::string n;
  for (char c : info.param->name) n += (c == '+' || c == '.') ? '_' : c;
  return n;
}

INSTANTIATE_TEST_SUITE_P(Litmus, EveryLitmusTest, testing::ValuesIn(all_tests()), test_name);

TEST(Litmus, TheTableCoversTheClassicShapes) {
  for (const char* family : {"SB", "MP", "LB", "IRIW", "WRC", "2", "R", "S", "CoRR", "CoRR2", "CoWR", "CoRW", "CoWW"}) {
    EXPECT_FALSE(select(family).empty()) << family;
  }
  EXPECT_EQ(select("2+2W+rlx").size(), 1u);
  EXPECT_TRUE(select("XY").empty());
}

// The twin: with one store remembered per location every load reads the
// newest store, i.e. sequential consistency. The allowed weak outcomes are
// then missed, and the comparison must say so.
TEST(Litmus, AMemoryTooStrongIsCaught) {
  for (const char* name : {"SB+rlx", "MP+rlx", "IRIW+rlx", "WRC+rlx"}) {
    const test& t = *select(name).front();
    const result r = run(t, false, 1);
    EXPECT_FALSE(r.reached.contains(t.weak)) << name;
    EXPECT_FALSE(r.agrees()) << name;
  }
}

TEST(Litmus, EachOutcomeIsDrawnWithItsReadsFromAndModificationOrder) {
  const test& t = *select("SB+rlx").front();
  const result r = run(t, true);
  ASSERT_EQ(r.executions.size(), 4u);
  const std::string dot = draw(t, r);
  EXPECT_NE(dot.find("digraph \"SB+rlx\""), std::string::npos);
  EXPECT_NE(dot.find("r0=0 r1=0  (the weak outcome)"), std::string::npos) << dot;
  EXPECT_NE(dot.find("a: W x = 1 rlx"), std::string::npos) << dot;
  EXPECT_NE(dot.find("b: R x = 0 rlx"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"rf\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"mo\""), std::string::npos);
  EXPECT_EQ(dot.find("cluster_4"), std::string::npos);  // one cluster per outcome
}

}  // namespace
}  // namespace weft::props::litmus
