// aba-stack: a lock-free (Treiber) stack whose pop falls to ABA.
//
// pop reads the head A and A's successor B, then swings the head from A to
// B with a compare-and-swap. Meanwhile another thread pops A, pops B and
// pushes A back: the head is A again, so the CAS succeeds — and installs B,
// which that other thread now owns. B is then both in the stack and out of
// it. The fixed twin tags the head with a counter bumped by every change,
// so the stale CAS fails.
#include <array>
#include <cstdint>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

constexpr std::uint32_t none = 0xffffffff;

// Nodes live in a fixed array and are reused, as with a free list.
template <bool Fixed>
class stack {
 public:
  explicit stack(std::uint32_t n) : head_(pack(none, 0)) {
    for (std::uint32_t i = n; i-- > 0;) push(i);
  }
  void push(std::uint32_t node) {
    std::uint64_t h = head_.load(std::memory_order_acquire);
    for (;;) {
      next_[node].store(index(h), std::memory_order_relaxed);
      if (head_.compare_exchange_weak(h, pack(node, tag(h) + 1), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        return;
      }
    }
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
  // What is in the stack now (bounded: a corrupted stack may have a cycle).
  std::vector<std::uint32_t> contents() const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = index(head_.load(std::memory_order_acquire)); i != none && out.size() < 8;
         i = next_[i].load(std::memory_order_relaxed)) {
      out.push_back(i);
    }
    return out;
  }

 private:
  // BUG (unfixed): without the tag, a head that went A -> ... -> A compares equal.
  static std::uint64_t pack(std::uint32_t i, std::uint32_t t) {
    return Fixed ? (std::uint64_t{t} << 32) | i : i;
  }
  static std::uint32_t index(std::uint64_t h) { return static_cast<std::uint32_t>(h); }
  static std::uint32_t tag(std::uint64_t h) { return static_cast<std::uint32_t>(h >> 32); }

  sys::atomic<std::uint64_t> head_;
  std::array<sys::atomic<std::uint32_t>, 4> next_;
};

template <bool Fixed>
void aba() {
  stack<Fixed> s(3);  // 0 -> 1 -> 2
  std::uint32_t a_took = none;
  std::uint32_t b_kept = none;
  sys::thread a("a", [&] { a_took = s.pop(); });
  sys::thread b("b", [&] {
    const std::uint32_t x = s.pop();
    b_kept = s.pop();
    s.push(x);
  });
  a.join();
  b.join();
  std::array<int, 3> seen{};
  for (const std::uint32_t i : s.contents()) ++seen[i];
  if (a_took != none) ++seen[a_took];
  if (b_kept != none) ++seen[b_kept];
  for (const int n : seen) WEFT_ASSERT(n == 1, "a node is both in the stack and held by a thread (ABA)");
}

}  // namespace

std::vector<check> aba_stack_checks() {
  return {{"aba-stack", "bug", "a Treiber stack whose pop CAS succeeds on a recycled head (ABA)", aba<false>},
          {"aba-stack-fixed", "fixed", "aba-stack with a version tag in the head word", aba<true>}};
}

}  // namespace weft::examples
