// close-races-send: a channel whose close races a send.
//
// send checks the `closed` flag, then enqueues under the lock. If the
// channel is closed, and the receiver drains it and leaves, between the
// check and the enqueue, send reports success for a message nobody will
// ever receive. The fixed twin checks `closed` under the same lock as the
// enqueue, so a send either lands before the close or is refused.
#include <deque>
#include <mutex>
#include <optional>

#include "examples/bugs/catalogue.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::examples {
namespace {

template <bool Fixed>
class channel {
 public:
  bool send(int v) {
    if constexpr (!Fixed) {
      if (closed_.load(std::memory_order_acquire)) return false;  // BUG: checked outside the lock
    }
    std::lock_guard lock(m_);
    if constexpr (Fixed) {
      if (closed_.load(std::memory_order_relaxed)) return false;
    }
    queue_.push_back(v);
    cv_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(m_);
    closed_.store(true, std::memory_order_release);
    cv_.notify_all();
  }
  // The next message; nullopt once closed and drained.
  std::optional<int> recv() {
    std::unique_lock lock(m_);
    while (queue_.empty() && !closed_.load(std::memory_order_relaxed)) cv_.wait(lock);
    if (queue_.empty()) return std::nullopt;
    const int v = queue_.front();
    queue_.pop_front();
    return v;
  }

 private:
  sys::mutex m_;
  sys::condvar cv_;
  std::deque<int> queue_;  // guarded by m_
  sys::atomic<bool> closed_{false};
};

template <bool Fixed>
void close_race() {
  channel<Fixed> ch;
  bool accepted = false;
  int received = 0;
  sys::thread sender("sender", [&] { accepted = ch.send(7); });
  sys::thread closer("closer", [&] { ch.close(); });
  sys::thread receiver("receiver", [&] {
    while (ch.recv()) ++received;
  });
  sender.join();
  closer.join();
  receiver.join();
  WEFT_ASSERT(received == (accepted ? 1 : 0), "send succeeded but the message was never received");
}

}  // namespace

std::vector<check> close_races_send_checks() {
  return {{"close-races-send", "bug", "a channel whose send checks `closed` outside the lock that close takes",
           close_race<false>},
          {"close-races-send-fixed", "fixed", "close-races-send with the check under the lock", close_race<true>}};
}

}  // namespace weft::examples
