// Litmus tests of the C++ memory model, run on weft's weak memory
// (sim/core/memory.hpp) to exhaustion: what `weft litmus` prints.
//
// Each test is a tiny program of two to four threads on sys::atomic<int>
// locations that start at 0, and a condition on its registers and final
// values — the one outcome sequential consistency cannot give. The test's
// verdict says whether RC11 allows that outcome; RC11 allows every
// sequentially consistent outcome too. So a test agrees when:
//
//   reached under weak memory == reached under sequential consistency
//                                + the weak outcome, if RC11 allows it
//
// with both sides explored to exhaustion by partial-order reduction (dpor),
// and bounded DFS under weak memory as a second opinion: it runs every
// schedule with up to 16 preemptions, or as many as `dfs_budget` runs
// allow (iterative context bounding: all with 0 preemptions first, then 1,
// ...). A DFS that finished must reach exactly what dpor reached; one cut
// short by the budget, a subset of it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/core/memory.hpp"

namespace weft::props::litmus {

// Register and final values, in the order of the test's `columns`.
using outcome = std::vector<int>;
using registers = std::array<int, 4>;

struct test {
  std::string name;         // "MP+rel+acq": the conventional name, then the ordering variant
  std::string columns;      // what each outcome value is: "r0 r1", "x y", ...
  outcome weak;             // the non-sequentially-consistent outcome in question
  bool allowed = false;     // RC11's verdict on it
  void (*body)(registers&); // runs the threads (as the simulated thread main), fills the registers
  std::size_t arity = 2;    // how many registers are the outcome
};

// Every test, grouped by family (SB, MP, LB, IRIW, WRC, 2+2W, R, S, the
// coherence tests, release sequences).
const std::vector<test>& tests();

// The tests a name selects: the exact name, or every variant of a family
// ("SB" selects SB, SB+rel+acq, ...). Empty: none.
std::vector<const test*> select(const std::string& name);

// One execution, for a picture: the memory events of one run that reached
// an outcome, and the names of its threads.
struct execution {
  std::vector<sim::memory_event> events;
};

inline constexpr std::uint64_t dfs_budget = 100'000;

struct result {
  std::set<outcome> reached;      // weak memory, dpor to exhaustion
  std::set<outcome> reached_sc;   // sequential consistency, the same
  std::set<outcome> reached_dfs;  // weak memory, bounded DFS
  std::set<outcome> allowed;      // reached_sc, and the weak outcome if RC11 allows it
  std::uint64_t dpor_runs = 0;    // weak-memory executions of each search
  std::uint64_t dfs_runs = 0;
  bool exhausted = true;          // both dpor searches ran to the end
  bool dfs_exhausted = false;     // DFS ran every schedule within its bound
  std::map<outcome, execution> executions;  // one per weak-memory outcome (when asked)
  bool dfs_agrees() const {
    return dfs_exhausted ? reached_dfs == reached
                         : std::includes(reached.begin(), reached.end(), reached_dfs.begin(), reached_dfs.end());
  }
  bool agrees() const { return exhausted && reached == allowed && dfs_agrees(); }
};

// Runs `t` three times: dpor to exhaustion under sequential consistency and
// under weak memory, and bounded DFS under weak memory. `record`: keep one
// execution per outcome. `store_history`: stores kept per location (see
// sim::executor_options; 1 makes every load read the newest store).
result run(const test& t, bool record = false, std::size_t store_history = 8);

// "r0=0 r1=0": an outcome with the test's column names.
std::string describe(const test& t, const outcome& o);
// "exists (r0=0 /\ r1=0)".
std::string condition(const test& t);
// The executions of a result as one Graphviz digraph: one cluster per
// outcome, events as nodes, program order, reads-from and modification
// order as edges.
std::string draw(const test& t, const result& r);

}  // namespace weft::props::litmus
