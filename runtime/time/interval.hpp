// rt::interval: ticks at a fixed period.
//
//   rt::interval every = rt::interval(std::chrono::seconds(1));
//   for (;;) {
//     co_await every.tick();   // the first tick completes at once
//     send_heartbeat();
//   }
//
// When a tick completes late (the task was busy, or the machine was), by
// more than 5 ms as in Tokio, the missed-tick behaviour decides the next
// deadline:
//   burst  keep the original schedule: the missed ticks complete back to
//          back until caught up (default);
//   delay  start the schedule over from now: next = now + period;
//   skip   keep the original phase but drop the missed ticks: next is the
//          first point of the original schedule after now.
#pragma once

#include <chrono>
#include <optional>

#include "runtime/time/sleep.hpp"

namespace weft::rt {

enum class missed_tick_behavior { burst, delay, skip };

class interval {
 public:
  // Ticks at `start`, start + period, ... (start defaults to now).
  explicit interval(clock::duration period, missed_tick_behavior behavior = missed_tick_behavior::burst);
  interval(clock::time_point start, clock::duration period,
           missed_tick_behavior behavior = missed_tick_behavior::burst);
  interval(const interval&) = delete;
  interval& operator=(const interval&) = delete;

  class tick_future final : public leaf_future {
   public:
    explicit tick_future(interval* owner) noexcept : owner_(owner) {}
    bool poll(const waker& w) noexcept override { return owner_->poll_tick(w, result_); }
    // The instant the tick was scheduled for.
    clock::time_point await_resume() const noexcept { return result_; }

   private:
    interval* owner_;
    clock::time_point result_{};
  };
  tick_future tick() noexcept { return tick_future(this); }

  clock::duration period() const noexcept { return period_; }
  missed_tick_behavior behavior() const noexcept { return behavior_; }
  void set_missed_tick_behavior(missed_tick_behavior b) noexcept { behavior_ = b; }
  // Restarts the schedule: the next tick is one period from now.
  void reset();

 private:
  bool poll_tick(const waker& w, clock::time_point& fired_at) noexcept;
  clock::time_point next_after(clock::time_point scheduled, clock::time_point now) const noexcept;

  clock::duration period_;
  missed_tick_behavior behavior_;
  sleep_future sleep_;
};

}  // namespace weft::rt
