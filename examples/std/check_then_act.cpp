// check-then-act: a withdrawal checks the balance under the lock, lets go
// of it, and debits under the lock again. Two withdrawals can both pass the
// check and overdraw the account: every access is locked, yet the
// operation is not atomic. The fixed twin checks and debits in one
// critical section.
#include <cassert>
#include <mutex>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
class account {
 public:
  bool withdraw(int amount) {
    if (Fixed) {
      std::lock_guard<std::mutex> lock(m_);
      if (balance_ < amount) return false;
      balance_ -= amount;
      return true;
    }
    {
      std::lock_guard<std::mutex> lock(m_);
      if (balance_ < amount) return false;
    }
    std::lock_guard<std::mutex> lock(m_);  // BUG: the check above may no longer hold
    balance_ -= amount;
    return true;
  }
  int balance() {
    std::lock_guard<std::mutex> lock(m_);
    return balance_;
  }

 private:
  std::mutex m_;
  int balance_ = 100;
};

template <bool Fixed>
void run() {
  account<Fixed> acc;
  std::thread a([&] { acc.withdraw(80); });
  std::thread b([&] { acc.withdraw(80); });
  a.join();
  b.join();
  assert(acc.balance() >= 0 && "the account was overdrawn");
}

}  // namespace

void check_then_act_bug() { run<false>(); }
void check_then_act_fixed() { run<true>(); }

}  // namespace stdbugs
