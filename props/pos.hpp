// pos: partial order sampling (Yuan, Yang and Gu, "Partial order aware
// concurrency sampling", CAV 2018).
//
// Every pending operation gets a random priority and the runnable thread
// whose pending operation has the highest runs. When a thread's segment
// has run, its next operation is new and draws a fresh priority, and so
// does the pending operation of every other thread that conflicts with
// what ran (the same object, one of them writing): those are the
// operations whose order relative to it just became a question. Threads
// that touch unrelated objects keep their priorities, so their order
// stays as it was drawn. The effect, shown in the paper, is that each
// partial order of the racing operations comes up with a probability that
// does not shrink with the number of unrelated operations around it — a
// reader that must run in a tiny window among 100 busy threads is reached
// in a handful of schedules where uniform random and PCT need thousands.
//
// Pending operations come from sim::executor::pending_access (the object
// an operation names at its scheduling point); what ran comes from the
// recorded segments. A segment that is global (a data choice, the
// simulated kernel, timed events) counts as conflicting with everything.
// A thread that yields, or spins without progress, drops below every other
// until it runs again. Data choices are uniform from the same seed.
//
// Two rules keep the sampling on the orders that matter:
// - A thread waiting to take a lock that another holds is not enabled
//   (sim::executor::pending_blocked): picking it would only block it, and
//   under the rule above every such attempt would redraw the priorities of
//   all the other lockers.
// - A thread that has just spawned another goes on. A spawn commutes with
//   every operation but the child's own, so no partial order is lost; it
//   matters when a program spawns many threads in a row: without the rule
//   the spawner must out-draw every child already spawned at every spawn,
//   and a thread spawned late (a checker among 20 setters, a reader among
//   99 writers) almost never starts before the others have finished.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/decision.hpp"

namespace weft::props {

class pos_source final : public sim::decision_source {
 public:
  explicit pos_source(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override { return rng_.choose(options, kind); }
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  // Below every drawn priority, and below every earlier yielder: the one
  // that yielded longest ago runs first, so spinners cannot keep passing
  // the turn among themselves.
  void yielded(sim::thread_id who) override {
    catch_up();  // the segment that ended in this yield must not re-draw it afterwards
    priority(who) = -static_cast<std::int64_t>(++yields_);
  }
  void spinning(sim::thread_id who) override { yielded(who); }
  bool wants_segments() const override { return true; }

 private:
  void redraw(sim::thread_id t) { priority(t) = static_cast<std::int64_t>(1 + (rng_.next() >> 2)); }
  std::int64_t& priority(sim::thread_id t);
  void catch_up();  // the segments that ran since the last pick
  // Whether a thread appeared since the last pick while `current` can go on:
  // it has just spawned it.
  bool just_spawned(std::span<const sim::thread_id> runnable, sim::thread_id current);

  sim::random_source rng_;
  std::vector<std::int64_t> priority_;  // negative: yielded; unset threads draw on first sight
  std::vector<bool> drawn_;
  std::uint64_t yields_ = 0;
  std::size_t seen_segments_ = 0;
};

}  // namespace weft::props
