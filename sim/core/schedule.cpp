#include "sim/core/schedule.hpp"

#include <cstdio>

namespace weft::sim {
namespace {

constexpr std::string_view digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr unsigned kind_count = 8;  // thread .. memory (sim::choice_kind): every 3-bit kind names one
__extension__ using u128 = unsigned __int128;

int digit_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::string shown(char c) {
  if (c >= 0x20 && c <= 0x7e) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
  return buf;
}

}  // namespace

bool valid_schedule_name(std::string_view name) noexcept {
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::string encode_schedule(std::string_view name, const std::vector<choice>& choices) {
  std::string out;
  out.reserve(schedule_version.size() + name.size() + 2 + choices.size());
  out += schedule_version;
  out += ':';
  out += name;
  out += ':';
  for (const choice& c : choices) {
    // value * 8 + kind, five bits per digit, least significant first.
    u128 n = (static_cast<u128>(c.value) << 3) | static_cast<unsigned>(c.kind);
    do {
      const unsigned part = static_cast<unsigned>(n & 31u);
      n >>= 5;
      out += digits[part | (n != 0 ? 32u : 0u)];
    } while (n != 0);
  }
  return out;
}

parsed_schedule decode_schedule(std::string_view text) {
  parsed_schedule out;
  auto fail = [&](std::size_t pos, std::string message) {
    out.error = {pos, "malformed schedule at position " + std::to_string(pos) + ": " + std::move(message)};
    return out;
  };
  const std::size_t first = text.find(':');
  if (first == std::string_view::npos) {
    return fail(0, "expected VERSION:NAME:CHOICES, e.g. w1:my-check:BBAh");
  }
  const std::string_view version = text.substr(0, first);
  if (version != schedule_version) {
    out.error = {0, "schedule version '" + std::string(version) + "' is not one this weft reads (" +
                        std::string(schedule_version) + ")"};
    return out;
  }
  const std::size_t second = text.find(':', first + 1);
  if (second == std::string_view::npos) {
    return fail(text.size(), "expected ':' after the name (VERSION:NAME:CHOICES)");
  }
  const std::string_view name = text.substr(first + 1, second - first - 1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!valid_schedule_name(name.substr(i, 1))) {
      return fail(first + 1 + i, shown(name[i]) + " cannot be part of a name");
    }
  }
  schedule s;
  s.name = std::string(name);
  u128 n = 0;
  unsigned shift = 0;
  std::size_t start = second + 1;
  for (std::size_t i = second + 1; i < text.size(); ++i) {
    const int d = digit_value(text[i]);
    if (d < 0) return fail(i, shown(text[i]) + " is not a schedule digit (A-Z a-z 0-9 - _)");
    if (shift > 67) return fail(start, "a choice is too large");
    n |= static_cast<u128>(d & 31) << shift;
    shift += 5;
    if ((d & 32) != 0) continue;
    static_assert(kind_count == 8, "a choice kind is 3 bits: a ninth kind needs a new schedule version");
    const unsigned kind = static_cast<unsigned>(n & 7u);
    const u128 value = n >> 3;
    if (value > UINT64_MAX) return fail(start, "a choice is too large");
    s.choices.push_back(choice{static_cast<choice_kind>(kind), 0, static_cast<std::uint64_t>(value)});
    n = 0;
    shift = 0;
    start = i + 1;
  }
  if (shift != 0) return fail(text.size(), "the schedule ends inside a choice");
  out.value = std::move(s);
  return out;
}

}  // namespace weft::sim
