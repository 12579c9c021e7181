// The failure report: `weft run|fuzz|explore --report DIR` writes, for a
// failure, the trace, the relevant pictures (SVG, also inlined) and one
// index.html with the command that reproduces it, the pictures and a table
// of the events leading up to the failure.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "runtime/trace/event.hpp"
#include "viz/trace_reader.hpp"

namespace weft::viz {

struct failure_page {
  std::string title;                 // "kv seed=0x3: exception"
  std::string repro;                 // the command line that replays it
  std::string message;               // what failed
  std::vector<std::string> details;  // e.g. each blocked thread's wait
  std::string trace_file;            // the trace, relative to the page's folder
};

// `s` with <, >, & and " escaped: for HTML text and attributes (and XML).
std::string html_escape(const std::string& s);

// An error message if `dir` cannot take a report (exists and is not empty:
// nothing is overwritten), else empty. Creates it if `create`.
std::string prepare_report_dir(const std::string& dir, bool create = true);

// A page for a failing seed: space-time, tasks and workers views of its
// trace, and its last events. Returns an error message or empty.
std::string write_trace_report(const std::string& dir, const failure_page& p, const std::vector<trace::event>& events);

// A page for a failing schedule of the explorer: the interleaving view and
// its steps.
std::string write_schedule_report(const std::string& dir, const failure_page& p, const schedule_file& s);

// A top page linking several failure pages (fuzz): (relative link, caption).
std::string write_index(const std::string& dir, const std::string& title,
                        const std::vector<std::pair<std::string, std::string>>& pages);

}  // namespace weft::viz
