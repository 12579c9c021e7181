// shared-upgrade: a cache looks a key up under a std::shared_mutex held
// shared, lets go, and inserts under the lock held exclusively — without
// looking again. Two threads that both missed compute and insert twice.
// The fixed twin looks again once it holds the lock exclusively.
#include <cassert>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

namespace stdbugs {
namespace {

template <bool Fixed>
class cache {
 public:
  int get(int key) {
    {
      std::shared_lock<std::shared_mutex> read(m_);
      if (auto it = values_.find(key); it != values_.end()) return it->second;
    }
    std::unique_lock<std::shared_mutex> write(m_);
    if (Fixed) {
      if (auto it = values_.find(key); it != values_.end()) return it->second;
    }
    ++computed_;  // BUG (unfixed): another thread may have inserted it meanwhile
    values_[key] = key * 10;
    return key * 10;
  }
  int computed() {
    std::shared_lock<std::shared_mutex> read(m_);
    return computed_;
  }

 private:
  std::shared_mutex m_;
  std::map<int, int> values_;
  int computed_ = 0;
};

template <bool Fixed>
void run() {
  cache<Fixed> c;
  std::thread a([&] { c.get(1); });
  std::thread b([&] { c.get(1); });
  a.join();
  b.join();
  assert(c.computed() == 1 && "a value was computed twice");
}

}  // namespace

void shared_upgrade_bug() { run<false>(); }
void shared_upgrade_fixed() { run<true>(); }

}  // namespace stdbugs
