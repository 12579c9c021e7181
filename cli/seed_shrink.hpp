// `--shrink` on run and fuzz: a failing seed's run, shrunk by the explorer's
// shrinker to the smallest story that still fails the same way (fewer
// faults, then fewer lost or duplicated datagrams, then fewer preemptions,
// then fewer steps; props/shrink.cpp), with the schedule that replays it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/trace/event.hpp"
#include "sim/core/decision.hpp"
#include "sim/world/scenario.hpp"

namespace weft::cli {

struct shrunk_run {
  std::string schedule;              // w1:NAME:...: `weft replay --schedule` runs it
  std::string story;                 // "3 faults, 0 drops, 0 preemptions, 21312 steps -> 2 faults, ..."
  std::uint64_t runs = 0;            // re-executions the shrink took
  double seconds = 0;
  std::string message;               // the shrunk run's own failure message
  std::vector<trace::event> events;  // the shrunk run's trace
  std::uint64_t hash = 0;
  std::string trace_file;            // where its trace was written ("" if not)
  std::string trace_error;
};

// Shrinks the failing run of `s` whose choices are `choices`; nullopt, with
// the reason in `why`, when the shrunk run does not replay the same failure.
std::optional<shrunk_run> shrink_failing_run(const sim::scenario& s, const std::vector<sim::choice>& choices,
                                             std::string& why);

}  // namespace weft::cli
