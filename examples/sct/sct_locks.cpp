// SCTBench-style programs whose bugs are in how locks are used.
#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "examples/sct/run_threads.hpp"
#include "examples/sct/sct.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::examples::sct {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

// account: a deposit and a withdrawal on one balance. The buggy withdrawal
// reads the balance before taking the lock; a deposit in between is lost.
// One preemption.
template <bool Fixed>
void account() {
  sys::mutex m;
  sys::atomic<int> balance{100};
  run_threads(2, [&](int i) {
    if (i == 0) {
      std::lock_guard g(m);
      balance.store(balance.load(relaxed) + 50, relaxed);
      return;
    }
    int seen = Fixed ? 0 : balance.load(relaxed);  // BUG: read outside the lock
    std::lock_guard g(m);
    if (Fixed) seen = balance.load(relaxed);
    balance.store(seen - 30, relaxed);
  });
  WEFT_ASSERT(balance.load(relaxed) == 120, "a deposit or withdrawal was lost");
}

// deadlock01: two threads take two locks in opposite orders. One preemption.
template <bool Fixed>
void deadlock01() {
  sys::mutex a;
  sys::mutex b;
  sys::atomic<int> counter{0};
  run_threads(2, [&](int i) {
    sys::mutex& first = (i == 0 || Fixed) ? a : b;
    sys::mutex& second = &first == &a ? b : a;
    std::lock_guard g1(first);
    std::lock_guard g2(second);
    counter.fetch_add(1, relaxed);
  });
  WEFT_ASSERT(counter.load(relaxed) == 2, "a thread did not finish");
}

// lazy01: three threads under one lock add 1, add 2 and check the sum.
// The buggy check believes it can never see 3, which it does when both
// adders run before it. Two threads' worth of ordering, no preemption.
template <bool Fixed>
void lazy01() {
  sys::mutex m;
  sys::atomic<int> data{0};
  run_threads(3, [&](int i) {
    std::lock_guard g(m);
    if (i < 2) {
      data.store(data.load(relaxed) + i + 1, relaxed);
    } else {
      WEFT_ASSERT(data.load(relaxed) < (Fixed ? 4 : 3), "the checker saw both additions");
    }
  });
}

// wronglock-N: a writer updates two fields under lock one; N identical
// readers check that the fields agree, under lock two (the wrong one) in
// the buggy program. One preemption, inside the writer.
template <bool Fixed, int Readers>
void wronglock() {
  sys::mutex one;
  sys::mutex two;
  sys::atomic<int> x{0};
  sys::atomic<int> y{0};
  run_threads(Readers + 1, [&](int i) {
    if (i == 0) {
      std::lock_guard g(one);
      x.store(1, relaxed);
      y.store(1, relaxed);
      return;
    }
    std::lock_guard g(Fixed ? one : two);  // BUG: not the writer's lock
    WEFT_ASSERT(x.load(relaxed) == y.load(relaxed), "a reader saw half an update");
  });
}

// twostage-N: N-1 writers each run a two-stage transaction (data1 under
// lock A, then data2 = data1 + 1 under lock B); one reader reads data1
// under A, then data2 under B. The buggy writers release A between the
// stages, and the reader must run in that window: one preemption, but a
// narrow window among many threads.
template <bool Fixed, int N>
void twostage() {
  sys::mutex a;
  sys::mutex b;
  sys::atomic<int> data1{0};
  sys::atomic<int> data2{0};
  run_threads(N, [&](int i) {
    if (i == N / 2) {  // the reader, among the writers
      std::unique_lock ga(a);
      const int t1 = data1.load(relaxed);
      if (!Fixed) ga.unlock();
      std::lock_guard gb(b);
      const int t2 = data2.load(relaxed);
      WEFT_ASSERT(t1 == 0 || t2 == t1 + 1, "the reader saw stage one without stage two");
      return;
    }
    std::unique_lock ga(a);
    data1.store(1, relaxed);
    if (!Fixed) ga.unlock();  // BUG: the transaction is not atomic
    std::lock_guard gb(b);
    data2.store(data1.load(relaxed) + 1, relaxed);
  });
}

// din-phil: three philosophers each take the fork on their left, then the
// one on their right: all holding one fork is a deadlock. One preemption
// (the other hand-overs come free, as philosophers block). The fixed twin
// takes the lower-numbered fork first.
template <bool Fixed>
void din_phil() {
  std::array<sys::mutex, 3> forks;
  sys::atomic<int> meals{0};
  run_threads(3, [&](int i) {
    int first = i;
    int second = (i + 1) % 3;
    if (Fixed && first > second) std::swap(first, second);
    std::lock_guard g1(forks[static_cast<std::size_t>(first)]);
    std::lock_guard g2(forks[static_cast<std::size_t>(second)]);
    meals.fetch_add(1, relaxed);
  });
  WEFT_ASSERT(meals.load(relaxed) == 3, "a philosopher did not eat");
}

// stack: two threads push onto an array stack; the buggy push reads the top
// in one critical section and writes it in another, so two pushes can take
// one slot. One preemption.
template <bool Fixed>
void stack() {
  sys::mutex m;
  sys::atomic<int> top{0};
  std::array<sys::atomic<int>, 4> slots{};
  run_threads(2, [&](int i) {
    for (int k = 0; k < 2; ++k) {
      std::unique_lock g(m);
      const int t = top.load(relaxed);
      if (!Fixed) {
        g.unlock();  // BUG: the slot is claimed outside the critical section
        g.lock();
      }
      slots[static_cast<std::size_t>(t)].store(10 * i + k + 1, relaxed);
      top.store(t + 1, relaxed);
    }
  });
  int filled = 0;
  for (const auto& s : slots) filled += s.load(relaxed) != 0 ? 1 : 0;
  WEFT_ASSERT(top.load(relaxed) == 4 && filled == 4, "two pushes took the same slot");
}

}  // namespace

std::vector<program> lock_programs() {
  return {
      {"account", "a withdrawal reads the balance outside the lock", 2, account<false>, account<true>},
      {"deadlock01", "two locks taken in opposite orders", 2, deadlock01<false>, deadlock01<true>},
      {"lazy01", "a checker under the lock assumes it runs before both adders", 3, lazy01<false>, lazy01<true>},
      {"wronglock-2", "two readers check a pair of fields under the wrong lock", 3, wronglock<false, 2>,
       wronglock<true, 2>},
      {"wronglock-8", "eight identical readers under the wrong lock", 9, wronglock<false, 8>, wronglock<true, 8>},
      {"twostage-3", "a reader between the two stages of a writer's transaction (2 writers)", 3,
       twostage<false, 3>, twostage<true, 3>},
      {"twostage-100", "the same window among 99 writers", 100, twostage<false, 100>, twostage<true, 100>},
      {"din-phil", "three philosophers, each holding the left fork", 3, din_phil<false>, din_phil<true>},
      {"stack", "a push claims its slot outside the critical section", 2, stack<false>, stack<true>},
  };
}

}  // namespace weft::examples::sct
