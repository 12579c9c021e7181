// publish-before-init: a producer announces that the shared configuration
// is ready before it has stored the pointer to it; a consumer that sees
// the announcement follows a null pointer and crashes. Every access is
// atomic (no data race): the order of the two stores is the bug. The
// fixed twin stores the pointer first.
#include <atomic>
#include <thread>

namespace stdbugs {
namespace {

struct config {
  int workers = 4;
};

template <bool Fixed>
void run() {
  config c;
  std::atomic<config*> shared{nullptr};
  std::atomic<bool> ready{false};
  int seen = 0;
  std::thread producer([&] {
    if (Fixed) {
      shared.store(&c);
      ready.store(true);
    } else {
      ready.store(true);  // BUG: announced before the pointer is stored
      shared.store(&c);
    }
  });
  std::thread consumer([&] {
    if (ready.load()) seen = shared.load()->workers;
  });
  producer.join();
  consumer.join();
  (void)seen;
}

}  // namespace

void publish_before_init_bug() { run<false>(); }
void publish_before_init_fixed() { run<true>(); }

}  // namespace stdbugs
