// steal-off-by-one: a Chase-Lev work-stealing deque whose owner takes the
// last item without racing the thief for it (`t <= b` where `t < b` is
// meant), so owner and thief can both take it. The fixed twin settles the
// last item with a compare-exchange on `top`.
#include <array>
#include <atomic>
#include <cassert>
#include <cstdint>
#include <optional>
#include <thread>

namespace stdbugs {
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
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return std::nullopt;
    }
    const int v = slots_[static_cast<std::size_t>(b) % slots_.size()].load(std::memory_order_relaxed);
    if (Fixed ? t < b : t <= b) return v;  // BUG (unfixed): t == b is the contested last item
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
      return std::nullopt;
    }
    return v;
  }

 private:
  std::atomic<std::int64_t> top_{0};
  std::atomic<std::int64_t> bottom_{0};
  std::array<std::atomic<int>, 8> slots_{};
};

template <bool Fixed>
void run() {
  deque<Fixed> d;
  d.push(1);
  d.push(2);
  std::array<int, 3> taken{};
  std::optional<int> stolen;  // the thief's, read after the join
  std::thread thief([&] { stolen = d.steal(); });
  for (int i = 0; i < 2; ++i) {
    if (const auto v = d.pop()) ++taken[static_cast<std::size_t>(*v)];
  }
  thief.join();
  if (stolen) ++taken[static_cast<std::size_t>(*stolen)];
  while (const auto v = d.pop()) ++taken[static_cast<std::size_t>(*v)];
  assert(taken[1] == 1 && taken[2] == 1 && "an item was taken twice or lost");
}

}  // namespace

void steal_off_by_one_bug() { run<false>(); }
void steal_off_by_one_fixed() { run<true>(); }

}  // namespace stdbugs
