// rt::semaphore: an async counting semaphore, fair (FIFO) and closable.
//
//   rt::semaphore sem(3);
//   auto p = co_await sem.acquire();        // rt::expected<permit, sync_error>
//   if (!p) co_return;                      // closed
//   ... at most three tasks here at once ...
//   // the permit goes back when `p` is destroyed
//
// Waiters are served strictly in arrival order: a large request at the
// head holds back smaller ones behind it (permits are set aside for it as
// they come back), so no request starves. acquire_many(n) takes n permits
// at once. close() fails every waiting and future acquire; permits already
// held stay valid. A waiting acquire that is cancelled (its task aborted, a
// select picked another branch) gives back whatever was set aside for it.
//
// This is the engine of rt::mutex and of bounded channels' back-pressure.
//
// The permit count lives in one atomic word, so taking and giving back
// permits while nobody waits is one compare-exchange, with no lock:
//
//   word = permits << 2 | WAITERS | CLOSED
//
//   CLOSED   set once by close(); never cleared.
//   WAITERS  the wait list is not empty. Set and cleared only under the
//            mutex. While it is set the word's count is 0: every permit given
//            back goes to the waiters (under the mutex) first, so an
//            acquire's lock-free path (count >= n, WAITERS clear) can never
//            jump the queue.
//
// Transitions (every one an RMW on the word, acq_rel, so whatever a permit
// guarded happens-before the next holder's acquire):
//   acquire, fast:   count >= n, WAITERS clear     -> count - n       (CAS)
//   acquire, queue:  under the mutex: take min(count, n) if the list is
//                    empty, set WAITERS, link the waiter             (CAS)
//   give back, fast: WAITERS clear                 -> count + n       (CAS)
//   give back, slow: under the mutex: hand to the waiters in order; once the
//                    list is empty, add the rest and clear WAITERS    (CAS)
//   close:           CLOSED                                       (fetch_or)
// The mutex guards the wait list and the nodes in it, as before; only the
// waiters' paths take it.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include "runtime/result.hpp"
#include "runtime/sync/wait_list.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

enum class sync_error {
  closed,    // the semaphore or channel was closed
  no_permits // try_acquire: not enough permits right now
};

class semaphore {
 public:
  explicit semaphore(std::size_t permits);
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore();

  // Permits held; returned when destroyed unless forget() was called.
  class permit {
   public:
    permit() noexcept = default;
    permit(permit&& other) noexcept
        : sem_(std::exchange(other.sem_, nullptr)), count_(std::exchange(other.count_, 0)) {}
    permit& operator=(permit&& other) noexcept {
      if (this != &other) {
        release();
        sem_ = std::exchange(other.sem_, nullptr);
        count_ = std::exchange(other.count_, 0);
      }
      return *this;
    }
    ~permit() { release(); }
    std::size_t count() const noexcept { return count_; }
    // Keeps the permits out of the semaphore for good.
    void forget() noexcept {
      sem_ = nullptr;
      count_ = 0;
    }
    void release() noexcept {
      if (sem_ != nullptr && count_ > 0) std::exchange(sem_, nullptr)->add_permits(std::exchange(count_, 0));
    }

   private:
    friend class semaphore;
    permit(semaphore* s, std::size_t n) noexcept : sem_(s), count_(n) {}
    semaphore* sem_ = nullptr;
    std::size_t count_ = 0;
  };

  class acquire_future final : public leaf_future {
   public:
    acquire_future(semaphore* s, std::size_t n) noexcept : sem_(s) { node_.needed = n; }
    acquire_future(acquire_future&& other) noexcept;
    acquire_future& operator=(acquire_future&&) = delete;
    ~acquire_future();
    bool poll(const waker& w) noexcept override;
    expected<permit, sync_error> await_resume();

   private:
    friend class semaphore;
    struct node : detail::wait_node {
      std::size_t needed = 1;
      std::size_t assigned = 0;
      bool failed = false;  // closed before it was served
      bool taken = false;   // await_resume took the permits
    };
    semaphore* sem_;
    node node_;
    bool polled_ = false;  // owner-only: whether the semaphore has seen this acquire
    bool queued_ = false;  // owner-only: it went to the wait list (then node_ is read under the mutex)
  };

  acquire_future acquire() noexcept { return acquire_future(this, 1); }
  acquire_future acquire_many(std::size_t n) noexcept { return acquire_future(this, n); }
  expected<permit, sync_error> try_acquire(std::size_t n = 1) {
    switch (try_take(n)) {
      case fast::taken:
        return permit(this, n);
      case fast::closed:
        return unexpected(sync_error::closed);
      case fast::busy:
        break;
    }
    return unexpected(sync_error::no_permits);
  }

  // Inline: the lock-free path is a few instructions (a channel calls it
  // for every message received).
  void add_permits(std::size_t n) {
    if (n == 0) return;
    std::size_t w = word_.load(std::memory_order_acquire);
    while ((w & waiters_bit) == 0) {
      WEFT_ASSERT(count(w) + n <= max_permits, "rt::semaphore: permit count overflow");
      if (word_.compare_exchange_weak(w, w + (n << shift), std::memory_order_acq_rel, std::memory_order_acquire)) {
        return;
      }
    }
    add_permits_to_waiters(n);
  }
  void close();
  bool is_closed();
  std::size_t available_permits();

 private:
  static constexpr std::size_t closed_bit = 1, waiters_bit = 2, shift = 2;
  static constexpr std::size_t max_permits = ~std::size_t{0} >> shift;
  static std::size_t count(std::size_t word) noexcept { return word >> shift; }

  // Takes n permits if nobody waits and enough are free; no lock.
  enum class fast { taken, closed, busy };
  fast try_take(std::size_t n) noexcept {
    std::size_t w = word_.load(std::memory_order_acquire);
    for (;;) {
      if ((w & closed_bit) != 0) return fast::closed;
      if ((w & waiters_bit) != 0 || count(w) < n) return fast::busy;
      if (word_.compare_exchange_weak(w, w - (n << shift), std::memory_order_acq_rel, std::memory_order_acquire)) {
        return fast::taken;
      }
    }
  }
  // add_permits while WAITERS is set: under the mutex.
  void add_permits_to_waiters(std::size_t n);
  // Under mutex_: hands permits to the waiters in order; what is left goes
  // back to the word, clearing WAITERS once the list is empty.
  void give_back_locked(std::size_t n, detail::wake_batch& wakes) noexcept;
  // Under mutex_: the first poll of an acquire that found no permits.
  bool enqueue_locked(acquire_future::node& n, const waker& w) noexcept;
  // Under mutex_, once CLOSED is set: fails every waiter, taking back what
  // was set aside for them.
  void fail_waiters_locked(detail::wake_batch& wakes) noexcept;

  sys::atomic<std::size_t> word_;
  sys::mutex mutex_;
  detail::wait_list waiters_;  // under mutex_
};

}  // namespace weft::rt
