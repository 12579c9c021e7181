// The cell of a spawned task: everything the runtime knows about it.
//
// A spawned task is one allocation: this cell, its result and its root
// coroutine frame share a block (runtime/task/frame_alloc.hpp). The cell is
// not a template, so the scheduler, queues and wakers handle every task
// alike; only join_handle<T> looks at the typed result.
//
// Who may touch what (see runtime/task/state.hpp for the state bits):
//   state       anyone, atomically.
//   slot        the thread holding RUNNING.
//   root, stage, the thread holding RUNNING until COMPLETE; after COMPLETE,
//   result      the join_handle while JOIN_INTEREST is set, else the thread
//               that completed the task. The root frame is destroyed as soon
//               as the task finishes; the result stays until taken.
//   join_waker  the join_handle while JOIN_WAKER is clear; the completing
//               thread (read only) while it is set.
//   queue_next  whoever holds the queue entry (inject queue link).
//   owned_*     the owned-task list, under its mutex.
#pragma once

#include <coroutine>
#include <cstdint>

#include "runtime/sys/cell.hpp"
#include "runtime/task/leaf_future.hpp"
#include "runtime/task/state.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail {

class scheduler;

// What happened to the task's output.
enum class stage : std::uint8_t {
  running,    // not finished; root is alive
  finished,   // root destroyed; the block's result slot holds the result
  cancelled,  // root destroyed before finishing
  consumed,   // result taken or dropped
};

struct task_header {
  task_header(scheduler* owner, std::coroutine_handle<> root_frame) noexcept
      : sched(owner), root(root_frame) {
    slot.with_mut([&](poll_slot& s) { s.leaf = root_frame; });
  }
  task_header(const task_header&) = delete;
  task_header& operator=(const task_header&) = delete;

  task_state state;
  scheduler* const sched;           // the scheduler it runs on (holds a reference to it)
  std::uint64_t id = 0;             // assigned when bound to the scheduler; 1, 2, 3...
  std::coroutine_handle<> root;     // see the access rules above
  sys::cell<poll_slot> slot;
  sys::cell<stage> output_stage{stage::running};
  sys::cell<waker> join_waker;
  task_header* queue_next = nullptr;
  task_header* owned_prev = nullptr;
  task_header* owned_next = nullptr;
  void (*destroy_result)(task_header*) noexcept = nullptr;  // typed, set at spawn
  std::uint32_t owned_shard = 0;
  bool in_owned_list = false;
  bool root_failed = false;         // an exception escaped the root frame (RUNNING holder)
};

}  // namespace weft::rt::detail
