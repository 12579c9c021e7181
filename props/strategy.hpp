// Exploration strategies: decision sources that choose interleavings.
//
// Each strategy is a sim::decision_source, so it steers the real code in
// the simulated world exactly as the seeded PRNG does; it only chooses
// differently:
//
//   random      every choice uniform from a seeded PRNG.
//   pct:D       probabilistic concurrency testing (Burckhardt et al., ASPLOS
//               2010). Each thread gets a random priority when it first
//               becomes runnable; the highest-priority runnable thread always
//               runs. D-1 change points, drawn uniformly over the estimated
//               length of a run, each drop the running thread's priority
//               below every initial one. A bug that needs D ordering
//               constraints is found with probability >= 1/(n * k^(D-1))
//               per run (n threads, k steps), whatever the program does.
//               Data choices (latencies, drops, sim::random) come from the
//               PRNG.
//   dfs:P       every interleaving with at most P preemptions (a switch away
//               from a thread that could have gone on running), by iterative
//               context bounding (Musuvathi & Qadeer, PLDI 2007): all
//               schedules with 0 preemptions, then those with exactly 1, ...
//               up to P; each schedule is found by re-executing the program
//               along a recorded prefix and taking the next untried branch.
//               Data choices with at most 4 options, and every weak-memory
//               choice (sim/core/memory.hpp), are enumerated too;
//               wider ones are fixed per position (a hash of the position),
//               so the search stays finite — dfs is exhaustive over thread
//               interleavings and small data choices only.
//   dpor        every class of equivalent interleavings once: dynamic
//               partial-order reduction (props/dpor.hpp). Unbounded, so it
//               exhausts only programs whose classes are few enough for
//               the budget; small data choices are enumerated as in dfs.
//   pos         partial order sampling (props/pos.hpp): random priorities
//               per pending operation, re-drawn for the operations that
//               conflict with what just ran.
//   replay:S    the schedule S, strictly (a mismatch stops the run).
//   portfolio   the default: rotates random, pct:2, pct:3, pct:5 per
//               iteration, so both shallow and deep bugs are found early.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/decision.hpp"

namespace weft::props {

struct strategy_spec {
  enum class kind : std::uint8_t { random, pct, dfs, dpor, pos, replay, portfolio };
  kind which = kind::portfolio;
  unsigned depth = 3;          // pct:D, dfs:P (the preemption bound)
  std::string schedule;        // replay:S, the schedule text
  std::string text() const;    // as written: "pct:3"
};

// Parses "random", "pct:3", "dfs:2", "replay:w1:...", "portfolio". On bad
// input, nullopt and `error` set to one line.
std::optional<strategy_spec> parse_strategy(std::string_view text, std::string& error);

// pct:D.
class pct_source final : public sim::decision_source {
 public:
  // `expected_steps`: the estimate of a run's length (thread choices) over
  // which the change points are spread.
  pct_source(std::uint64_t seed, unsigned depth, std::uint64_t expected_steps);
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override;
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  // A yielding thread drops below every other (a spin loop waits for others).
  void yielded(sim::thread_id who) override { priority_of(who) = -static_cast<std::int64_t>(++yields_); }
  void spinning(sim::thread_id who) override { yielded(who); }
  std::uint64_t thread_choices() const noexcept { return steps_; }

 private:
  std::int64_t& priority_of(sim::thread_id t);
  sim::random_source rng_;
  std::vector<std::uint64_t> change_points_;  // ascending step numbers
  std::size_t next_change_ = 0;
  std::vector<std::optional<std::int64_t>> priorities_;  // by thread id
  std::uint64_t steps_ = 0;
  std::uint64_t yields_ = 0;
  unsigned depth_;
};

// The one value dfs and dpor take for a data choice too wide to enumerate
// (more than 4 options): fixed per position, so re-executions agree.
std::uint64_t fixed_choice(std::size_t position, std::uint64_t options) noexcept;

// Whether the thread at a scheduling point may go on running: picking
// another one then is a preemption.
inline bool may_continue(std::span<const sim::thread_id> runnable, sim::thread_id current) noexcept {
  return current != sim::no_thread && std::find(runnable.begin(), runnable.end(), current) != runnable.end();
}

// dfs:P. One object drives the whole search: begin_run() before each
// execution, use it as the decision source, end_run() after; end_run()
// returns false once every schedule within the bound has been executed.
class dfs_explorer final : public sim::decision_source {
 public:
  explicit dfs_explorer(unsigned max_preemptions);
  void begin_run();
  // Whether that run was new (not already executed under a smaller bound):
  // only those count and are checked.
  bool run_is_new() const noexcept { return run_preemptions_ == bound_; }
  bool end_run();  // false: exhausted
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override;
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  // After a yield the yielding thread is not an alternative (others run):
  // a spin loop would otherwise make the tree infinite.
  void yielded(sim::thread_id who) override { yielder_ = who; }
  unsigned bound() const noexcept { return bound_; }
  std::uint64_t runs() const noexcept { return runs_; }

