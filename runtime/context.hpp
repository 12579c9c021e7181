// The per-thread runtime context: which scheduler this thread drives, which
// worker it is, which task it is polling and how much cooperative budget that
// poll has left.
//
// Stored through sys::thread_local_value so each simulated thread has its own.
#pragma once

#include <cstdint>
#include <limits>

#include "runtime/sys/thread_local.hpp"

namespace weft::rt::detail {

class scheduler;
struct task_header;

struct context {
  static constexpr std::uint32_t unconstrained = std::numeric_limits<std::uint32_t>::max();

  scheduler* sched = nullptr;       // the scheduler this thread runs tasks for
  void* worker_state = nullptr;     // the scheduler's own per-worker data
  std::int32_t worker = -1;         // worker index; -1 for a block_on thread
  task_header* current = nullptr;   // task being polled, if any
  std::uint32_t budget = unconstrained;
};

struct context_tag;
using current_context = sys::thread_local_value<context*, context_tag>;

// Installs `cx` as this thread's context for the lifetime of the guard,
// restoring the previous one after.
class context_guard {
 public:
  explicit context_guard(context* cx) noexcept : prev_(current_context::get()) {
    current_context::set(cx);
  }
  context_guard(const context_guard&) = delete;
  context_guard& operator=(const context_guard&) = delete;
  ~context_guard() { current_context::set(prev_); }

 private:
  context* prev_;
};

}  // namespace weft::rt::detail
