// The litmus tests and their verdicts.
//
// Verdicts are RC11's (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing
// sequential consistency in C/C++11", PLDI 2017), as herd7 computes them
// with the RC11 model (herdtools7, cat/rc11.cat) for these C11 tests. Where
// RC11 departs from the original C11 model it is noted: LB (load
// buffering) is forbidden because RC11 requires po ∪ rf to be acyclic, and
// seq_cst fences are strong enough to forbid IRIW, R and 2+2W with a fence
// between the accesses of each thread.
//
// Locations start at 0. Registers r0..r3 are the values loads returned;
// `x`, `y` in an outcome are final values, read after every thread joined.
#include <atomic>

#include "props/litmus.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::props::litmus {
namespace {

constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;
constexpr auto sc = std::memory_order_seq_cst;

void fence(std::memory_order o) { sys::atomic_thread_fence(o); }
int final_value(const sys::atomic<int>& a) { return a.load(rlx); }
// Touches the locations in order before any thread starts, so they are
// numbered (and drawn as x, y) in that order in every execution.
template <class... A>
void introduce(const A&... a) {
  (a.load(rlx), ...);
}

// SB: x=1; r0=y || y=1; r1=x. Weak: r0=0 /\ r1=0.
template <std::memory_order St, std::memory_order Ld, bool Fence>
void sb(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(1, St);
    if (Fence) fence(sc);
    r[0] = y.load(Ld);
  });
  sys::thread b("b", [&] {
    y.store(1, St);
    if (Fence) fence(sc);
    r[1] = x.load(Ld);
  });
  a.join();
  b.join();
}

// MP: x=1; y=1 || r0=y; r1=x. Weak: r0=1 /\ r1=0.
template <std::memory_order St, std::memory_order Ld, bool RelFence, bool AcqFence>
void mp(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(1, St == sc ? sc : rlx);
    if (RelFence) fence(rel);
    y.store(1, St);
  });
  sys::thread b("b", [&] {
    r[0] = y.load(Ld);
    if (AcqFence) fence(acq);
    r[1] = x.load(Ld == sc ? sc : rlx);
  });
  a.join();
  b.join();
}

// LB: r0=x; y=1 || r1=y; x=1. Weak: r0=1 /\ r1=1.
template <std::memory_order St, std::memory_order Ld>
void lb(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    r[0] = x.load(Ld);
    y.store(1, St);
  });
  sys::thread b("b", [&] {
    r[1] = y.load(Ld);
    x.store(1, St);
  });
  a.join();
  b.join();
}

// IRIW: x=1 || y=1 || r0=x; r1=y || r2=y; r3=x. Weak: r0=1 /\ r1=0 /\ r2=1 /\ r3=0.
template <std::memory_order St, std::memory_order Ld, bool Fence>
void iriw(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] { x.store(1, St); });
  sys::thread b("b", [&] { y.store(1, St); });
  sys::thread c("c", [&] {
    r[0] = x.load(Ld);
    if (Fence) fence(sc);
    r[1] = y.load(Ld);
  });
  sys::thread d("d", [&] {
    r[2] = y.load(Ld);
    if (Fence) fence(sc);
    r[3] = x.load(Ld);
  });
  a.join();
  b.join();
  c.join();
  d.join();
}

// WRC: x=1 || r0=x; y=1 || r1=y; r2=x. Weak: r0=1 /\ r1=1 /\ r2=0.
template <std::memory_order MidLd, std::memory_order St, std::memory_order Ld>
void wrc(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] { x.store(1, rlx); });
  sys::thread b("b", [&] {
    r[0] = x.load(MidLd);
    y.store(1, St);
  });
  sys::thread c("c", [&] {
    r[1] = y.load(Ld);
    r[2] = x.load(rlx);
  });
  a.join();
  b.join();
  c.join();
}

// 2+2W: x=1; y=2 || y=1; x=2. Weak: x=1 /\ y=1 at the end.
template <std::memory_order St, bool Fence>
void two_plus_two_w(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(1, St);
    if (Fence) fence(sc);
    y.store(2, St);
  });
  sys::thread b("b", [&] {
    y.store(1, St);
    if (Fence) fence(sc);
    x.store(2, St);
  });
  a.join();
  b.join();
  r[0] = final_value(x);
  r[1] = final_value(y);
}

