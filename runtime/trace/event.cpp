#include "runtime/trace/event.hpp"

#include <array>

namespace weft::trace {
namespace {

constexpr std::array<std::string_view, static_cast<std::size_t>(kind::count_)> names = {
    "spawn",    "poll_start",  "poll_end",  "wake",        "schedule",  "steal",
    "park",     "unpark",      "notify",    "complete",    "cancel",    "overflow",
    "shutdown", "net_send",    "net_deliver", "net_drop",  "partition", "heal",
    "crash",    "restart",     "pause",     "resume",      "clock_jump", "buggify",
    "net_connect", "net_reset", "net_link",
};

}  // namespace

std::string_view kind_name(kind k) noexcept {
  const auto i = static_cast<std::size_t>(k);
  return i < names.size() ? names[i] : std::string_view("unknown");
}

bool kind_from_name(std::string_view name, kind& out) noexcept {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) {
      out = static_cast<kind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace weft::trace
