// The plain-C++ catalogue's table (programs.hpp).
#include "examples/std/programs.hpp"

namespace stdbugs {

#define STDBUGS_PAIR(name) \
  void name##_bug();       \
  void name##_fixed();
STDBUGS_PAIR(lost_update)
STDBUGS_PAIR(lost_notify)
STDBUGS_PAIR(abba_deadlock)
STDBUGS_PAIR(aba_stack)
STDBUGS_PAIR(steal_off_by_one)
STDBUGS_PAIR(double_checked_init)
STDBUGS_PAIR(condvar_no_loop)
STDBUGS_PAIR(close_races_send)
STDBUGS_PAIR(unlocked_counter)
STDBUGS_PAIR(check_then_act)
STDBUGS_PAIR(shared_upgrade)
STDBUGS_PAIR(notify_wrong_waiter)
STDBUGS_PAIR(store_buffering)
STDBUGS_PAIR(publish_before_init)
#undef STDBUGS_PAIR

const program* programs(int& count) {
  static const program all[] = {
      // The eight of weft's own catalogue (examples/bugs), in standard C++.
      {"lost-update", "two threads increment a std::atomic with a load then a store", lost_update_bug,
       lost_update_fixed, false},
      {"lost-notify", "the flag is set and notified outside the mutex the waiter checks it under", lost_notify_bug,
       lost_notify_fixed, false},
      {"abba-deadlock", "two transfers lock two std::mutexes in opposite orders", abba_deadlock_bug,
       abba_deadlock_fixed, false},
      {"aba-stack", "a Treiber stack whose compare-exchange succeeds on a recycled head", aba_stack_bug,
       aba_stack_fixed, false},
      {"steal-off-by-one", "a Chase-Lev deque whose owner takes the last item without racing the thief",
       steal_off_by_one_bug, steal_off_by_one_fixed, false},
      {"double-checked-init", "lazy initialisation with a relaxed fast path (a data race on the value)",
       double_checked_init_bug, double_checked_init_fixed, false},
      {"condvar-no-loop", "consumers wait on a std::condition_variable once, not in a predicate loop",
       condvar_no_loop_bug, condvar_no_loop_fixed, false},
      {"close-races-send", "a channel whose send checks `closed` outside the lock close takes", close_races_send_bug,
       close_races_send_fixed, false},
      // More classic patterns.
      {"unlocked-counter", "a plain int incremented by two threads without a lock (a data race)",
       unlocked_counter_bug, unlocked_counter_fixed, false},
      {"check-then-act", "a withdrawal checks the balance and debits it in two critical sections",
       check_then_act_bug, check_then_act_fixed, false},
      {"shared-upgrade", "a std::shared_mutex cache that inserts without looking again under the exclusive lock",
       shared_upgrade_bug, shared_upgrade_fixed, false},
      {"notify-wrong-waiter", "producers and consumers share one condition variable woken with notify_one",
       notify_wrong_waiter_bug, notify_wrong_waiter_fixed, false},
      {"store-buffering", "Dekker's entry with release/acquire atomics (weak memory only)", store_buffering_bug,
       store_buffering_fixed, true},
      {"publish-before-init", "a ready flag stored before the pointer it announces (a null dereference)",
       publish_before_init_bug, publish_before_init_fixed, false},
  };
  count = static_cast<int>(sizeof all / sizeof all[0]);
  return all;
}

}  // namespace stdbugs
