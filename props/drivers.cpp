#include "props/drivers.hpp"

#include <algorithm>
#include <array>
#include <tuple>

#include <fmt/format.h>

#include "props/dpor.hpp"
#include "props/pos.hpp"
#include "runtime/sys/assert.hpp"
#include "sim/core/schedule.hpp"

namespace weft::props {
namespace {

// random, pct:D, pos and the portfolio: iteration i runs with seed + i.
//
// The portfolio rotates random, pct:D, pos, pct:D, where D follows the
// number of threads the program has shown so far: 3 for up to 6 threads,
// then one per two threads up to 10. Each member is there for programs
// the others miss (docs/explore.md, "The strategies on SCTBench-style
// programs"): random for long alternations of two threads (no priority
// scheme produces 9 hand-overs), deep PCT for one thread that must run in
// a narrow window among many (a reader among 20 or 100 writers), pos for
// races among few operations in much unrelated work; PCT has two slots
// because its windows are the narrowest. (Measured against an eight-slot
// rotation with pct:3 beside pct:D, over 15 seeds: the four slots keep
// every hard program's median under 10,000 schedules, the eight do not.)
class seeded_driver final : public driver {
 public:
  seeded_driver(strategy_spec s, std::uint64_t seed) : spec_(s), seed_(seed) {}

  sim::decision_source& begin() override {
    kind_ = spec_.which;
    depth_ = spec_.depth;
    if (kind_ == strategy_spec::kind::portfolio) {
      std::tie(kind_, depth_) = rotation[iteration_ % rotation.size()];
      if (kind_ == strategy_spec::kind::pct && depth_ == 0) depth_ = portfolio_depth();
    }
    const std::uint64_t seed = seed_ + iteration_;
    if (kind_ == strategy_spec::kind::pct) return source_.emplace<pct_source>(seed, depth_, expected_steps_);
    if (kind_ == strategy_spec::kind::pos) return source_.emplace<pos_source>(seed);
    return source_.emplace<sim::random_source>(seed);
  }

  bool end(execution& e) override {
    // PCT spreads its change points over the expected run length, learnt
    // from its own runs as they go: in the portfolio, random's runs of a
    // program with contended locks are many times longer than PCT's, and
    // change points spread over those would mostly fall after PCT's end.
    if (kind_ == strategy_spec::kind::pct) expected_steps_ = std::max(expected_steps_, e.thread_choices);
    threads_seen_ = std::max(threads_seen_, e.threads);
    ++iteration_;
    return true;
  }

  bool more() const override { return true; }

  std::string last_run() const override {
    WEFT_ASSERT(iteration_ > 0, "last_run() after a run");
    const std::string what = kind_ == strategy_spec::kind::pct   ? fmt::format("pct:{}", depth_)
                             : kind_ == strategy_spec::kind::pos ? "pos"
                                                                 : "random";
    return fmt::format("{} seed={:#x}", what, seed_ + iteration_ - 1);
  }

 private:
  unsigned portfolio_depth() const noexcept {
    return static_cast<unsigned>(std::clamp<std::size_t>(threads_seen_ / 2, 3, 10));
  }
  // Depth 0: D.
  static constexpr std::array<std::pair<strategy_spec::kind, unsigned>, 4> rotation = {
      std::pair{strategy_spec::kind::random, 0u}, std::pair{strategy_spec::kind::pct, 0u},
      std::pair{strategy_spec::kind::pos, 0u},    std::pair{strategy_spec::kind::pct, 0u}};
  strategy_spec spec_;
  std::uint64_t seed_;
  std::uint64_t iteration_ = 0;
  std::uint64_t expected_steps_ = 64;
  std::size_t threads_seen_ = 2;
  strategy_spec::kind kind_ = strategy_spec::kind::random;
  unsigned depth_ = 0;
  std::variant<std::monostate, sim::random_source, pct_source, pos_source> source_;
};

class dfs_driver final : public driver {
 public:
  explicit dfs_driver(unsigned bound) : dfs_(bound) {}
  sim::decision_source& begin() override {
    WEFT_ASSERT(more_, "dfs: begin() after the bound was exhausted");
    dfs_.begin_run();
    return dfs_;
  }
  bool end(execution&) override {
    const bool is_new = dfs_.run_is_new();
    more_ = dfs_.end_run();
    return is_new;
  }
  bool more() const override { return more_; }
  bool exhaustive() const override { return true; }
  std::string last_run() const override { return fmt::format("dfs:{}", dfs_.bound()); }

