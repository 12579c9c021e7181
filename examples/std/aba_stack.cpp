// aba-stack: a Treiber stack over a fixed pool of nodes, as with a free
// list. A pop reads head A and A's successor B, and swings the head from A
// to B with a compare-exchange; if meanwhile another thread pops A and B
// and pushes A back, the head is A again, the stale exchange succeeds and
// installs B, which the other thread holds. The fixed twin tags the head
// with a version bumped by every change.
#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <thread>

namespace stdbugs {
namespace {

constexpr std::uint32_t none = 0xffffffff;

template <bool Fixed>
class stack {
 public:
  stack() {
    for (std::uint32_t i = 3; i-- > 0;) push(i);
  }
  void push(std::uint32_t node) {
    std::uint64_t h = head_.load(std::memory_order_acquire);
    do {
      next_[node].store(index(h), std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(h, pack(node, tag(h) + 1), std::memory_order_acq_rel,
                                          std::memory_order_acquire));
  }
  std::uint32_t pop() {
    std::uint64_t h = head_.load(std::memory_order_acquire);
    for (;;) {
      if (index(h) == none) return none;
      const std::uint32_t next = next_[index(h)].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, pack(next, tag(h) + 1), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        return index(h);
      }
    }
  }
  // Which nodes the stack holds now (bounded: a corrupted stack can loop).
  void count(std::array<int, 3>& seen) const {
    int n = 0;
    for (std::uint32_t i = index(head_.load()); i != none && n < 8; i = next_[i].load(), ++n) ++seen[i];
  }

 private:
  // BUG (unfixed): no version, so a head that went A -> ... -> A compares equal.
  static std::uint64_t pack(std::uint32_t i, std::uint32_t t) { return Fixed ? (std::uint64_t{t} << 32) | i : i; }
  static std::uint32_t index(std::uint64_t h) { return static_cast<std::uint32_t>(h); }
  static std::uint32_t tag(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }

  std::atomic<std::uint64_t> head_{pack(none, 0)};
  std::array<std::atomic<std::uint32_t>, 3> next_{};
};

template <bool Fixed>
void run() {
  stack<Fixed> s;
  std::uint32_t a_took = none;
  std::uint32_t b_kept = none;
  std::thread a([&] { a_took = s.pop(); });
  std::thread b([&] {
    const std::uint32_t x = s.pop();
    b_kept = s.pop();
    s.push(x);
  });
  a.join();
  b.join();
  std::array<int, 3> seen{};
  s.count(seen);
  if (a_took != none) ++seen[a_took];
  if (b_kept != none) ++seen[b_kept];
  for (const int n : seen) assert(n == 1 && "a node is both in the stack and held by a thread");
}

}  // namespace

void aba_stack_bug() { run<false>(); }
void aba_stack_fixed() { run<true>(); }

}  // namespace stdbugs