 private:
  struct node {
    bool is_thread = false;
    std::vector<std::uint64_t> alternatives;  // thread ids or values, in the order tried
    std::vector<unsigned> cost;               // preemptions each alternative adds
    std::size_t taken = 0;                    // index into alternatives
    unsigned preemptions_before = 0;
  };
  std::uint64_t take(node&& fresh);
  unsigned max_bound_;
  unsigned bound_ = 0;
  std::vector<node> path_;
  std::size_t depth_ = 0;         // position in this run
  unsigned run_preemptions_ = 0;  // in this run so far
  sim::thread_id yielder_ = sim::no_thread;
  std::uint64_t runs_ = 0;
};

// Follows a choice sequence where it still fits and makes the
// non-preemptive choice where it does not (or past its end): the current
// thread if it may go on, else the lowest-id runnable one (after a yield:
// the next id after the yielder, cyclically); value 0 for data choices. Never throws; used to try shrunk candidates. A thread choice
// whose recorded value is `yield_current` also means "the non-preemptive
// choice".
class lenient_source final : public sim::decision_source {
 public:
  static constexpr std::uint64_t yield_current = ~std::uint64_t{0};
  explicit lenient_source(std::span<const sim::choice> choices) : choices_(choices) {}
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override;
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  void yielded(sim::thread_id who) override { yielder_ = who; }
  // What the run actually chose (strictly replayable), and which of those
  // thread choices were preemptions.
  const std::vector<sim::choice>& recorded() const noexcept { return recorded_; }
  const std::vector<bool>& preempted() const noexcept { return preempted_; }
  unsigned preemptions() const noexcept { return preemptions_; }

 private:
  // The next recorded choice for a request of `kind`, or null past the end.
  // Datagram loss and duplication draws replay from a stream of their own,
  // the rest from one positional stream: a shrink edit that delivers a lost
  // datagram adds scheduling points, and must not shift every later loss
  // onto other datagrams (each datagram draws both, sim/net/kernel.cpp).
  const sim::choice* next_for(sim::choice_kind kind);

  std::span<const sim::choice> choices_;
  std::size_t next_ = 0;
  std::size_t drops_next_ = 0;
  std::vector<sim::choice> recorded_;
  std::vector<bool> preempted_;
  unsigned preemptions_ = 0;
  sim::thread_id yielder_ = sim::no_thread;
};

// Counts preemptions of another source's thread choices as it goes.
class counting_source final : public sim::decision_source {
 public:
  // `buffer`: where to record (cleared; a pooled one keeps its capacity).
  counting_source(sim::decision_source& inner, std::vector<sim::choice> buffer)
      : inner_(inner), recorded_(std::move(buffer)) {
    recorded_.clear();
    recorded_.reserve(64);
  }
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override;
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  void yielded(sim::thread_id who) override { inner_.yielded(who); }
  void spinning(sim::thread_id who) override { inner_.spinning(who); }
  sim::thread_id pick_among(std::span<const sim::thread_id> candidates) override {
    const sim::thread_id t = inner_.pick_among(candidates);
    ++thread_choices_;
    record(sim::choice_kind::thread, candidates.size(), t);
    return t;
  }
  bool wants_segments() const override { return inner_.wants_segments(); }
  const std::vector<sim::choice>& recorded() const noexcept { return recorded_; }
  std::vector<sim::choice> take_recorded() noexcept { return std::move(recorded_); }
  unsigned preemptions() const noexcept { return preemptions_; }
  std::uint64_t thread_choices() const noexcept { return thread_choices_; }

 private:
  // Field by field: a whole-choice temporary copied in stalls the store
  // buffer on every scheduling point.
  void record(sim::choice_kind kind, std::uint64_t options, std::uint64_t value) {
    sim::choice& c = recorded_.emplace_back();
    c.kind = kind;
    c.options = options;
    c.value = value;
  }

  sim::decision_source& inner_;
  std::vector<sim::choice> recorded_;
  unsigned preemptions_ = 0;
  std::uint64_t thread_choices_ = 0;
};

}  // namespace weft::props
