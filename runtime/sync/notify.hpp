// rt::notify: wake one waiting task, or all of them.
//
//   rt::notify ready;
//   // consumer                       // producer
//   co_await ready.notified();        publish(data); ready.notify_one();
//
// notify_one() wakes the longest-waiting task; if none waits, it stores one
// permit, so the next notified() completes at once (a notification that
// races ahead of the wait is not lost; several collapse into one).
// notify_waiters() wakes every task waiting at the time of the call — and
// every notified() created before the call, even if not yet awaited — and
// stores no permit. A notified() chosen by notify_one but dropped before it
// saw the notification passes it on to the next waiter (or the permit).
#pragma once

#include <cstdint>

#include "runtime/sync/wait_list.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/task/leaf_future.hpp"

namespace weft::rt {

class notify {
 public:
  notify() = default;
  notify(const notify&) = delete;
  notify& operator=(const notify&) = delete;
  ~notify();

  class notified_future final : public leaf_future {
   public:
    notified_future(notify* n, std::uint64_t generation) noexcept : owner_(n), generation_(generation) {}
    notified_future(notified_future&& other) noexcept;
    notified_future& operator=(notified_future&&) = delete;
    ~notified_future();
    bool poll(const waker& w) noexcept override;
    void await_resume() const noexcept {}

   private:
    friend class notify;
    struct node : detail::wait_node {
      bool by_one = false;  // completed by notify_one (not notify_waiters)
    };
    notify* owner_;
    std::uint64_t generation_;  // notify_waiters calls seen at creation
    node node_;
    bool polled_ = false;    // owner-only
    bool observed_ = false;  // owner-only: poll returned ready
  };

  notified_future notified();
  void notify_one();
  void notify_waiters();

 private:
  // Under mutex_: hands one notification to the first waiter or the permit.
  waker notify_one_locked();

  sys::mutex mutex_;
  detail::wait_list waiters_;
  bool permit_ = false;
  std::uint64_t generation_ = 0;
};

}  // namespace weft::rt
