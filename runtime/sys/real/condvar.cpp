#include "runtime/sys/real/condvar.hpp"

#include "runtime/sys/real/futex.hpp"
#include "runtime/sys/real/clock.hpp"

namespace weft::sys {

void condvar::wait(std::unique_lock<mutex>& lock) {
  const std::uint32_t seen = seq_.load(std::memory_order_relaxed);
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  lock.mutex()->unlock();
  detail::futex_wait(seq_, seen);
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  lock.mutex()->lock_sleeping();
}

bool condvar::wait_for(std::unique_lock<mutex>& lock, std::chrono::nanoseconds timeout) {
  const std::uint32_t seen = seq_.load(std::memory_order_relaxed);
  const auto deadline = clock::now() + timeout;
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  lock.mutex()->unlock();
  detail::futex_wait(seq_, seen, &timeout);
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  lock.mutex()->lock_sleeping();
  return clock::now() < deadline || seq_.load(std::memory_order_relaxed) != seen;
}

void condvar::notify_one() noexcept {
  seq_.fetch_add(1, std::memory_order_seq_cst);
  if (waiters_.load(std::memory_order_seq_cst) != 0) detail::futex_wake(seq_, 1);
}

void condvar::notify_all() noexcept {
  seq_.fetch_add(1, std::memory_order_seq_cst);
  if (waiters_.load(std::memory_order_seq_cst) != 0) detail::futex_wake(seq_, INT32_MAX);
}

}  // namespace weft::sys
