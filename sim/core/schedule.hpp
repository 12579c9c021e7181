// Schedules: a run's whole choice sequence as one printable string.
//
// A schedule is every choice a run made, in order — which thread ran at each
// scheduling point (by thread id), and every value drawn (latencies, drops,
// faults, sim::random, buggify) — so replaying it reproduces the run
// exactly, whatever strategy or seed first produced it.
//
//   w1:lost-notify:BBAhBAC
//   ^  ^           ^
//   |  |           choices: base64url digits, 5 data bits each, the 6th
//   |  |           marks "more digits follow"; a choice is the number
//   |  |           value * 8 + kind (kind: thread 0, random 1, latency 2,
//   |  |           drop 3, fault 4, buggify 5, os 6)
//   |  what the schedule is for (a check, scenario or test name; may be empty)
//   format version: this weft writes and reads w1
//
// A thread choice with the usual one or two runnable threads takes one
// character. Only real choices are recorded (two or more options).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/decision.hpp"

namespace weft::sim {

struct schedule {
  std::string name;
  std::vector<choice> choices;  // `options` is 0 when parsed: not stored
};

inline constexpr std::string_view schedule_version = "w1";

std::string encode_schedule(std::string_view name, const std::vector<choice>& choices);

struct schedule_error {
  std::size_t position = 0;  // offset in the text
  std::string message;       // one line, naming the position
};

// Parses what encode_schedule wrote. On bad input, the error says where.
struct parsed_schedule {
  std::optional<schedule> value;
  schedule_error error;
  explicit operator bool() const noexcept { return value.has_value(); }
};
parsed_schedule decode_schedule(std::string_view text);

// Whether a name can be part of a schedule: [A-Za-z0-9_.-/]*.
bool valid_schedule_name(std::string_view name) noexcept;

}  // namespace weft::sim
