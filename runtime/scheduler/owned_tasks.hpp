// The list of every live task a scheduler owns, so that shutdown can find and
// cancel them all.
//
// A task is bound when spawned and removed when it completes. Once the list
// is closed (shutdown began), binding fails and the spawner cancels the new
// task on the spot: no task can slip in after the sweep.
//
// One mutex guards the list (an intrusive doubly linked list through the
// task headers). It is taken twice per task (bind, remove), never on a poll.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/sys/mutex.hpp"

namespace weft::rt::detail {

struct task_header;

class owned_tasks {
 public:
  owned_tasks() = default;
  owned_tasks(const owned_tasks&) = delete;
  owned_tasks& operator=(const owned_tasks&) = delete;

  // Assigns `t` its id (1, 2, 3, ... in spawn order) and adds it to the
  // list. Returns false if the list is closed: the task then has an id (so
  // traces can name it) but is not in the list.
  bool bind(task_header* t);
  // Removes `t` if it is in the list. True if it was (the caller then also
  // drops the list's reference).
  bool remove(task_header* t);
  // Closes the list; returns false if it was already closed.
  bool close();
  // Takes one task out of the list (the caller inherits the list's
  // reference), or returns null when empty.
  task_header* pop_front();

  bool is_closed();
  std::size_t size();
  std::uint64_t spawned_count();

 private:
  sys::mutex mutex_;
  task_header* head_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t next_id_ = 1;
  bool closed_ = false;
};

}  // namespace weft::rt::detail
