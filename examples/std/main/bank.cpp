// A whole program with its own main(), plain C++ and unmodified: two
// tellers withdraw from one account, each checking the balance under the
// lock and debiting it under the lock again (check-then-act). Built with
// weft_instrument(weft-std-bank MAIN), running it explores it:
//
//   build/release/examples/weft-std-bank          # finds the overdraft, prints the replay line
//   WEFT_EXPLORE=off build/release/examples/weft-std-bank   # one real run (usually fine)
//
// BANK_FIXED builds the twin that checks and debits in one critical section.
#include <cassert>
#include <cstdio>
#include <mutex>
#include <thread>

namespace {

std::mutex lock;
int balance = 100;

bool withdraw(int amount) {
#if BANK_FIXED
  std::lock_guard<std::mutex> held(lock);
  if (balance < amount) return false;
  balance -= amount;
  return true;
#else
  {
    std::lock_guard<std::mutex> held(lock);
    if (balance < amount) return false;
  }
  std::lock_guard<std::mutex> held(lock);
  balance -= amount;
  return true;
#endif
}

}  // namespace

int main() {
  std::thread a([] { withdraw(80); });
  std::thread b([] { withdraw(80); });
  a.join();
  b.join();
  std::printf("balance: %d\n", balance);
  return balance >= 0 ? 0 : 1;
}
