// abba-deadlock: two transfers lock two accounts' mutexes in opposite
// orders; each can hold its first lock and wait for the other's forever.
// The fixed twin locks both at once with std::scoped_lock.
#include <cassert>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

struct account {
  std::mutex m;
  int balance = 100;
};

template <bool Fixed>
void transfer(account& from, account& to, int amount) {
  if (Fixed) {
    std::scoped_lock<std::mutex, std::mutex> both(from.m, to.m);
    from.balance -= amount;
    to.balance += amount;
  } else {
    std::lock_guard<std::mutex> a(from.m);
    std::lock_guard<std::mutex> b(to.m);  // BUG: the order depends on the direction
    from.balance -= amount;
    to.balance += amount;
  }
}

template <bool Fixed>
void run() {
  account x, y;
  std::thread t1([&] { transfer<Fixed>(x, y, 10); });
  std::thread t2([&] { transfer<Fixed>(y, x, 20); });
  t1.join();
  t2.join();
  assert(x.balance + y.balance == 200);
}

}  // namespace

void abba_deadlock_bug() { run<false>(); }
void abba_deadlock_fixed() { run<true>(); }

}  // namespace stdbugs