// R: x=1; y=1 || y=2; r0=x. Weak: y=2 at the end /\ r0=0.
template <std::memory_order St, std::memory_order Ld, bool Fence>
void r_test(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(1, St);
    if (Fence) fence(sc);
    y.store(1, St);
  });
  sys::thread b("b", [&] {
    y.store(2, St);
    if (Fence) fence(sc);
    r[1] = x.load(Ld);
  });
  a.join();
  b.join();
  r[0] = final_value(y);
}

// S: x=2; y=1 || r0=y; x=1. Weak: r0=1 /\ x=2 at the end.
template <std::memory_order St, std::memory_order Ld>
void s_test(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(2, rlx);
    y.store(1, St);
  });
  sys::thread b("b", [&] {
    r[0] = y.load(Ld);
    x.store(1, rlx);
  });
  a.join();
  b.join();
  r[1] = final_value(x);
}

// CoRR: x=1 || r0=x; r1=x. Weak: r0=1 /\ r1=0.
void corr(registers& r) {
  sys::atomic<int> x{0};
  introduce(x);
  sys::thread a("a", [&] { x.store(1, rlx); });
  sys::thread b("b", [&] {
    r[0] = x.load(rlx);
    r[1] = x.load(rlx);
  });
  a.join();
  b.join();
}

// CoRR2: x=1 || x=2 || r0=x; r1=x || r2=x; r3=x. Weak: the readers see the
// two stores in opposite orders, r0=1 /\ r1=2 /\ r2=2 /\ r3=1.
void corr2(registers& r) {
  sys::atomic<int> x{0};
  introduce(x);
  sys::thread a("a", [&] { x.store(1, rlx); });
  sys::thread b("b", [&] { x.store(2, rlx); });
  sys::thread c("c", [&] {
    r[0] = x.load(rlx);
    r[1] = x.load(rlx);
  });
  sys::thread d("d", [&] {
    r[2] = x.load(rlx);
    r[3] = x.load(rlx);
  });
  a.join();
  b.join();
  c.join();
  d.join();
}

// CoWR: x=1; r0=x || x=2. Weak: r0=2 /\ x=1 at the end.
void cowr(registers& r) {
  sys::atomic<int> x{0};
  introduce(x);
  sys::thread a("a", [&] {
    x.store(1, rlx);
    r[0] = x.load(rlx);
  });
  sys::thread b("b", [&] { x.store(2, rlx); });
  a.join();
  b.join();
  r[1] = final_value(x);
}

// CoRW: r0=x; x=1 || x=2. Weak: r0=2 /\ x=2 at the end.
void corw(registers& r) {
  sys::atomic<int> x{0};
  introduce(x);
  sys::thread a("a", [&] {
    r[0] = x.load(rlx);
    x.store(1, rlx);
  });
  sys::thread b("b", [&] { x.store(2, rlx); });
  a.join();
  b.join();
  r[1] = final_value(x);
}

// CoWW: x=1; x=2 || x=3. Weak: x=1 at the end.
void coww(registers& r) {
  sys::atomic<int> x{0};
  introduce(x);
  sys::thread a("a", [&] {
    x.store(1, rlx);
    x.store(2, rlx);
  });
  sys::thread b("b", [&] { x.store(3, rlx); });
  a.join();
  b.join();
  r[0] = final_value(x);
}

// MP through a release sequence: x=1; y=1 (release) || y+=1 (an RMW), or
// if y==1 then y=2 (a load and a plain store) || r0=y (acquire); r1=x.
// Weak: r0=2 /\ r1=0. An RMW continues the release sequence headed by
// y=1; another thread's plain store does not (C++20).
template <bool Rmw>
void mp_release_sequence(registers& r) {
  sys::atomic<int> x{0}, y{0};
  introduce(x, y);
  sys::thread a("a", [&] {
    x.store(1, rlx);
    y.store(1, rel);
  });
  sys::thread b("b", [&] {
    if (Rmw) {
      y.fetch_add(1, rlx);
    } else if (y.load(rlx) == 1) {
      y.store(2, rlx);
    }
  });
  sys::thread c("c", [&] {
    r[0] = y.load(acq);
    r[1] = x.load(rlx);
  });
  a.join();
  b.join();
  c.join();
}

