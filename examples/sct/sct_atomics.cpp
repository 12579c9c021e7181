// SCTBench-style programs whose bugs are in atomics and spin loops.
#include <array>
#include <mutex>

#include "examples/sct/run_threads.hpp"
#include "examples/sct/sct.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples::sct {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr auto acq_rel = std::memory_order_acq_rel;

// bluetooth: the driver-stop protocol of Qadeer and Wu's Bluetooth driver
// model. A worker enters the driver only if it is not stopping, counting
// itself in pendingIo; the stopper sets the flag, drops its own count and
// waits for the count to drain before declaring the driver stopped. The
// buggy worker checks the flag before counting itself: the stopper can
// drain and stop in between, and the worker then works in a stopped
// driver. One preemption.
template <bool Fixed>
void bluetooth() {
  sys::atomic<int> pending_io{1};
  sys::atomic<bool> stopping{false};
  sys::atomic<bool> drained{false};
  sys::atomic<bool> stopped{false};
  const auto leave = [&] {
    if (pending_io.fetch_sub(1, acq_rel) == 1) drained.store(true, std::memory_order_release);
  };
  run_threads(2, [&](int i) {
    if (i == 1) {  // the stopper
      stopping.store(true, std::memory_order_release);
      leave();
      while (!drained.load(std::memory_order_acquire)) sys::yield_thread();
      stopped.store(true, std::memory_order_release);
      return;
    }
    if (Fixed) {
      pending_io.fetch_add(1, acq_rel);  // count in first, then look
      if (stopping.load(std::memory_order_acquire)) {
        leave();
        return;
      }
    } else {
      if (stopping.load(std::memory_order_acquire)) return;  // BUG: looks, then counts in
      pending_io.fetch_add(1, acq_rel);
    }
    WEFT_ASSERT(!stopped.load(std::memory_order_acquire), "a worker ran in a stopped driver");
    leave();
  });
}

// reorder-N: N-1 setters each write a = 1 then b = -1; a checker reads a
// then b and expects either both old or both new. One preemption, inside a
// setter; the fixed twin writes and reads under a lock.
template <bool Fixed, int N>
void reorder() {
  sys::mutex m;
  sys::atomic<int> a{0};
  sys::atomic<int> b{0};
  run_threads(N, [&](int i) {
    std::unique_lock g(m, std::defer_lock);
    if (Fixed) g.lock();
    if (i == N - 1) {
      const int ta = a.load(relaxed);
      const int tb = b.load(relaxed);
      WEFT_ASSERT((ta == 0 && tb == 0) || (ta == 1 && tb == -1), "the checker saw half of a setter's pair");
      return;
    }
    a.store(1, relaxed);
    b.store(-1, relaxed);
  });
}

// fib-K: two threads, each K times, i = i + j and j = j + i. Only strict
// alternation of all 2K assignments reaches the K-th pair of Fibonacci
// numbers; the buggy check claims it is out of reach. 2K - 1 hand-overs,
// nearly all preemptions.
template <bool Fixed, int K>
void fib() {
  int x = 1;
  int y = 1;
  for (int k = 0; k < K; ++k) {
    x += y;
    y += x;
  }
  const int reachable = y;  // the largest value strict alternation produces
  sys::atomic<int> i{1};
  sys::atomic<int> j{1};
  run_threads(2, [&](int t) {
    sys::atomic<int>& mine = t == 0 ? i : j;
    sys::atomic<int>& other = t == 0 ? j : i;
    for (int k = 0; k < K; ++k) mine.store(mine.load(relaxed) + other.load(relaxed), relaxed);
  });
  const int top = std::max(i.load(relaxed), j.load(relaxed));
  WEFT_ASSERT(Fixed ? top <= reachable : top < reachable, "strict alternation reached the bound");
}

// circular-buffer: a producer and a consumer share a two-slot ring and a
// count; the buggy count is updated with a load and a store on both sides,
// so an update is lost and the consumer reads a slot that was not written
// (or both spin). One preemption.
template <bool Fixed>
void circular_buffer() {
  constexpr int items = 4;
  std::array<sys::atomic<int>, 2> ring{};
  sys::atomic<int> count{0};
  const auto add = [&](int delta) {
    if (Fixed) {
      count.fetch_add(delta, acq_rel);
    } else {
      count.store(count.load(std::memory_order_acquire) + delta, std::memory_order_release);  // BUG
    }
  };
  run_threads(2, [&](int t) {
    for (int k = 0; k < items; ++k) {
      const std::size_t slot = static_cast<std::size_t>(k % 2);
      if (t == 0) {
        while (count.load(std::memory_order_acquire) == 2) sys::yield_thread();
        ring[slot].store(k + 1, relaxed);
        add(+1);
      } else {
        while (count.load(std::memory_order_acquire) == 0) sys::yield_thread();
        WEFT_ASSERT(ring[slot].load(relaxed) == k + 1, "the consumer read a slot out of order");
        add(-1);
      }
    }
  });
}

