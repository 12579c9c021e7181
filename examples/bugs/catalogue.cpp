#include "examples/bugs/catalogue.hpp"

namespace weft::examples {

const std::vector<check>& checks() {
  static const std::vector<check> all = [] {
    std::vector<check> v;
    for (auto pair : {lost_notify_checks(), abba_deadlock_checks(), aba_stack_checks(), steal_off_by_one_checks(),
                      double_checked_init_checks(), lost_update_checks(), condvar_no_loop_checks(),
                      close_races_send_checks(), store_buffering_checks(), relaxed_publish_checks(),
                      seqlock_fence_checks(), wake_by_ref_release_checks()}) {
      for (check& c : pair) v.push_back(std::move(c));
    }
    return v;
  }();
  return all;
}

const check* find_check(const std::string& name) {
  for (const check& c : checks()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace weft::examples
