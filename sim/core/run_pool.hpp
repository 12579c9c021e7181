// What many runs in a row share, so that one run of a small check
// allocates almost nothing: the stacks of its simulated threads, the
// executor's thread records (with their names, bodies and clocks), and the
// buffer its choices are recorded into.
//
// An explorer runs thousands of short executions of one program; without
// a pool each would map stacks and allocate a record, a body and a clock
// per thread. With one, a record retired at the end of a run is reset and
// handed to the next run's spawn, keeping the capacity of what it holds.
// A record whose thread was abandoned mid-run comes back too: its fiber is
// never resumed, its body is deliberately leaked (its frames may still
// point into it), and the record itself holds nothing of the abandoned run.
//
// Single runs (sim::world, a replay) need no pool: the executor keeps its
// own stacks and allocates records as it goes.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "sim/core/decision.hpp"
#include "sim/core/segment.hpp"
#include "sim/core/stack_pool.hpp"

namespace weft::sim {

struct thread_record;  // sim/core/executor_thread.hpp

class run_pool {
 public:
  // `stack_size`: usable bytes per simulated thread's stack.
  explicit run_pool(std::size_t stack_size);
  run_pool(const run_pool&) = delete;
  run_pool& operator=(const run_pool&) = delete;
  ~run_pool();

  stack_pool& stacks() noexcept { return stacks_; }

  // An empty choice buffer, with the capacity of one given back before.
  std::vector<choice> take_choices();
  // A run's choices, once nobody needs them.
  void give_back(std::vector<choice>&& choices) noexcept;

  // ---- for sim::executor ----
  // A retired thread record, reset; null when none is left.
  std::unique_ptr<thread_record> take_record() noexcept;
  void give_back(std::unique_ptr<thread_record> record) noexcept;
  // The executor's thread list and scratch list, empty, with the capacity
  // of the last ones given back.
  std::vector<std::unique_ptr<thread_record>> take_thread_list() noexcept;
  void give_back(std::vector<std::unique_ptr<thread_record>>&& list) noexcept;
  std::vector<thread_id> take_scratch() noexcept;
  void give_back(std::vector<thread_id>&& scratch) noexcept;
  // Partial-order reduction's record of a run, empty, with the capacity of
  // the ones given back; the object table comes back cleared.
  segment_log take_segment_log() noexcept;
  void give_back(segment_log&& log) noexcept;
  object_numbers take_object_numbers() noexcept;
  void give_back(object_numbers&& numbers) noexcept;

 private:
  stack_pool stacks_;
  std::vector<std::unique_ptr<thread_record>> records_;
  std::vector<choice> choices_;
  std::vector<std::unique_ptr<thread_record>> thread_list_;
  std::vector<thread_id> scratch_;
  segment_log segment_log_;
  object_numbers object_numbers_;
};

}  // namespace weft::sim
