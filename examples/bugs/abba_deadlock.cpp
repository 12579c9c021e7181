// abba-deadlock: two threads take two locks in opposite orders.
//
// "transfer a->b" locks a then b; "transfer b->a" locks b then a. When each
// holds its first lock, each waits for the other's forever. The fixed twin
// orders the locks (always the lower account first).
#include <mutex>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"
#include "runtime/sys/assert.hpp"

namespace weft::examples {
namespace {

struct account {
  sys::mutex m;
  int balance = 100;  // guarded by m
  int index = 0;
};

template <bool Fixed>
void transfer(account& from, account& to, int amount) {
  account& first = Fixed && to.index < from.index ? to : from;
  account& second = &first == &from ? to : from;
  std::lock_guard a(first.m);
  std::lock_guard b(second.m);  // BUG (unfixed): the order depends on the direction
  from.balance -= amount;
  to.balance += amount;
}

template <bool Fixed>
void abba() {
  account x, y;
  x.index = 0;
  y.index = 1;
  sys::thread t1("x->y", [&] { transfer<Fixed>(x, y, 10); });
  sys::thread t2("y->x", [&] { transfer<Fixed>(y, x, 20); });
  t1.join();
  t2.join();
  WEFT_ASSERT(x.balance + y.balance == 200, "money was created or lost");
}

}  // namespace

std::vector<check> abba_deadlock_checks() {
  return {{"abba-deadlock", "bug", "two transfers lock two accounts in opposite orders", abba<false>},
          {"abba-deadlock-fixed", "fixed", "abba-deadlock with the locks taken in one global order", abba<true>}};
}

}  // namespace weft::examples
