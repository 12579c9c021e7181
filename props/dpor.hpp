// dpor: dynamic partial-order reduction — every behaviour of the program,
// exploring one interleaving of each class of equivalent ones.
//
// Two interleavings are equivalent (Mazurkiewicz) when one becomes the other
// by swapping adjacent independent segments (sim::segment: what a thread did
// between two hand-overs; independent: no object that one writes and the
// other touches). Equivalent runs end the same way, so checking one of each
// class checks them all. dfs:P enumerates interleavings; dpor enumerates
// classes, which for threads that mostly touch their own objects is
// exponentially fewer.
//
// The algorithm is source-DPOR with sleep sets (Abdulla, Aronis, Jonsson,
// Sagonas: "Optimal dynamic partial order reduction", POPL 2014), run
// statelessly: each run re-executes the program along a recorded prefix of
// decisions and then takes fresh ones.
//
//  * After each run, its races are found with vector clocks over the
//    segments: segment i of one thread and a later segment k of another
//    race when they are dependent and nothing else orders them. To reverse
//    a race, the decision before i must also try a thread that can start
//    v = (the segments after i that do not depend on i) followed by k — an
//    *initial* of v, unless one is already there (source sets: one initial
//    is enough, not every racing thread).
//  * Sleep sets: once thread q was explored at a decision, q sleeps in the
//    later branches of that decision, and down them, until a segment
//    dependent on q's next segment runs; a run in which every runnable
//    thread sleeps is redundant and is cut short (not counted).
//
// What weft adds to the paper, and why:
//  * Segments run until the next decision, not one operation each; a
//    segment that made a data choice (sim::random, which waiter a
//    notify_one wakes) or touched the simulated kernel is dependent on
//    everything. Both only cost reduction, never coverage.
//  * Data choices are branches of their own, every value tried (values
//    from choices of more than 4 options are fixed per position, as in
//    dfs: dpor is exhaustive over interleavings and small data choices).
//  * Timed events (the driver) are global segments: time only moves when
//    every thread is blocked, so they order what comes before and after.
//  * Right after a thread yields (a spin loop's hint), it is not scheduled
//    again while another thread can run, as in dfs; otherwise a spin loop
//    makes the tree infinite.
//  * A sleeping thread's next segment was recorded in an earlier run.
//    Objects are numbered by first touch, so numbers match across runs
//    only up to the decision where the runs part; a number past that point
//    is compared as "some new object", which matches any other new one.
//
// The whole exploration ends when no decision has an untried thread or
// value left: every class of interleavings was run (exhausted).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "props/dpor_races.hpp"
#include "sim/core/decision.hpp"
#include "sim/core/executor.hpp"

namespace weft::props {

struct execution;

class dpor_explorer final : public sim::decision_source {
 public:
  dpor_explorer() = default;
  void begin_run();
  // After the run `e` (with its segments): adds the race reversals, moves
  // to the next branch; false once every branch was explored.
  bool end_run(const execution& e);
  // Whether the run was cut short because every runnable thread slept.
  bool run_was_redundant() const noexcept { return redundant_; }
  std::uint64_t runs() const noexcept { return runs_; }
  std::uint64_t redundant_runs() const noexcept { return redundant_runs_; }

  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override;
  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override;
  sim::thread_id pick_among(std::span<const sim::thread_id> candidates) override;
  void yielded(sim::thread_id who) override { yielder_ = who; }
  bool wants_segments() const override { return true; }

  // A thread asleep at a decision, with the segment it ran when explored
  // from there; object numbers above `watermark` mean "an object new since".
  struct sleeper {
    sim::thread_id thread = sim::no_thread;
    std::vector<sim::object_access> accesses;
    bool global = false;
    std::uint32_t watermark = 0;
  };

 private:
  struct node {
    bool is_thread = false;
    // data choices
    std::uint64_t options = 0;
    std::uint64_t value = 0;
    // thread decisions
    std::vector<sim::thread_id> runnable;
    sim::thread_id taken = sim::no_thread;
    sim::thread_id excluded = sim::no_thread;  // yielded just before: not an alternative
    std::vector<sim::thread_id> backtrack;     // to explore (includes what was)
    std::vector<sim::thread_id> done;          // explored
    std::vector<sleeper> sleep;                // asleep on arrival
    std::vector<sleeper> done_segments;        // each explored thread's segment from here
    std::uint32_t segment = 0;                 // the segment this decision began
    std::uint32_t watermark = 0;               // objects numbered before it
    bool taken_recorded = false;               // done_segments has the taken thread's
  };
  node fresh_thread_node(std::span<const sim::thread_id> runnable, sim::thread_id current);
  std::vector<sleeper> inherited_sleep(const sim::executor& ex) const;
  std::uint64_t data_choice(std::uint64_t options, std::uint64_t fixed);
  void record_taken_segments(const execution& e);
  void add_reversals(const execution& e);
  void reverse(std::size_t at_node, std::span<const sim::thread_id> initials);
  bool next_branch();

  std::vector<node> path_;
  std::size_t depth_ = 0;
  race_analysis analysis_;                     // reused run after run
  std::vector<std::int64_t> node_of_segment_;  // scratch of add_reversals
  sim::thread_id yielder_ = sim::no_thread;
  bool redundant_ = false;
  std::uint64_t runs_ = 0;
  std::uint64_t redundant_runs_ = 0;
};

}  // namespace weft::props