// token-ring: three threads take turns twice around a ring, each waiting
// for the token, counting its turn, and passing the token on. The buggy
// thread passes the token before counting its turn, so the next one can
// see a stale count. One preemption.
template <bool Fixed>
void token_ring() {
  sys::atomic<int> token{0};
  sys::atomic<int> turns{0};
  run_threads(3, [&](int i) {
    for (int round = 0; round < 2; ++round) {
      while (token.load(std::memory_order_acquire) != i) sys::yield_thread();
      WEFT_ASSERT(turns.load(relaxed) == 3 * round + i, "a thread ran out of turn");
      if (!Fixed) token.store((i + 1) % 3, std::memory_order_release);  // BUG: passed too early
      turns.store(turns.load(relaxed) + 1, relaxed);
      if (Fixed) token.store((i + 1) % 3, std::memory_order_release);
    }
  });
}

// tts-spinlock: two threads each add twice to a counter under a spinlock;
// the buggy lock tests and then sets (a load, then a store), so both can
// enter. Two preemptions (between test and set, then inside the critical
// section), among spin loops.
template <bool Fixed>
void tts_spinlock() {
  sys::atomic<bool> locked{false};
  sys::atomic<int> counter{0};
  run_threads(2, [&](int) {
    for (int k = 0; k < 2; ++k) {
      if (Fixed) {
        while (locked.exchange(true, std::memory_order_acquire)) sys::yield_thread();
      } else {
        while (locked.load(std::memory_order_acquire)) sys::yield_thread();
        locked.store(true, relaxed);  // BUG: not one atomic step with the test
      }
      counter.store(counter.load(relaxed) + 1, relaxed);
      locked.store(false, std::memory_order_release);
    }
  });
  WEFT_ASSERT(counter.load(relaxed) == 4, "two threads were inside the spinlock at once");
}

// barrier: three threads pass a sense-reversing barrier twice. The buggy
// last arriver releases the others before it resets the count, so a
// released thread's next arrival is counted in the old phase. One
// preemption.
template <bool Fixed>
void barrier() {
  constexpr int n = 3;
  sys::atomic<int> count{0};
  sys::atomic<bool> sense{false};
  run_threads(n, [&](int) {
    bool local = false;
    for (int phase = 0; phase < 2; ++phase) {
      local = !local;
      const int arrived = count.fetch_add(1, acq_rel) + 1;
      WEFT_ASSERT(arrived <= n, "an arrival was counted in the previous phase");
      if (arrived == n) {
        if (Fixed) count.store(0, relaxed);
        sense.store(local, std::memory_order_release);
        if (!Fixed) count.store(0, relaxed);  // BUG: after the release
      } else {
        while (sense.load(std::memory_order_acquire) != local) sys::yield_thread();
      }
    }
  });
}

}  // namespace

std::vector<program> atomic_programs() {
  return {
      {"bluetooth", "a worker checks the stop flag before counting itself in", 2, bluetooth<false>, bluetooth<true>},
      {"reorder-5", "a checker between a setter's two writes (4 setters)", 5, reorder<false, 5>, reorder<true, 5>},
      {"reorder-20", "the same among 19 setters", 20, reorder<false, 20>, reorder<true, 20>},
      {"fib-3", "strict alternation of 6 assignments reaches fib(8)", 2, fib<false, 3>, fib<true, 3>},
      {"fib-5", "strict alternation of 10 assignments reaches fib(12)", 2, fib<false, 5>, fib<true, 5>},
      {"circular-buffer", "a ring's count updated with a load and a store", 2, circular_buffer<false>,
       circular_buffer<true>},
      {"token-ring", "the token is passed before the turn is counted", 3, token_ring<false>, token_ring<true>},
      {"tts-spinlock", "a spinlock that tests, then sets", 2, tts_spinlock<false>, tts_spinlock<true>},
      {"barrier", "the count is reset after the others were released", 3, barrier<false>, barrier<true>},
  };
}

}  // namespace weft::examples::sct
