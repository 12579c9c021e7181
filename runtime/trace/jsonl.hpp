// Traces as JSON Lines: the stored form of a trace (docs/trace.md).
//
// The first line is a header naming the schema version and how many events
// follow, so that a reader can tell a whole trace from one cut short:
//   {"weft_trace":2,"events":2270}
// (schema 1 had no count), then one event per line, fields in a fixed
// order, integers only:
//   {"seq":0,"t":1000000,"host":1,"thread":3,"worker":0,"task":7,"kind":"poll_start","a":0,"b":0}
// The text of a trace is a pure function of its events, so two runs of the
// same seed can be compared byte for byte, or by trace_hash().
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/trace/event.hpp"

namespace weft::trace {

inline constexpr int schema_version = 2;

std::string header_line(std::size_t events);
std::string to_json_line(const event& e);
// The whole trace as text: the header, then one line per event.
std::string to_jsonl(const std::vector<event>& events);
void write_jsonl(std::ostream& out, const std::vector<event>& events);
// FNV-1a (64 bit) over the JSON Lines text, header included.
std::uint64_t trace_hash(const std::vector<event>& events);

}  // namespace weft::trace
