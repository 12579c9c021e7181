// A fixed pool of worker threads draining a queue of jobs: plain C++.
//
// With WORKQUEUE_DEFECT=1, shutdown() raises `stopping_` without holding
// the mutex the workers check it under: a worker that has just seen the
// queue empty and `stopping_` false, but not yet started to wait, misses
// the notify and sleeps forever (and shutdown's join with it).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

class workqueue {
 public:
  explicit workqueue(int workers);
  ~workqueue();
  workqueue(const workqueue&) = delete;
  workqueue& operator=(const workqueue&) = delete;

  void submit(std::function<void()> job);
  // Runs every submitted job, then stops the workers and joins them.
  void shutdown();

 private:
  void work();

  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by m_
  bool stopping_ = false;                   // guarded by m_ (but see WORKQUEUE_DEFECT)
  std::vector<std::thread> workers_;
};
