// steal-off-by-one: a work-stealing deque (Chase-Lev) with an off-by-one in
// the owner's pop.
//
// The owner pops from the bottom, thieves steal from the top. When one item
// is left, owner and thief race for it, and the owner must settle the race
// with a CAS on `top`. The buggy pop tests `top <= bottom` where it should
// test `top < bottom`, so it takes the last item without the CAS — while a
// thief takes it too. The fixed twin races for the last item properly.
#include <array>
#include <cstdint>
#include <optional>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
class deque {
 public:
  void push(int v) {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed);
    slots_[static_cast<std::size_t>(b) % slots_.size()].store(v, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
  }
  std::optional<int> pop() {
    const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {  // empty
      bottom_.store(b + 1, std::memory_order_relaxed);
      return std::nullopt;
    }
    const int v = slots_[static_cast<std::size_t>(b) % slots_.size()].load(std::memory_order_relaxed);
    // BUG (unfixed): `t <= b` also holds for the last item (t == b), which
    // thieves may be taking right now.
    if (Fixed ? t < b : t <= b) return v;
    const bool won = top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_relaxed);
    return won ? std::optional<int>(v) : std::nullopt;
  }
  std::optional<int> steal() {
    std::int64_t t = top_.load(std::memory_order_acquire);
    const std::int64_t b = bottom_.load(std::memory_order_acquire);
    if (t >= b) return std::nullopt;
    const int v = slots_[static_cast<std::size_t>(t) % slots_.size()].load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
      return std::nullopt;  // lost the race: someone else took it
    }
    return v;
  }

 private:
  sys::atomic<std::int64_t> top_{0};
  sys::atomic<std::int64_t> bottom_{0};
  std::array<sys::atomic<int>, 8> slots_;
};

template <bool Fixed>
void steal_race() {
  deque<Fixed> d;
  d.push(1);
  d.push(2);
  std::array<int, 3> taken{};
  sys::thread thief("thief", [&] {
    if (const auto v = d.steal()) ++taken[static_cast<std::size_t>(*v)];
  });
  for (int i = 0; i < 2; ++i) {
    if (const auto v = d.pop()) ++taken[static_cast<std::size_t>(*v)];
  }
  thief.join();
  while (const auto v = d.pop()) ++taken[static_cast<std::size_t>(*v)];
  WEFT_ASSERT(taken[1] == 1 && taken[2] == 1, "an item was taken twice or lost");
}

}  // namespace

std::vector<check> steal_off_by_one_checks() {
  return {{"steal-off-by-one", "bug", "a Chase-Lev deque whose pop takes the last item without racing the thief",
           steal_race<false>},
          {"steal-off-by-one-fixed", "fixed", "steal-off-by-one with the last item settled by a CAS", steal_race<true>}};
}

}  // namespace weft::examples
