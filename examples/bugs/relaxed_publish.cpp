// relaxed-publish: data handed over through a relaxed flag.
//
// The producer writes the data, then raises a flag; the consumer waits for
// the flag, then reads the data. With a relaxed flag nothing orders the
// data's store before the consumer's load: the consumer may see the flag
// and still read the old data (the MP litmus shape; on Arm and POWER this
// happens). The data is an atomic too, so this is no data race — only
// weak memory shows it. The fixed twin stores the flag with release and
// loads it with acquire.
#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
void relaxed_publish() {
  // BUG (unfixed): relaxed on both sides of the flag.
  constexpr auto store_order = Fixed ? std::memory_order_release : std::memory_order_relaxed;
  constexpr auto load_order = Fixed ? std::memory_order_acquire : std::memory_order_relaxed;
  sys::atomic<int> data{0};
  sys::atomic<bool> ready{false};
  sys::thread producer("producer", [&] {
    data.store(42, std::memory_order_relaxed);
    ready.store(true, store_order);
  });
  sys::thread consumer("consumer", [&] {
    while (!ready.load(load_order)) sys::yield_thread();
    WEFT_ASSERT(data.load(std::memory_order_relaxed) == 42, "the consumer saw the flag but not the data");
  });
  producer.join();
  consumer.join();
}

}  // namespace

std::vector<check> relaxed_publish_checks() {
  return {{"relaxed-publish", "bug", "data published with a relaxed flag: the reader sees the flag, not the data",
           relaxed_publish<false>, true},
          {"relaxed-publish-fixed", "fixed", "relaxed-publish with a release store and an acquire load",
           relaxed_publish<true>, true}};
}

}  // namespace weft::examples
