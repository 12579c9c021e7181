// Schedule files: a failing schedule's steps, for the interleaving picture
// and the report (format in docs/trace.md, "Schedule files"). Written by
// props::explore next to its result; read by viz::read_schedule_file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "props/explore.hpp"
#include "sim/core/run_pool.hpp"

namespace weft::props {

struct schedule_file_result {
  std::string path;   // where it was written ("" if not)
  std::string error;  // why it was not ("" if it was, or if o.trace_dir is "")
};

// Replays `choices` once more, naming the thread of each choice and
// recording every operation, and writes NAME.schedule.jsonl (never
// overwriting: NAME-1.schedule.jsonl, ...) into o.trace_dir, whole or not
// at all.
schedule_file_result write_schedule_file(const explore_options& o, const program& body,
                                         const std::string& schedule, const std::vector<sim::choice>& choices,
                                         sim::run_pool& pool);

// World scenarios: the run of `choices` replayed with its trace kept (the
// events every view and report reads), written as NAME.jsonl (never
// overwriting: NAME-1.jsonl, ...) into o.trace_dir when that is set.
struct world_trace_result {
  schedule_file_result file;
  execution run;  // the replayed run, trace and trace hash included
};
world_trace_result write_world_trace(const explore_options& o, const program& world,
                                     const std::vector<sim::choice>& choices);

}  // namespace weft::props
