#include "cli/flags.hpp"


#include <fmt/format.h>

#include "runtime/sys/assert.hpp"
#include "sim/world/scenario.hpp"

namespace weft::cli {
namespace {

// A CLI11 check from a parser and the message for what it refuses.
template <class Parse>
CLI::Validator check(Parse parse, std::string what, std::string name) {
  return CLI::Validator(
      [parse, what](std::string& text) -> std::string {
        return parse(text) ? std::string() : fmt::format("{}: {}", text.empty() ? "''" : text, what);
      },
      "", std::move(name));
}

}  // namespace

CLI::Validator seed_value() {
  return check([](const std::string& t) { return sim::parse_seed(t).has_value(); },
               "not a seed (a decimal or 0x-hex 64-bit number)", "SEED");
}

CLI::Validator count_value() {
  return check([](const std::string& t) { return props::parse_count(t).has_value(); },
               "give a positive number (decimal or 0x-hex, at most 2^64-1)", "COUNT");
}

CLI::Validator duration_value() {
  return check(
      [](const std::string& t) {
        const auto d = props::parse_duration(t);
        return d && d->count() > 0;
      },
      "not a duration (use 500ms, 30s, 5m or 1h)", "DURATION");
}

CLI::Validator shard_value() {
  return check([](const std::string& t) { return props::parse_shard(t).has_value(); },
               "expected K/N with 1 <= K <= N (e.g. 2/4)", "K/N");
}

CLI::Validator number_value(std::uint64_t lo, std::uint64_t hi) {
  return check(
      [lo, hi](const std::string& t) {
        const auto v = props::parse_number(t);
        return v && *v >= lo && *v <= hi;
      },
      fmt::format("give a whole number from {} to {}", lo, hi), "N");
}

std::uint64_t seed_of(const std::string& checked) {
  const auto v = sim::parse_seed(checked);
  WEFT_ASSERT(v.has_value(), "seed_of: the value was checked when parsed");
  return *v;
}

std::uint64_t count_of(const std::string& checked) {
  const auto v = props::parse_count(checked);
  WEFT_ASSERT(v.has_value(), "count_of: the value was checked when parsed");
  return *v;
}

std::chrono::nanoseconds duration_of(const std::string& checked) {
  const auto v = props::parse_duration(checked);
  WEFT_ASSERT(v.has_value(), "duration_of: the value was checked when parsed");
  return *v;
}

props::shard shard_of(const std::string& checked) {
  const auto v = props::parse_shard(checked);
  WEFT_ASSERT(v.has_value(), "shard_of: the value was checked when parsed");
  return *v;
}

std::uint64_t number_of(const std::string& checked) {
  const auto v = props::parse_number(checked);
  WEFT_ASSERT(v.has_value(), "number_of: the value was checked when parsed");
  return *v;
}

}  // namespace weft::cli
