// Idle bookkeeping for the multi_thread scheduler: which workers sleep,
// how many are searching for work, and whom to wake when work appears.
//
// The goal is to wake exactly one parked worker for new work, and none while
// some worker is already searching (it will find the work, or hand off).
//
// State
// -----
//   state     one atomic word: num_searching (low 16 bits) and
//             num_unparked (the rest). All accesses are seq_cst.
//   sleepers  the parked workers' indices, under a mutex.
//
// Protocol
// --------
//   notify (new work queued)   if num_searching == 0 and some worker is
//       parked: lock sleepers, check again, pop one, count it as unparked and
//       searching, and unpark it. The woken worker starts out searching, so
//       the next piece of work does not wake a second one.
//   to_searching (worker found no local work)   allowed while fewer than
//       half of the workers search; this caps the cost of a burst of
//       stealing.
//   from_searching (searcher found work)   decrements num_searching; if it
//       was the last searcher, it notifies another worker, because there may
//       be more work and nobody else is looking.
//   to_parked (worker goes to sleep)   under the sleepers lock: decrement
//       num_unparked (and num_searching if it was searching), push itself.
//       If it was the last searcher it re-checks every queue and notifies if
//       any has work: a task queued just as the last searcher gave up would
//       otherwise sleep with everyone.
//
// Why no work is stranded: a producer pushes work, then (seq_cst) reads
// state; a parking searcher updates state (seq_cst), then reads the queues.
// Total order over seq_cst operations means at least one of them sees the
// other: the producer sees num_searching == 0 and wakes someone, or the
// parker sees the work. models/ has the exhaustive model of this protocol,
// including a bug variant that checks the queues before announcing the park.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/sys/atomic.hpp"
#include "runtime/sys/mutex.hpp"

namespace weft::rt::detail {

class idle {
 public:
  explicit idle(std::size_t num_workers);

  // Whom to unpark for newly queued work, if anyone; counts them as
  // unparked and searching.
  std::optional<std::size_t> worker_to_notify();
  // Worker `index` parks. Returns true if it was the last searcher (the
  // caller must then check the queues for stranded work).
  bool transition_worker_to_parked(std::size_t index, bool is_searching);
  // Returns true if the worker may search (fewer than half search now).
  bool transition_worker_to_searching();
  // Returns true if this was the last searching worker.
  bool transition_worker_from_searching();
  // Removes `index` from the sleepers (shutdown, or a worker that woke with
  // work of its own); returns true if it was there.
  bool unpark_worker_by_id(std::size_t index);
  // True while `index` is in the sleepers list.
  bool is_parked(std::size_t index);

  std::size_t num_searching() const noexcept;
  std::size_t num_unparked() const noexcept;

 private:
  static constexpr unsigned unpark_shift = 16;
  static constexpr std::uint64_t search_mask = (std::uint64_t{1} << unpark_shift) - 1;

  bool notify_should_wakeup() const noexcept;

  sys::atomic<std::uint64_t> state_;
  sys::mutex mutex_{sys::mutex::spin::brief};
  std::vector<std::size_t> sleepers_;  // capacity num_workers, never grows past it
  const std::size_t num_workers_;
};

}  // namespace weft::rt::detail
