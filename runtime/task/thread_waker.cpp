#include "runtime/task/thread_waker.hpp"

#include "runtime/context.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/park.hpp"
#include "runtime/task/error.hpp"

namespace weft::rt::detail {
namespace {

struct thread_notifier {
  sys::parker parker;
  sys::atomic<std::uint64_t> refs{1};
};

void* notifier_clone(void* data) noexcept {
  static_cast<thread_notifier*>(data)->refs.fetch_add(1, std::memory_order_relaxed);
  return data;
}
void notifier_drop(void* data) noexcept {
  auto* n = static_cast<thread_notifier*>(data);
  const std::uint64_t prev = n->refs.fetch_sub(1, std::memory_order_acq_rel);
  WEFT_ASSERT(prev > 0, "thread waker reference underflow");
  if (prev == 1) {
    delete n;
  }
}
void notifier_wake_by_ref(void* data) noexcept { static_cast<thread_notifier*>(data)->parker.unpark(); }
void notifier_wake(void* data) noexcept {
  notifier_wake_by_ref(data);
  notifier_drop(data);
}

constexpr waker_vtable thread_waker_vtable = {&notifier_clone, &notifier_wake,
                                              &notifier_wake_by_ref, &notifier_drop};

}  // namespace

void block_until_ready(leaf_future& leaf) {
  const context* cx = current_context::get();
  if (cx != nullptr && cx->sched != nullptr) {
    throw usage_error(
        "weft: blocking wait on a runtime worker thread would stall the worker; "
        "use co_await instead");
  }
  // The waker owns the notifier's first reference.
  auto* notifier = new thread_notifier;
  const waker w(&thread_waker_vtable, notifier);
  while (!leaf.poll(w)) {
    notifier->parker.park();
  }
}

}  // namespace weft::rt::detail
