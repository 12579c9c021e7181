// Reading stored traces back: JSON Lines as written by runtime/trace/jsonl.hpp
// (schema in docs/trace.md), validated line by line.
//
//   auto r = viz::read_trace("weft-kv-0x3.jsonl");
//   if (!r) { std::cerr << r.error().describe(); }   // "line 7: ..."
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <variant>
#include <vector>

#include "runtime/trace/event.hpp"

namespace weft::viz {

// The schema versions this reader understands. Version 1 is the first;
// version 2 adds the event count to the header, so a trace cut short is
// refused instead of read as complete. A trace from a newer weft is refused
// with a message saying so.
inline constexpr int oldest_schema = 1;
inline constexpr int newest_schema = 2;

struct read_error {
  std::size_t line = 0;  // 1-based; 0 when the file could not be opened
  std::string message;
  std::string describe(const std::string& path) const;  // "PATH:LINE: MESSAGE"
};

struct trace_file {
  int schema = 0;
  std::vector<trace::event> events;
};

// Either the trace or the first problem found.
class read_result {
 public:
  read_result(trace_file t) : v_(std::move(t)) {}  // NOLINT: implicit by design
  read_result(read_error e) : v_(std::move(e)) {}  // NOLINT
  explicit operator bool() const noexcept { return v_.index() == 0; }
  const trace_file& value() const { return std::get<0>(v_); }
  trace_file& value() { return std::get<0>(v_); }
  const read_error& error() const { return std::get<1>(v_); }

 private:
  std::variant<trace_file, read_error> v_;
};

read_result read_trace(std::istream& in);
read_result read_trace_file(const std::string& path);

// The explorer's schedule files (NAME.schedule.jsonl, docs/explore.md): the
// schedule, its outcome, and one record per choice.
struct schedule_step {
  std::uint64_t choice = 0;
  std::string kind;            // "thread" or a data choice kind
  bool implied = false;        // no choice: the thread ran on as the only runnable one
  std::int64_t thread = -1;    // thread picks
  std::string name;            // the thread's name
  bool preemption = false;
  std::vector<std::string> runnable;
  std::uint64_t value = 0, options = 0;  // data choices
  // Operations the thread performed after this pick, until the next one
  // (when the file records them): "acquire m3", "release m3", "read c7 at
  // file:line", ...
  std::vector<std::string> ops;
};
struct schedule_file {
  std::string schedule, outcome, message;
  std::uint64_t steps = 0;
  std::vector<schedule_step> choices;
};
std::variant<schedule_file, read_error> read_schedule_file(const std::string& path);
std::variant<schedule_file, read_error> read_schedule(std::istream& in);

// True if the file's first line looks like a schedule file rather than a
// trace (for `weft viz`, which takes either).
bool is_schedule_file(const std::string& path);

}  // namespace weft::viz
