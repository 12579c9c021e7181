// Strategy drivers: how each strategy walks through the schedules of one
// exploration. The explorer's loop is the same for all of them:
//
//   while (d.more() && budget left) {
//     execution e = execute(d.begin(), body);   // the decision source of this run
//     if (!d.end(e)) continue;                  // not a new schedule (dfs re-executions)
//     ... count it, stop at the first failure ...
//   }
//
// and the shrinker reuses the dfs driver to look for a schedule with fewer
// preemptions. Each driver owns its decision sources; begin() hands out the
// one for the next run, valid until the next begin().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "props/explore.hpp"
#include "props/strategy.hpp"
#include "sim/core/decision.hpp"

namespace weft::props {

class driver {
 public:
  virtual ~driver() = default;
  // The decision source of the next run (only while more()).
  virtual sim::decision_source& begin() = 0;
  // After that run: whether it was a new schedule. May turn a run that
  // ended cleanly into a failure (a replayed schedule with choices left).
  virtual bool end(execution& e) = 0;
  // Whether there is a next run (dfs: false once the bound is exhausted;
  // replay: false after its one run; random, pct, portfolio: always).
  virtual bool more() const = 0;
  // Whether running out (more() == false) means every schedule was checked.
  virtual bool exhaustive() const { return false; }
  // What produced the last run: "pct:3 seed=0x1c", "dfs:2", "replay".
  virtual std::string last_run() const = 0;
  // Runs that were not schedules (dpor's redundant runs).
  virtual std::uint64_t redundant_runs() const { return 0; }
};

// The driver for o.strategy, or nullptr with `error` set (a malformed
// replay schedule, or one recorded for another check).
std::unique_ptr<driver> make_driver(const explore_options& o, std::string& error);

// dfs:P on its own (the shrinker looks below a failure's preemption count).
std::unique_ptr<driver> make_dfs_driver(unsigned max_preemptions);

}  // namespace weft::props
