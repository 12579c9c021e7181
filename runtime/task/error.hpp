// Errors the runtime reports to its users.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace weft::rt {

// Thrown by `co_await handle` (and runtime::block_on) when the task was
// aborted or the runtime shut down before it finished.
class cancelled_error : public std::runtime_error {
 public:
  explicit cancelled_error(std::uint64_t task_id)
      : std::runtime_error("weft: task " + std::to_string(task_id) + " was cancelled"),
        task_id_(task_id) {}
  std::uint64_t task_id() const noexcept { return task_id_; }

 private:
  std::uint64_t task_id_;
};

// Thrown when the runtime is used in a way it does not support: block_on on
// a worker, spawn with no runtime, awaiting a join_handle twice, ... The
// message names the misuse and what to do instead.
class usage_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace weft::rt