std::vector<test> make_tests() {
  return {
      {"SB+rlx", "r0 r1", {0, 0}, true, sb<rlx, rlx, false>},
      {"SB+rel+acq", "r0 r1", {0, 0}, true, sb<rel, acq, false>},
      {"SB+sc", "r0 r1", {0, 0}, false, sb<sc, sc, false>},
      {"SB+fence.sc", "r0 r1", {0, 0}, false, sb<rlx, rlx, true>},
      {"MP+rlx", "r0 r1", {1, 0}, true, mp<rlx, rlx, false, false>},
      {"MP+rel+acq", "r0 r1", {1, 0}, false, mp<rel, acq, false, false>},
      {"MP+rel+rlx", "r0 r1", {1, 0}, true, mp<rel, rlx, false, false>},
      {"MP+rlx+acq", "r0 r1", {1, 0}, true, mp<rlx, acq, false, false>},
      {"MP+sc", "r0 r1", {1, 0}, false, mp<sc, sc, false, false>},
      {"MP+fence.rel+fence.acq", "r0 r1", {1, 0}, false, mp<rlx, rlx, true, true>},
      {"MP+fence.rel+rlx", "r0 r1", {1, 0}, true, mp<rlx, rlx, true, false>},
      {"MP+rlx+fence.acq", "r0 r1", {1, 0}, true, mp<rlx, rlx, false, true>},
      {"LB+rlx", "r0 r1", {1, 1}, false, lb<rlx, rlx>},
      {"LB+rel+acq", "r0 r1", {1, 1}, false, lb<rel, acq>},
      {"IRIW+rlx", "r0 r1 r2 r3", {1, 0, 1, 0}, true, iriw<rlx, rlx, false>, 4},
      {"IRIW+rel+acq", "r0 r1 r2 r3", {1, 0, 1, 0}, true, iriw<rel, acq, false>, 4},
      {"IRIW+acq+fence.sc", "r0 r1 r2 r3", {1, 0, 1, 0}, false, iriw<rlx, acq, true>, 4},
      {"IRIW+sc", "r0 r1 r2 r3", {1, 0, 1, 0}, false, iriw<sc, sc, false>, 4},
      {"WRC+rlx", "r0 r1 r2", {1, 1, 0}, true, wrc<rlx, rlx, rlx>, 3},
      {"WRC+rel+acq", "r0 r1 r2", {1, 1, 0}, false, wrc<rlx, rel, acq>, 3},
      {"WRC+acq+rlx+acq", "r0 r1 r2", {1, 1, 0}, true, wrc<acq, rlx, acq>, 3},
      {"2+2W+rlx", "x y", {1, 1}, true, two_plus_two_w<rlx, false>},
      {"2+2W+rel", "x y", {1, 1}, true, two_plus_two_w<rel, false>},
      {"2+2W+fence.sc", "x y", {1, 1}, false, two_plus_two_w<rlx, true>},
      {"2+2W+sc", "x y", {1, 1}, false, two_plus_two_w<sc, false>},
      {"R+rlx", "y r0", {2, 0}, true, r_test<rlx, rlx, false>},
      {"R+rel+acq", "y r0", {2, 0}, true, r_test<rel, acq, false>},
      {"R+fence.sc", "y r0", {2, 0}, false, r_test<rlx, rlx, true>},
      {"R+sc", "y r0", {2, 0}, false, r_test<sc, sc, false>},
      {"S+rlx", "r0 x", {1, 2}, true, s_test<rlx, rlx>},
      {"S+rel+acq", "r0 x", {1, 2}, false, s_test<rel, acq>},
      {"S+rel+rlx", "r0 x", {1, 2}, true, s_test<rel, rlx>},
      {"CoRR", "r0 r1", {1, 0}, false, corr},
      {"CoRR2", "r0 r1 r2 r3", {1, 2, 2, 1}, false, corr2, 4},
      {"CoWR", "r0 x", {2, 1}, false, cowr},
      {"CoRW", "r0 x", {2, 2}, false, corw},
      {"CoWW", "x", {1}, false, coww, 1},
      {"MP+rs+rmw", "r0 r1", {2, 0}, false, mp_release_sequence<true>},
      {"MP+rs+store", "r0 r1", {2, 0}, true, mp_release_sequence<false>},
  };
}

}  // namespace

const std::vector<test>& tests() {
  static const std::vector<test> all = make_tests();
  return all;
}

}  // namespace weft::props::litmus
