// The list of every live task a scheduler owns, so that shutdown can find and
// cancel them all.
//
// A task is bound when spawned and removed when it completes. Once the list
// is closed (shutdown began), binding fails and the spawner cancels the new
// task on the spot: no task can slip in after the sweep.
//
// The list is split into shards, each an intrusive doubly linked list under
// its own mutex (on its own cache line). A task spawned on worker i goes to
// shard i, so a worker that spawns and completes its own tasks keeps its
// shard's lock in its cache; tasks spawned from outside spread by id.
// close() closes every shard before the sweep starts; a bind that finds its
// shard closed fails, one that got in before is swept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::rt::detail {

struct task_header;

class owned_tasks {
 public:
  // `shards`: a power of two.
  explicit owned_tasks(std::size_t shards = 1);
  owned_tasks(const owned_tasks&) = delete;
  owned_tasks& operator=(const owned_tasks&) = delete;

  // Assigns `t` its id (1, 2, 3, ... in spawn order) and adds it to the
  // list. Returns false if the list is closed: the task then has an id (so
  // traces can name it) but is not in the list.
  // `hint`: the spawning worker's index, or -1 from outside the workers.
  bool bind(task_header* t, std::int32_t hint);
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
  // Calls `fn(task_header*)` for every task in the list, one shard locked
  // at a time (diagnostics; the tasks may change state meanwhile).
  template <class Fn>
  void for_each(Fn&& fn);
  std::uint64_t spawned_count() const noexcept;

 private:
  struct alignas(64) shard {
    sys::mutex mutex{sys::mutex::spin::brief};
    task_header* head = nullptr;
    std::size_t size = 0;
    bool closed = false;
  };

  std::unique_ptr<shard[]> shards_;
  const std::size_t mask_;
  sys::atomic<std::uint64_t> next_id_{1};
};

}  // namespace weft::rt::detail

#include "runtime/task/header.hpp"

template <class Fn>
void weft::rt::detail::owned_tasks::for_each(Fn&& fn) {
  for (std::size_t i = 0; i <= mask_; ++i) {
    shard& s = shards_[i];
    std::lock_guard lock(s.mutex);
    for (task_header* t = s.head; t != nullptr; t = t->owned_next) fn(t);
  }
}
