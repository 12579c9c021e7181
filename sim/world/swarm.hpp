// Swarm testing (Groce et al., ISSTA 2012): a run first draws which kinds of
// fault are on and how often, then runs with only those.
//
// A fixed fault mix spreads every run's budget over every kind of fault; a
// bug that one kind of fault hides (a crash that ends the run before the
// partition that matters) is then rare on every seed. Under swarm each seed
// draws its own mix: some seeds have only partitions, some only crashes,
// some a lossy network and no quirks, some nothing at all.
//
// What a swarm draw decides (each recorded as a `fault` choice at the very
// start of the run, before the scenario's set-up, so a seed or a schedule
// names its settings and replays them; value 0 of each choice is the
// quietest setting, so a shrinker lowering fault choices turns things off):
//
//   partitions, crashes, latency_spikes   each on or off (1 in 2)
//   chance                                a planned fault of a kind that is on happens
//                                         1, 2 or 3 times in 4 (sim::plan_faults)
//   os_quirks                             the kernel's odd-but-legal behaviour on or off
//   datagram loss, datagram duplication   none, 1% or 10% on every link (UDP only)
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace weft::sim {

struct swarm_settings {
  bool partitions = true;
  bool crashes = true;
  bool latency_spikes = true;
  unsigned chance = 3;  // in 4, for each planned fault of a kind that is on
  bool os_quirks = true;
  std::uint32_t loss_per_million = 0;
  std::uint32_t duplicate_per_million = 0;

  // "partitions on, crashes off, latency spikes on; each planned fault 2 in 4;
  // os quirks off; datagram loss 1%, duplication none".
  std::string describe() const;
};

// Draws the settings, in the order above, from `draw(n)` (a value in [0, n)).
swarm_settings draw_swarm(const std::function<std::uint64_t(std::uint64_t)>& draw);

}  // namespace weft::sim
