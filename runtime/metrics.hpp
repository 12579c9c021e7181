// Runtime metrics, in the spirit of Tokio's RuntimeMetrics: counters each
// worker keeps about itself, and a few about the scheduler as a whole.
//
//   rt::runtime_metrics m = rt.metrics();
//   for (std::size_t i = 0; i < m.workers.size(); ++i)
//     std::printf("worker %zu: %llu polls, %llu stolen\n", i, m.workers[i].polls, ...);
//
// Counters only grow; depths are sampled when the snapshot is taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft::rt {

struct worker_metrics {
  std::uint64_t polls = 0;             // tasks polled
  std::uint64_t steal_operations = 0;  // successful steals from other workers
  std::uint64_t steal_count = 0;       // tasks taken by those steals
  std::uint64_t parks = 0;             // times the worker went to sleep
  std::uint64_t noops = 0;             // wakeups that found no work
  std::uint64_t local_schedules = 0;   // tasks queued locally (spawn/wake on this worker)
  std::uint64_t overflows = 0;         // times the local queue spilled to the inject queue
  std::size_t local_queue_depth = 0;   // tasks in its local queue now
};

struct runtime_metrics {
  std::size_t num_workers = 0;
  std::size_t injection_queue_depth = 0;  // tasks in the inject queue now
  std::uint64_t remote_schedules = 0;     // tasks queued from outside the workers
  std::uint64_t spawned_tasks = 0;        // tasks ever spawned
  std::size_t alive_tasks = 0;            // tasks spawned and not yet completed
  std::vector<worker_metrics> workers;

  std::uint64_t total_polls() const noexcept {
    std::uint64_t n = 0;
    for (const worker_metrics& w : workers) n += w.polls;
    return n;
  }
};

}  // namespace weft::rt
