// The views `weft viz` renders, each built as Graphviz dot text from a trace
// (or, for `interleaving`, an explorer schedule file).
//
//   spacetime     one lane per host (or per host and thread), messages as
//                 arrows from send to delivery, drops, partitions, crashes
//                 and clock jumps marked
//   tasks         the spawn tree plus wake edges, coloured by outcome
//   workers       which worker polled which task, in order, steals and parks
//   interleaving  a failing schedule: a column per thread, program order
//                 down, thread switches and happens-before edges across
//
// Large inputs stay readable: filters cut the events first, then a view
// keeps at most `max_nodes` nodes (the last ones: failures are at the end)
// and says in its caption what it left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/trace/event.hpp"
#include "viz/trace_reader.hpp"

namespace weft::viz {

struct filter {
  std::optional<std::uint64_t> from_seq, to_seq;  // inclusive
  std::optional<std::int64_t> from_ns, to_ns;     // inclusive, virtual time
  std::optional<std::uint32_t> host;
  std::optional<std::uint64_t> task;  // the task, its parent, children, wakers and wakees
  std::size_t max_nodes = 300;
  // spacetime: when the size limit cuts, keep every fault (crash, restart,
  // partition, heal, pause, resume, a link's latency change) and the two
  // events after each, then the last events before the end: the picture
  // shows the cause as well as the failure.
  bool keep_faults = false;
};

// What a view produced: the dot text and what is in it (for tests and for
// the caption).
struct graph {
  std::string dot;
  std::size_t nodes = 0;
  std::size_t edges = 0;
  std::size_t cut = 0;                   // items left out by the size limit
  std::vector<std::string> highlighted;  // node ids drawn as the failure / notable
};

std::vector<trace::event> apply_filter(const std::vector<trace::event>& events, const filter& f);

enum class lanes { host, thread };
graph spacetime_view(const std::vector<trace::event>& events, const filter& f, lanes by = lanes::host);
graph tasks_view(const std::vector<trace::event>& events, const filter& f);
graph workers_view(const std::vector<trace::event>& events, const filter& f);
graph interleaving_view(const schedule_file& s, const filter& f);

// A line for the caption saying what a filter kept ("events 120-340 of 900, host 2").
std::string describe_filter(const filter& f);

}  // namespace weft::viz
