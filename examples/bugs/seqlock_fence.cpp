// seqlock-fence: a sequence-lock reader without its acquire fence.
//
// The writer makes the sequence number odd, writes the data, and makes it
// even again; a reader reads the number, the data, and the number again,
// and keeps the data only if the number was even and did not change. The
// data loads are relaxed, so the second read of the number needs an
// acquire fence before it (Boehm, "Can seqlocks get along with programming
// language memory models?", MSPC 2012): without it, the reader may see new
// data and still the old number, and keep a torn pair. The fixed twin has
// the fence. Explored under weak memory.
#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

struct seqlock {
  sys::atomic<unsigned> seq{0};
  sys::atomic<int> first{0}, second{0};

  void write(int v) {
    const unsigned s = seq.load(std::memory_order_relaxed);
    seq.store(s + 1, std::memory_order_relaxed);
    sys::atomic_thread_fence(std::memory_order_release);
    first.store(v, std::memory_order_relaxed);
    second.store(v, std::memory_order_relaxed);
    seq.store(s + 2, std::memory_order_release);
  }
  // The pair if it was read whole, else false.
  template <bool Fixed>
  bool read(int& a, int& b) {
    const unsigned s1 = seq.load(std::memory_order_acquire);
    if (s1 % 2 != 0) return false;
    a = first.load(std::memory_order_relaxed);
    b = second.load(std::memory_order_relaxed);
    if (Fixed) sys::atomic_thread_fence(std::memory_order_acquire);  // BUG (unfixed): missing
    return seq.load(std::memory_order_relaxed) == s1;
  }
};

template <bool Fixed>
void seqlock_fence() {
  seqlock lock;
  sys::thread writer("writer", [&] { lock.write(1); });
  sys::thread reader("reader", [&] {
    int a = 0, b = 0;
    if (lock.read<Fixed>(a, b)) WEFT_ASSERT(a == b, "the reader kept a torn pair");
  });
  writer.join();
  reader.join();
}

}  // namespace

std::vector<check> seqlock_fence_checks() {
  return {{"seqlock-fence", "bug", "a seqlock reader without the acquire fence before re-reading the sequence",
           seqlock_fence<false>, true},
          {"seqlock-fence-fixed", "fixed", "seqlock-fence with the reader's acquire fence", seqlock_fence<true>, true}};
}

}  // namespace weft::examples
