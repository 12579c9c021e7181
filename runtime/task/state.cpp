#include "runtime/task/state.hpp"

namespace weft::rt::detail {

std::string state_snapshot::describe() const {
  std::string out;
  auto flag = [&](bool on, const char* name) {
    if (on) {
      if (!out.empty()) out += '|';
      out += name;
    }
  };
  flag(is_running(), "RUNNING");
  flag(is_complete(), "COMPLETE");
  flag(is_notified(), "NOTIFIED");
  flag(is_cancelled(), "CANCELLED");
  flag(is_join_interested(), "JOIN_INTEREST");
  flag(has_join_waker(), "JOIN_WAKER");
  if (out.empty()) out = "IDLE";
  out += " refs=" + std::to_string(ref_count());
  return out;
}

}  // namespace weft::rt::detail
