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
#include <type_traits>

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

  // Ordered by size, so the small fields share the last word and the
  // block's ownership flag fits in it too (runtime/task/frame_alloc.hpp):
  // 104 bytes in the real flavour.
  task_state state;
  scheduler* const sched;           // the scheduler it runs on (holds a reference to it)
  std::uint64_t id = 0;             // assigned when bound to the scheduler; 1, 2, 3...
  std::coroutine_handle<> root;     // see the access rules above
  sys::cell<poll_slot> slot;
  sys::cell<waker> join_waker;
  task_header* queue_next = nullptr;
  task_header* owned_prev = nullptr;
  task_header* owned_next = nullptr;
  void (*destroy_result)(task_header*) noexcept = nullptr;  // typed, set at spawn
  std::uint32_t owned_shard = 0;
  sys::cell<stage> output_stage{stage::running};
  bool in_owned_list = false;
  bool root_failed = false;         // an exception escaped the root frame (RUNNING holder)
  // The frame block's flag (frame_alloc.hpp): written as a plain bool when
  // any task frame is allocated, set by adopt() once a cell is built here.
  bool block_owned = false;
};

// frame_alloc.hpp finds block_owned by offsetof. The sim flavour's members
// (sys::atomic keeps a std::unique_ptr) make the cell non-standard-layout
// for some compilers, where offsetof is conditionally supported: GCC and
// Clang support it for any class without virtual bases, and nothing here
// is virtual.
static_assert(!std::is_polymorphic_v<task_header>, "task_header must stay free of virtual functions");

}  // namespace weft::rt::detail