 private:
  dfs_explorer dfs_;
  bool more_ = true;
};

class dpor_driver final : public driver {
 public:
  sim::decision_source& begin() override {
    WEFT_ASSERT(more_, "dpor: begin() after exhaustion");
    dpor_.begin_run();
    return dpor_;
  }
  bool end(execution& e) override {
    const bool redundant = dpor_.run_was_redundant();
    more_ = dpor_.end_run(e);
    if (e.report.result == sim::outcome::livelock) {
      // A run that reaches the step bound under dpor is one of its unfair
      // orders of spin loops, not a verdict: dpor assumes runs end
      // (docs/explore.md); the other strategies report livelocks.
      ++unfair_;
      return false;
    }
    return !redundant;  // a run cut short by sleep sets is not a schedule
  }
  std::uint64_t redundant_runs() const override { return dpor_.redundant_runs() + unfair_; }
  bool more() const override { return more_; }
  bool exhaustive() const override { return true; }
  std::string last_run() const override { return "dpor"; }

 private:
  dpor_explorer dpor_;
  bool more_ = true;
  std::uint64_t unfair_ = 0;
};

// One run along the schedule, strictly.
class replay_driver final : public driver {
 public:
  explicit replay_driver(std::vector<sim::choice> choices) : choices_(std::move(choices)), replay_(choices_) {}
  sim::decision_source& begin() override {
    WEFT_ASSERT(!done_, "replay: one run only");
    return replay_;
  }
  bool end(execution& e) override {
    done_ = true;
    if (replay_.exhausted() || e.report.result == sim::outcome::mismatch) return true;
    // The run ended with choices of the schedule left over: it is not the
    // run that schedule was recorded from (a recorded run ends with its
    // last choice, failing or not), e.g. a schedule with junk appended.
    const std::string how = e.report.ok() ? "it ended" : fmt::format("it failed ({})", sim::outcome_name(e.report.result));
    e.report.result = sim::outcome::mismatch;
    e.report.message = fmt::format("schedule does not match this program: {} at step {} with {} of the schedule's {} "
                                   "choices unused",
                                   how, e.report.steps, choices_.size() - replay_.position(), choices_.size());
    e.report.blocked.clear();
    return true;
  }
  bool more() const override { return !done_; }
  std::string last_run() const override { return "replay"; }

 private:
  std::vector<sim::choice> choices_;
  sim::replay_source replay_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<driver> make_dfs_driver(unsigned max_preemptions) {
  return std::make_unique<dfs_driver>(max_preemptions);
}

std::unique_ptr<driver> make_driver(const explore_options& o, std::string& error) {
  switch (o.strategy.which) {
    case strategy_spec::kind::dfs:
      return make_dfs_driver(o.strategy.depth);
    case strategy_spec::kind::dpor:
      return std::make_unique<dpor_driver>();
    case strategy_spec::kind::replay: {
      const sim::parsed_schedule parsed = sim::decode_schedule(o.strategy.schedule);
      if (!parsed) {
        error = parsed.error.message;
        return nullptr;
      }
      if (!o.name.empty() && parsed.value->name != o.name) {
        error = "schedule is for '" + parsed.value->name + "', not '" + o.name + "'";
        return nullptr;
      }
      return std::make_unique<replay_driver>(parsed.value->choices);
    }
    case strategy_spec::kind::random:
    case strategy_spec::kind::pct:
    case strategy_spec::kind::pos:
    case strategy_spec::kind::portfolio:
      return std::make_unique<seeded_driver>(o.strategy, o.seed);
  }
  WEFT_ASSERT(false, "every strategy kind has a driver");
  return nullptr;
}

}  // namespace weft::props
