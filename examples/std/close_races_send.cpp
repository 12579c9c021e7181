// close-races-send: a channel whose send checks `closed` before taking the
// lock that close takes. If the channel is closed and drained between the
// check and the enqueue, send reports success for a message nobody will
// receive. The fixed twin checks under the lock.
#include <atomic>
#include <cassert>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
class channel {
 public:
  bool send(int v) {
    if (!Fixed && closed_.load()) return false;  // BUG: checked outside the lock
    std::lock_guard<std::mutex> lock(m_);
    if (Fixed && closed_.load()) return false;
    queue_.push_back(v);
    cv_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_.store(true);
    cv_.notify_all();
  }
  std::optional<int> recv() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return !queue_.empty() || closed_.load(); });
    if (queue_.empty()) return std::nullopt;
    const int v = queue_.front();
    queue_.pop_front();
    return v;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<int> queue_;
  std::atomic<bool> closed_{false};
};

template <bool Fixed>
void run() {
  channel<Fixed> ch;
  bool accepted = false;
  int received = 0;
  std::thread sender([&] { accepted = ch.send(7); });
  std::thread closer([&] { ch.close(); });
  std::thread receiver([&] {
    while (ch.recv()) ++received;
  });
  sender.join();
  closer.join();
  receiver.join();
  assert(received == (accepted ? 1 : 0) && "send succeeded but the message was never received");
}

}  // namespace

void close_races_send_bug() { run<false>(); }
void close_races_send_fixed() { run<true>(); }

}  // namespace stdbugs
