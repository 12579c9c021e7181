// The checker on hand-made systems whose answers are known, then every
// model of the catalogue: the correct ones hold (at their default size and a
// larger one), every bug variant is rejected with a counterexample.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "models/model.hpp"

namespace weft::models {
namespace {

// A counter two actors increment by 1 or 2 up to `limit`; the goal is
// reaching it. `bad_at` marks a value as an invariant violation;
// `sink_at` a value from which only a self-loop leads on (a cycle that
// never reaches the goal, not a stuck state).
struct counter_model {
  int limit = 6;
  int bad_at = -1;
  int sink_at = -1;
  int stop_at = -1;  // no step at all from here (stuck unless it is the limit)
  struct state {
    std::uint8_t value = 0;
  };
  std::string title() const { return "counter"; }
  state initial() const { return {}; }
  void steps(const state& s, emitter<state>& out) const {
    if (s.value == limit || s.value == stop_at) return;
    if (s.value == sink_at) {
      out.add(0, "spin", s);
      return;
    }
    for (int by = 1; by <= 2; ++by) {
      if (s.value + by > limit) continue;
      out.add(by - 1, fmt::format("+{}", by), state{static_cast<std::uint8_t>(s.value + by)});
    }
  }
  std::optional<std::string> violation(const state& s) const {
    if (s.value == bad_at) return fmt::format("value {} is bad", bad_at);
    return std::nullopt;
  }
  bool is_final(const state& s) const { return s.value == limit; }
  bool is_goal(const state& s) const { return s.value == limit; }
  std::string goal_name() const { return "limit reached"; }
  std::string describe(const state& s) const { return fmt::format("v={}", s.value); }
  std::string actor_name(int a) const { return fmt::format("a{}", a); }
};

check_result run(counter_model m) { return check(typed_model<counter_model>(m)); }

TEST(Checker, CountsStatesAndTransitionsOfAKnownGraph) {
  const check_result r = run({});
  EXPECT_EQ(r.outcome, verdict::holds);
  EXPECT_EQ(r.states, 7u);        // 0..6
  EXPECT_EQ(r.transitions, 11u);  // +1 from 0..5, +2 from 0..4
  EXPECT_EQ(r.depth, 3u);         // 0 -> 2 -> 4 -> 6: the deepest state in BFS order
  EXPECT_EQ(r.final_states, 1u);
}

TEST(Checker, InvariantCounterexampleIsAShortestPath) {
  counter_model m;
  m.bad_at = 5;
  const check_result r = run(m);
  ASSERT_EQ(r.outcome, verdict::violated);
  EXPECT_EQ(r.kind, "invariant");
  EXPECT_EQ(r.message, "value 5 is bad");
  // 0 -> 2 -> 4 -> 5 (or any other 3-step path): 3 steps is the minimum.
  ASSERT_EQ(r.counterexample.size(), 4u);
  EXPECT_EQ(r.counterexample.front().state, "v=0");
  EXPECT_EQ(r.counterexample.back().state, "v=5");
}

TEST(Checker, AStateWithoutStepsThatIsNotFinalIsStuck) {
  counter_model m;
  m.stop_at = 3;
  const check_result r = run(m);
  ASSERT_EQ(r.outcome, verdict::violated);
  EXPECT_EQ(r.kind, "stuck");
  EXPECT_EQ(r.counterexample.back().state, "v=3");
  EXPECT_EQ(r.counterexample.size(), 3u);  // 0 -> 1 -> 3 (or 0 -> 2 -> 3)
}

TEST(Checker, ACycleThatCannotReachTheGoalFailsLiveness) {
  counter_model m;
  m.sink_at = 4;
  const check_result r = run(m);
  ASSERT_EQ(r.outcome, verdict::violated);
  EXPECT_EQ(r.kind, "liveness");
  EXPECT_NE(r.message.find("limit reached"), std::string::npos);
  EXPECT_EQ(r.counterexample.back().state, "v=4");
  EXPECT_EQ(r.counterexample.size(), 3u);  // 0 -> 2 -> 4
}

TEST(Checker, StateLimitIsReportedNotGuessed) {
  counter_model m;
  m.limit = 100;
  check_options o;
  o.max_states = 10;
  const check_result r = check(typed_model<counter_model>(m), o);
  EXPECT_EQ(r.outcome, verdict::too_big);
}

TEST(Checker, DotHighlightsExactlyTheCounterexamplePath) {
  counter_model m;
  m.bad_at = 5;
  const check_result r = run(m);
  const std::string dot = to_dot("counter", r);
  // Edges drawn in red, bold: the counterexample's.
  std::size_t red_edges = 0;
  for (std::size_t at = 0, end; at < dot.size(); at = end + 1) {
    end = dot.find('\n', at);
    if (end == std::string::npos) end = dot.size();
    const std::string line = dot.substr(at, end - at);
    if (line.find(" -> ") != std::string::npos && line.find("penwidth=2.5") != std::string::npos) ++red_edges;
  }
  EXPECT_EQ(red_edges, r.counterexample.size() - 1);
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("v=5"), std::string::npos);
}

TEST(Checker, LargeGraphsAreCutToThePathAndSaySo) {
  const model_entry* e = find("timer-wheel-bug-fire-whole-slot");
  ASSERT_NE(e, nullptr);
  const auto m = e->make(e->default_threads, e->default_bound);
  const check_result r = check(*m);
  ASSERT_GT(r.states, 400u);
  const std::string dot = to_dot(m->title(), r, 400);
  EXPECT_NE(dot.find("the counterexample path and its neighbours"), std::string::npos);
  const auto nodes = static_cast<std::size_t>(std::count(dot.begin(), dot.end(), '\n'));
  EXPECT_LT(nodes, 200u);
}

// ---- the catalogue ----

TEST(Catalogue, EveryModelHasABugVariantAndNamesFollowTheScheme) {
  const auto& all = catalogue();
  ASSERT_GE(all.size(), 12u);
  for (const model_entry& e : all) {
    if (e.kind == "model") {
      const bool has_bug = std::any_of(all.begin(), all.end(), [&](const model_entry& b) {
        return b.kind == "model-bug" && b.name.rfind(e.name + "-bug-", 0) == 0;
      });
      EXPECT_TRUE(has_bug) << e.name << " has no bug variant";
    } else {
      EXPECT_EQ(e.kind, "model-bug");
      EXPECT_NE(e.name.find("-bug-"), std::string::npos) << e.name;
    }
  }
}

class EveryModel : public testing::TestWithParam<std::string> {};

TEST_P(EveryModel, VerdictMatchesItsKind) {
  const model_entry* e = find(GetParam());
  ASSERT_NE(e, nullptr);
  const auto m = e->make(e->default_threads, e->default_bound);
  const check_result r = check(*m);
  if (e->kind == "model") {
    EXPECT_EQ(r.outcome, verdict::holds) << format_report(m->title(), r);
    EXPECT_GT(r.final_states, 0u);
  } else {
    ASSERT_EQ(r.outcome, verdict::violated) << format_report(m->title(), r);
    ASSERT_GE(r.counterexample.size(), 2u);
    // The report numbers the steps and names the verdict.
    const std::string report = format_report(m->title(), r);
    EXPECT_NE(report.find("shortest counterexample"), std::string::npos);
    EXPECT_NE(report.find("verdict: violated"), std::string::npos);
  }
}

std::vector<std::string> all_names() {
  std::vector<std::string> out;
  for (const model_entry& e : catalogue()) out.push_back(e.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Models, EveryModel, testing::ValuesIn(all_names()), [](const auto& p) {
  std::string n = p.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
});

// Larger configurations of the correct models still hold.
TEST(Models, HoldAtLargerSizes) {
  const std::vector<std::tuple<std::string, int, int>> sizes = {
      {"task-state", 3, 2}, {"local-queue", 2, 5}, {"park", 3, 2}, {"mpsc", 3, 2}, {"timer-wheel", 2, 16}};
  for (const auto& [name, threads, bound] : sizes) {
    const model_entry* e = find(name);
    ASSERT_NE(e, nullptr) << name;
    const auto m = e->make(threads, bound);
    const check_result r = check(*m);
    EXPECT_EQ(r.outcome, verdict::holds) << format_report(m->title(), r);
  }
}

// The bug variants are found at every size, not only the default one.
TEST(Models, BugsAreFoundAtOtherSizes) {
  const std::vector<std::tuple<std::string, int, int>> sizes = {
      {"task-state-bug-lost-notified", 1, 1}, {"task-state-bug-lost-notified", 3, 2},
      {"park-bug-check-before-announce", 2, 1}, {"park-bug-check-before-announce", 3, 2},
      {"local-queue-bug-no-steal-mark", 2, 5}, {"mpsc-bug-no-room-handoff", 3, 2}};
  for (const auto& [name, threads, bound] : sizes) {
    const model_entry* e = find(name);
    ASSERT_NE(e, nullptr) << name;
    const auto m = e->make(threads, bound);
    EXPECT_EQ(check(*m).outcome, verdict::violated) << name << " " << threads << "/" << bound;
  }
}

// The specific failures the variants stand for.
TEST(Models, LostNotifiedStrandsAnIdleTask) {
  const model_entry* e = find("task-state-bug-lost-notified");
  const auto m = e->make(2, 2);
  const check_result r = check(*m);
  ASSERT_EQ(r.outcome, verdict::violated);
  EXPECT_EQ(r.kind, "stuck");
  EXPECT_NE(r.counterexample.back().state.find("IDLE"), std::string::npos);
  // Somewhere on the path a wake landed while the task was running.
  const bool woke_running = std::any_of(r.counterexample.begin(), r.counterexample.end(), [](const path_step& s) {
    return s.label.find("wake_by") != std::string::npos;
  });
  EXPECT_TRUE(woke_running);
}

TEST(Models, CheckBeforeAnnounceLeavesWorkQueuedWithEveryoneAsleep) {
  const model_entry* e = find("park-bug-check-before-announce");
  const auto m = e->make(2, 2);
  const check_result r = check(*m);
  ASSERT_EQ(r.outcome, verdict::violated);
  const std::string& last = r.counterexample.back().state;
  EXPECT_NE(last.find("unparked=0"), std::string::npos) << last;
  EXPECT_EQ(last.find("queue=0"), std::string::npos) << last;
}

}  // namespace
}  // namespace weft::models
