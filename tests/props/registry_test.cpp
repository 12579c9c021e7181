// The registry behind WEFT_CHECK and WEFT_SCENARIO: registration order,
// names unique across checks and scenarios, bad names refused with where
// they were registered.
#include "props/registry.hpp"

#include <gtest/gtest.h>

namespace weft::props {
namespace {

WEFT_CHECK("registry-test-check", "a check registered by the macro") {}
WEFT_SCENARIO("registry-test-scenario", "a scenario registered by the macro") { (void)world; }

check named(const std::string& name) {
  check c;
  c.name = name;
  c.body = [] {};
  return c;
}

TEST(Registry, MacrosRegisterIntoTheProgramsRegistry) {
  const registry& r = registrations();
  const check* c = r.find_check("registry-test-check");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, "check");
  EXPECT_EQ(c->description, "a check registered by the macro");
  const sim::scenario* s = r.find_scenario("registry-test-scenario");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->kind, "scenario");
  EXPECT_TRUE(r.errors().empty());
}

TEST(Registry, NamesAreUniqueAcrossChecksAndScenarios) {
  registry r;
  EXPECT_TRUE(r.add(named("a"), "x.cpp:1"));
  sim::scenario s;
  s.name = "a";
  s.setup = [](sim::world&) {};
  EXPECT_FALSE(r.add(s, "y.cpp:2"));
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0], "y.cpp:2: scenario 'a' is registered twice (first at x.cpp:1)");
  EXPECT_EQ(r.scenarios().size(), 0u);
}

TEST(Registry, NamesAScheduleCannotHoldAreRefused) {
  registry r;
  for (const char* bad : {"", "has space", "colon:name", "ünï"}) EXPECT_FALSE(r.add(named(bad), "z.cpp:3")) << bad;
  EXPECT_FALSE(r.add(named(std::string(101, 'x'))));
  EXPECT_EQ(r.errors().size(), 5u);
  EXPECT_EQ(r.errors()[1], "z.cpp:3: check name 'has space' is not valid: use 1 to 100 of the characters A-Z a-z 0-9 _ . - /");
  EXPECT_TRUE(r.add(named("ok.name-1/x_y")));
  EXPECT_EQ(r.checks().size(), 1u);
}

TEST(Registry, KeepsRegistrationOrder) {
  registry r;
  for (const char* n : {"c", "a", "b"}) r.add(named(n));
  ASSERT_EQ(r.checks().size(), 3u);
  EXPECT_EQ(r.checks()[0].name, "c");
  EXPECT_EQ(r.checks()[2].name, "b");
}

}  // namespace
}  // namespace weft::props
