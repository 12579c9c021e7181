// Randomized fault plans: partitions, crashes and latency spikes drawn from
// the seed, laid out on a world's timeline before it runs.
//
//   sim::fault_plan_config fc;
//   fc.hosts = {"n1", "n2", "n3"};
//   fc.horizon = 2s;
//   fc.partitions = 2; fc.crashes = 1; fc.latency_spikes = 1;
//   const sim::fault_plan plan = sim::plan_faults(w, fc);   // draws from w
//   sim::apply(w, plan);                                     // w.at(...) each fault
//   std::cout << plan.describe();                            // one line per fault
//
// Every number in the plan (which fault, which hosts, when, for how long,
// how bad) is drawn from the world's decision source, so a seed names one
// plan, the plan is part of the recorded choice sequence, and replaying the
// seed replays the faults. Faults overlap freely: a partition may start
// while a host is down, a crash may hit both ends of a cut link.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/world/world.hpp"

namespace weft::sim {

struct fault_plan_config {
  // Hosts that faults may touch (by name); empty: every host added so far.
  std::vector<std::string> hosts;
  // Faults begin at a time drawn uniformly from [0, horizon).
  std::chrono::nanoseconds horizon = std::chrono::seconds(1);
  // Each fault lasts a time drawn uniformly from [min_duration, max_duration].
  std::chrono::nanoseconds min_duration = std::chrono::milliseconds(10);
  std::chrono::nanoseconds max_duration = std::chrono::milliseconds(200);
  unsigned partitions = 1;      // a link cut (one way or both ways), then healed
  unsigned crashes = 1;         // a host crashes, then restarts (if `restart`)
  bool restart = true;
  unsigned latency_spikes = 1;  // a link's latency multiplied, then restored
  unsigned max_spike_factor = 50;  // spike factor drawn from [2, max_spike_factor]
  // Each fault first draws whether it happens at all (3 in 4 do; value 0
  // of that choice is "not at all"), then its details, which are drawn
  // either way. A plan then has fewer faults on some seeds, and a shrinker
  // that lowers choices to 0 can switch a fault off without moving any
  // other choice: a shrunk run keeps only the faults its failure needs.
  bool optional = false;
};

struct planned_fault {
  enum class kind : std::uint8_t { partition_one_way, partition_both, crash, latency_spike };
  kind what = kind::partition_both;
  host_id a = 0;  // the host (crash) or the link's source
  host_id b = 0;  // the link's destination (0 for a crash)
  std::chrono::nanoseconds at{0};
  std::chrono::nanoseconds duration{0};  // 0: permanent (a crash without restart)
  unsigned factor = 1;                   // latency spikes only
  bool happens = true;                   // false: drawn (optional plans) but switched off
};

struct fault_plan {
  std::vector<planned_fault> faults;  // in the order drawn
  // One line per fault that happens, e.g. "at 120ms: partition n1 <-> n2 for 35ms".
  std::string describe(const world& w) const;
};

// Draws a plan from `w`'s decision source. Call it after adding the hosts
// and before running (the draws then come first in the choice sequence).
// Needs at least one host for crashes and two for partitions and spikes;
// kinds that cannot apply are skipped.
fault_plan plan_faults(world& w, const fault_plan_config& config);

// Schedules every fault of `plan` (and its repair) on `w`'s timeline.
void apply(world& w, const fault_plan& plan);

}  // namespace weft::sim
