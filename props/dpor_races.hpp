// The races of one run, for dpor (props/dpor.hpp): which segments are
// ordered by happens-before, which pairs race, and what must run first to
// reverse a race.
//
// Happens-before over segments is program order, spawn (a thread's first
// segment comes after the segment that spawned it), join (the joining
// segment comes after the joined thread's last) and dependence (of two
// dependent segments, the earlier comes first), closed transitively. It is
// kept as a vector clock per segment: component 0 is the driver, thread t
// is t + 1, and segment k's own entry is k + 1, so i happens before k
// exactly when clock(k)[component(i)] >= i + 1.
//
// Segments i < k of two different threads race when they are dependent and
// i does not happen before k through some other segment. Only these
// immediate races need reversing; the others are reversed by reversing
// the races in between. Candidates are found per object (its last write;
// for a write, the reads since) and from the last global segment, and are
// tried latest first, so that one ordered through a later one is skipped.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sim/core/executor.hpp"

namespace weft::props {

class race_analysis {
 public:
  // Analyses one run; the object keeps its buffers for the next run's.
  void analyse(std::span<const sim::segment> segments, std::span<const sim::object_access> accesses,
               std::span<const std::pair<std::uint32_t, std::uint32_t>> join_edges);
  // (i, k), i < k, in the order k ran.
  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& races() const noexcept { return races_; }
  bool happens_before(std::uint32_t i, std::uint32_t k) const noexcept {
    return clock_[std::size_t{k} * width_ + component(i)] >= i + 1;
  }
  // The threads that can start v = (the segments after i that do not
  // happen after i), then k: those whose first segment in v has no
  // happens-before predecessor in v (I(v) in the paper). Valid until the
  // next call.
  std::span<const sim::thread_id> initials(std::uint32_t i, std::uint32_t k);

 private:
  std::uint32_t component(std::uint32_t s) const noexcept {
    const sim::thread_id t = segments_[s].thread;
    return t == sim::no_thread ? 0 : t + 1;
  }
  void reset(std::span<const sim::segment> segments, std::span<const sim::object_access> accesses);
  void order(std::uint32_t k, std::span<const std::pair<std::uint32_t, std::uint32_t>> join_edges,
             std::size_t& next_join);
  void find_candidates(std::uint32_t k);  // into candidates_
  void update_objects(std::uint32_t k);

  std::span<const sim::segment> segments_;
  std::span<const sim::object_access> accesses_;
  std::size_t width_ = 1;
  std::vector<std::uint32_t> clock_;  // segments × width
  std::vector<std::pair<std::uint32_t, std::uint32_t>> races_;
  struct object_state {
    std::int64_t last_write = -1;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> reads;  // (component, segment) since it
  };
  std::vector<object_state> objects_;  // the first object_count_ are this run's
  std::size_t object_count_ = 0;
  std::vector<std::int64_t> last_of_component_;
  std::int64_t last_global_ = -1;
  // scratch
  std::vector<std::uint32_t> candidates_;
  std::vector<std::uint32_t> firsts_;
  std::vector<bool> seen_;
  std::vector<sim::thread_id> initials_;
};

}  // namespace weft::props
