#include "workqueue/workqueue.hpp"

#include <atomic>

workqueue::workqueue(int workers) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

workqueue::~workqueue() { shutdown(); }

void workqueue::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(m_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void workqueue::shutdown() {
  if (workers_.empty()) return;
#if WORKQUEUE_DEFECT
  // The planted bug: the flag is raised outside the mutex.
  std::atomic_ref<bool>(stopping_).store(true);
#else
  {
    std::lock_guard<std::mutex> lock(m_);
    stopping_ = true;
  }
#endif
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void workqueue::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(m_);
#if WORKQUEUE_DEFECT
      while (jobs_.empty() && !std::atomic_ref<bool>(stopping_).load()) cv_.wait(lock);
#else
      cv_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
#endif
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}
