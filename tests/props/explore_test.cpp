// props::explore: the strategies, shrinking, replay and the bug catalogue.
// Every catalogue bug must be found within the default budget, with the
// failure kind users expect, and its fixed twin must pass the same budget.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "examples/bugs/catalogue.hpp"
#include "props/explore.hpp"
#include "props/linearizability.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"
#include "sim/core/schedule.hpp"

namespace weft::props {
namespace {

strategy_spec strategy(const std::string& text) {
  std::string error;
  const auto s = parse_strategy(text, error);
  EXPECT_TRUE(s.has_value()) << error;
  return s.value_or(strategy_spec{});
}

explore_options options_for(const std::string& name, const std::string& strat = "portfolio") {
  explore_options o;
  o.name = name;
  o.strategy = strategy(strat);
  return o;
}

// Two threads each increment a counter `ops` times with load + store.
void racy_counter(int ops) {
  sys::atomic<int> counter{0};
  const auto work = [&] {
    for (int i = 0; i < ops; ++i) counter.store(counter.load(std::memory_order_acquire) + 1, std::memory_order_release);
  };
  sys::thread a("a", work);
  sys::thread b("b", work);
  a.join();
  b.join();
  WEFT_ASSERT(counter.load(std::memory_order_acquire) == 2 * ops, "an increment was lost");
}

// ---- the catalogue ----

struct expectation {
  const char* name;
  sim::outcome kind;
};

class Catalogue : public testing::TestWithParam<expectation> {};

TEST_P(Catalogue, DefaultStrategyFindsTheBugAndTheFixedTwinPasses) {
  const expectation e = GetParam();
  const examples::check* bug = examples::find_check(e.name);
  const examples::check* fixed = examples::find_check(std::string(e.name) + "-fixed");
  ASSERT_NE(bug, nullptr);
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(bug->kind, "bug");
  EXPECT_EQ(fixed->kind, "fixed");

  // As the catalogue registers them: the relaxed-memory bugs under weak memory.
  const program bug_program(*bug);
  const program fixed_program(*fixed);
  const explore_result found = explore(options_for(bug->name), bug_program);
  ASSERT_TRUE(found.failure.has_value()) << bug->name << ": not found in " << found.schedules << " schedules";
  EXPECT_LE(found.failure->iteration, 10'000u);
  EXPECT_EQ(found.failure->kind, e.kind) << found.summary();
  EXPECT_LE(found.failure->shrunk_preemptions, found.failure->preemptions);

  // The shrunk schedule replays strictly, the same way.
  explore_options replay = options_for(bug->name);
  replay.strategy.which = strategy_spec::kind::replay;
  replay.strategy.schedule = found.failure->shrunk;
  const explore_result again = explore(replay, bug_program);
  ASSERT_TRUE(again.failure.has_value()) << again.summary();
  EXPECT_EQ(again.failure->kind, e.kind);
  EXPECT_EQ(again.failure->message, found.failure->message);

  const explore_result clean = explore(options_for(fixed->name), fixed_program);
  EXPECT_FALSE(clean.failure.has_value()) << clean.summary();
  EXPECT_EQ(clean.schedules, 10'000u);
}

INSTANTIATE_TEST_SUITE_P(Bugs, Catalogue,
                         testing::Values(expectation{"lost-notify", sim::outcome::lost_wakeup},
                                         expectation{"abba-deadlock", sim::outcome::deadlock},
                                         expectation{"aba-stack", sim::outcome::assertion},
                                         expectation{"steal-off-by-one", sim::outcome::assertion},
                                         expectation{"double-checked-init", sim::outcome::data_race},
                                         expectation{"lost-update", sim::outcome::assertion},
                                         expectation{"condvar-no-loop", sim::outcome::assertion},
                                         expectation{"close-races-send", sim::outcome::assertion},
                                         expectation{"store-buffering", sim::outcome::assertion},
                                         expectation{"relaxed-publish", sim::outcome::assertion},
                                         expectation{"seqlock-fence", sim::outcome::assertion},
                                         expectation{"wake-by-ref-release", sim::outcome::assertion}),
                         [](const testing::TestParamInfo<expectation>& param) {
                           std::string n = param.param.name;
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(Catalogue, EveryBugHasItsFixedTwinAndNamesAreUnique) {
  std::set<std::string> names;
  for (const examples::check& c : examples::checks()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    if (c.kind == "bug") {
      EXPECT_NE(examples::find_check(c.name + "-fixed"), nullptr) << c.name;
    }
  }
  EXPECT_GE(names.size(), 16u);
}

// ---- leaks ----

rt::task<int> answer() { co_return 42; }

// A join handle stored somewhere that outlives the run keeps its task's
// cell (and the frame's block) allocated: the run ends cleanly, but a frame
// is still allocated. The twin drops the handle with the runtime.
// Reachable from a global, so LeakSanitizer does not count what it holds.
std::vector<rt::join_handle<int>>* kept_handles = nullptr;

template <bool Fixed>
void keep_a_handle() {
  rt::runtime runtime = rt::builder::current_thread().build();
  std::vector<rt::join_handle<int>> local;
  if (!Fixed && kept_handles == nullptr) kept_handles = new std::vector<rt::join_handle<int>>();
  runtime.block_on([&]() -> rt::task<> {
    (Fixed ? local : *kept_handles).push_back(rt::spawn(answer()));
    co_return;
  }());
}

TEST(Leaks, AHandleKeptPastTheRunIsALeakedFrame) {
  explore_options o = options_for("leak", "random");
  o.iterations = 20;
  const explore_result leaky = explore(o, keep_a_handle<false>);
  ASSERT_TRUE(leaky.failure.has_value());
  EXPECT_EQ(leaky.failure->kind, sim::outcome::leak);
  EXPECT_EQ(leaky.failure->message,
            "leak: 1 coroutine frame was still allocated when every thread had finished (a task or awaited body "
            "never freed)");
  const explore_result clean = explore(o, keep_a_handle<true>);
  EXPECT_FALSE(clean.failure.has_value()) << clean.summary();
}

// ---- linearizability ----

struct inc_op {
  friend std::ostream& operator<<(std::ostream& os, const inc_op&) { return os << "inc()"; }
};
struct counter_model {
  int value = 0;
  int apply(const inc_op&) { return ++value; }
  std::size_t hash() const { return static_cast<std::size_t>(value); }
  friend bool operator==(const counter_model&, const counter_model&) = default;
};

// Two threads increment a shared counter, recording each call and the value
// it returned; the body ends by requiring the history to be linearizable.
template <bool Fixed>
void counter_history() {
  history<inc_op, int> h;
  sys::atomic<int> counter{0};
  const auto worker = [&](std::uint32_t t) {
    const std::size_t id = h.invoke(t, inc_op{});
    int now = 0;
    if constexpr (Fixed) {
      now = counter.fetch_add(1, std::memory_order_acq_rel) + 1;
    } else {
      now = counter.load(std::memory_order_acquire) + 1;
      counter.store(now, std::memory_order_release);
    }
    h.complete(id, now);
  };
  sys::thread a("a", [&] { worker(0); });
  sys::thread b("b", [&] { worker(1); });
  a.join();
  b.join();
  require_linearizable(h, counter_model{});
}

TEST(Linearizability, AViolationEndsTheRunAndIsShrunkLikeAnyFailure) {
  const explore_result bad = explore(options_for("counter"), counter_history<false>);
  ASSERT_TRUE(bad.failure.has_value());
  EXPECT_EQ(bad.failure->kind, sim::outcome::not_linearizable);
  EXPECT_NE(bad.failure->message.find("not linearizable:"), std::string::npos) << bad.failure->message;
  EXPECT_NE(bad.failure->message.find("inc() -> 1"), std::string::npos) << bad.failure->message;
  EXPECT_EQ(bad.failure->message.find('\n'), std::string::npos) << "one line";
  EXPECT_EQ(bad.failure->shrunk_preemptions, 1u);
  const explore_result good = explore(options_for("counter"), counter_history<true>);
  EXPECT_FALSE(good.failure.has_value()) << good.summary();
}

// ---- dfs ----

TEST(Dfs, ABoundTooSmallForTheBugExhaustsCleanlyAndOneMoreFindsIt) {
  // The lost update needs one preemption (between a thread's load and its store).
  const explore_result none = explore(options_for("c", "dfs:0"), [] { racy_counter(1); });
  EXPECT_FALSE(none.failure.has_value()) << none.summary();
  EXPECT_TRUE(none.exhausted);
  EXPECT_NE(none.summary().find("exhausted"), std::string::npos) << none.summary();

  const explore_result one = explore(options_for("c", "dfs:1"), [] { racy_counter(1); });
  ASSERT_TRUE(one.failure.has_value());
  EXPECT_EQ(one.failure->kind, sim::outcome::assertion);
  EXPECT_EQ(one.failure->preemptions, 1u);
}

TEST(Dfs, ScheduleCountsGrowWithTheBoundAndAreDeterministic) {
  const auto fixed = examples::find_check("lost-update-fixed");
  ASSERT_NE(fixed, nullptr);
  std::uint64_t previous = 0;
  for (const char* s : {"dfs:0", "dfs:1", "dfs:2", "dfs:3"}) {
    const explore_result r = explore(options_for(fixed->name, s), fixed->body);
    ASSERT_FALSE(r.failure.has_value()) << r.summary();
    EXPECT_TRUE(r.exhausted) << s;
    EXPECT_GT(r.schedules, previous) << s;
    const explore_result again = explore(options_for(fixed->name, s), fixed->body);
    EXPECT_EQ(again.schedules, r.schedules) << s;
    previous = r.schedules;
  }
}

TEST(Dfs, SpinLoopsDoNotMakeTheSearchInfinite) {
  // A thread that spins (yielding) until another sets a flag: after a yield
  // the spinner is not an alternative, so each spin lets the setter run.
  const auto spin = [] {
    sys::atomic<bool> flag{false};
    sys::thread setter("setter", [&] { flag.store(true, std::memory_order_release); });
    while (!flag.load(std::memory_order_acquire)) sys::spin_hint();
    setter.join();
  };
  for (const char* s : {"dfs:0", "dfs:2", "pct:3", "random"}) {
    explore_options o = options_for("spin", s);
    o.iterations = 500;
    const explore_result r = explore(o, spin);
    EXPECT_FALSE(r.failure.has_value()) << s << "\n" << r.summary();
  }
}

// ---- pct and the portfolio ----

TEST(Pct, FindsADepthTwoBugAndIsReproducibleBySeed) {
  explore_options o = options_for("c", "pct:2");
  o.iterations = 1'000;
  const explore_result a = explore(o, [] { racy_counter(3); });
  ASSERT_TRUE(a.failure.has_value());
  EXPECT_NE(a.failure->found_by.find("pct:2 seed=0x"), std::string::npos) << a.failure->found_by;
  const explore_result b = explore(o, [] { racy_counter(3); });
  ASSERT_TRUE(b.failure.has_value());
  EXPECT_EQ(a.failure->schedule, b.failure->schedule);
  EXPECT_EQ(a.failure->iteration, b.failure->iteration);
}

TEST(Portfolio, RotatesRandomAndPctDepths) {
  explore_options o = options_for("c");
  o.iterations = 8;
  std::set<std::string> seen;
  for (std::uint64_t seed = 1; seed <= 400 && seen.size() < 2; ++seed) {
    o.seed = seed;
    const explore_result r = explore(o, [] { racy_counter(2); });
    if (r.failure) seen.insert(r.failure->found_by.substr(0, r.failure->found_by.find(' ')));
  }
  EXPECT_GE(seen.size(), 2u) << "the portfolio should find bugs with more than one strategy";
}

// ---- shrinking ----

TEST(Shrink, TheShrunkScheduleHasFewerPreemptionsAndStillFails) {
  explore_options o = options_for("c", "random");
  o.iterations = 1'000;
  const explore_result r = explore(o, [] { racy_counter(4); });
  ASSERT_TRUE(r.failure.has_value());
  // A random schedule switches threads often; one preemption is enough.
  EXPECT_GT(r.failure->preemptions, 1u);
  EXPECT_EQ(r.failure->shrunk_preemptions, 1u) << r.summary();
  EXPECT_NE(r.failure->shrunk, r.failure->schedule);

  explore_options no_shrink = o;
  no_shrink.shrink = false;
  const explore_result raw = explore(no_shrink, [] { racy_counter(4); });
  ASSERT_TRUE(raw.failure.has_value());
  EXPECT_EQ(raw.failure->shrunk, raw.failure->schedule);
}

// ---- replay and bad input ----

TEST(Replay, AScheduleOfAnotherCheckIsRefused) {
  explore_options o = options_for("c");
  o.strategy.which = strategy_spec::kind::replay;
  o.strategy.schedule = sim::encode_schedule("other", {});
  const explore_result r = explore(o, [] { racy_counter(1); });
  EXPECT_EQ(r.error, "schedule is for 'other', not 'c'");
  EXPECT_EQ(r.executions, 0u);
}

TEST(Replay, AMalformedScheduleNamesThePosition) {
  explore_options o = options_for("c");
  o.strategy.which = strategy_spec::kind::replay;
  o.strategy.schedule = "w1:c:AA!A";
  const explore_result r = explore(o, [] { racy_counter(1); });
  EXPECT_NE(r.error.find("position"), std::string::npos) << r.error;
}

TEST(Replay, AScheduleThatNoLongerFitsStopsAtTheMismatch) {
  // Recorded on a one-increment program, replayed on a three-increment one.
  explore_options o = options_for("c", "random");
  o.iterations = 1'000;
  const explore_result found = explore(o, [] { racy_counter(1); });
  ASSERT_TRUE(found.failure.has_value());
  explore_options replay = options_for("c");
  replay.strategy.which = strategy_spec::kind::replay;
  replay.strategy.schedule = found.failure->shrunk;
  const explore_result r = explore(replay, [] { racy_counter(3); });
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->kind, sim::outcome::mismatch);
  EXPECT_NE(r.failure->message.find("schedule does not match this program at step"), std::string::npos)
      << r.failure->message;
}

TEST(Strategy, BadSpecificationsAreOneClearLine) {
  std::string error;
  EXPECT_FALSE(parse_strategy("pct:0", error));
  EXPECT_EQ(error, "invalid strategy 'pct:0': pct:N needs N in 1..16");
  EXPECT_FALSE(parse_strategy("dfs:x", error));
  EXPECT_EQ(error, "invalid strategy 'dfs:x': dfs:N needs N in 0..8");
  EXPECT_FALSE(parse_strategy("bfs", error));
  EXPECT_NE(error.find("unknown strategy 'bfs'"), std::string::npos);
  EXPECT_EQ(parse_strategy("dfs:2", error)->text(), "dfs:2");
  EXPECT_EQ(parse_strategy("pct:3", error)->text(), "pct:3");
}

TEST(Environment, StrategyIterationsAndScheduleOverrideOptions) {
  explore_options o;
  ::setenv("WEFT_STRATEGY", "dfs:1", 1);
  ::setenv("WEFT_ITERATIONS", "77", 1);
  EXPECT_FALSE(apply_explore_environment(o).has_value());
  EXPECT_EQ(o.strategy.text(), "dfs:1");
  EXPECT_EQ(o.iterations, 77u);
  ::setenv("WEFT_SCHEDULE", "w1:c:AA", 1);
  EXPECT_FALSE(apply_explore_environment(o).has_value());
  EXPECT_EQ(o.strategy.which, strategy_spec::kind::replay);
  ::setenv("WEFT_STRATEGY", "pct:99", 1);
  const auto error = apply_explore_environment(o);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(*error, "WEFT_STRATEGY=pct:99: invalid strategy 'pct:99': pct:N needs N in 1..16");
  ::unsetenv("WEFT_STRATEGY");
  ::unsetenv("WEFT_ITERATIONS");
  ::unsetenv("WEFT_SCHEDULE");
}

TEST(Environment, TimeLimitIsAWallClockBudgetAndBadValuesNameTheVariable) {
  explore_options o;
  ::setenv("WEFT_TIME_LIMIT", "1500ms", 1);
  EXPECT_FALSE(apply_explore_environment(o).has_value());
  EXPECT_EQ(o.time, std::chrono::nanoseconds(std::chrono::milliseconds(1500)));
  const std::pair<const char*, const char*> bad[] = {
      {"WEFT_TIME_LIMIT", "soon"}, {"WEFT_ITERATIONS", "-1"}, {"WEFT_ITERATIONS", "0"},
      {"WEFT_ITERATIONS", "18446744073709551616"}, {"WEFT_STRATEGY", "bfs"}};
  ::unsetenv("WEFT_TIME_LIMIT");
  for (const auto& [name, value] : bad) {
    ::setenv(name, value, 1);
    const auto error = apply_explore_environment(o);
    ASSERT_TRUE(error.has_value()) << name << "=" << value;
    EXPECT_EQ(error->rfind(std::string(name) + "=" + value + ": ", 0), 0u) << *error;
    EXPECT_EQ(error->find('\n'), std::string::npos);
    ::unsetenv(name);
  }
}

TEST(Trace, TheFailingScheduleIsWrittenWithThreadNamesAndNeverOverwritten) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "weft-explore-trace-test";
  std::filesystem::remove_all(dir);
  explore_options o = options_for("lost-update", "dfs:1");
  o.trace_dir = dir.string();
  const examples::check* bug = examples::find_check("lost-update");
  const explore_result first = explore(o, bug->body);
  const explore_result second = explore(o, bug->body);
  ASSERT_TRUE(first.failure && second.failure);
  EXPECT_EQ(first.failure->trace_file, (dir / "lost-update.schedule.jsonl").string());
  EXPECT_EQ(second.failure->trace_file, (dir / "lost-update-1.schedule.jsonl").string());
  std::ifstream in(first.failure->trace_file);
  std::string header;
  std::getline(in, header);
  EXPECT_NE(header.find("\"schedule\":\"" + first.failure->shrunk + "\""), std::string::npos) << header;
  EXPECT_NE(header.find("\"outcome\":\"assertion\""), std::string::npos) << header;
  std::string line;
  bool named = false;
  bool preemption = false;
  while (std::getline(in, line)) {
    named = named || line.find("\"name\":\"a\"") != std::string::npos;
    preemption = preemption || line.find("\"preemption\":true") != std::string::npos;
  }
  EXPECT_TRUE(named);
  EXPECT_TRUE(preemption);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace weft::props
