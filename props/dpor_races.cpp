#include "props/dpor_races.hpp"

#include <algorithm>

#include "runtime/sys/assert.hpp"

namespace weft::props {

void race_analysis::reset(std::span<const sim::segment> segments, std::span<const sim::object_access> accesses) {
  segments_ = segments;
  accesses_ = accesses;
  width_ = 1;
  for (const sim::segment& s : segments) {
    if (s.thread != sim::no_thread) width_ = std::max<std::size_t>(width_, std::size_t{s.thread} + 2);
  }
  std::uint32_t max_object = 0;
  for (const sim::object_access& a : accesses) max_object = std::max(max_object, a.object);
  object_count_ = std::size_t{max_object} + 1;
  if (objects_.size() < object_count_) objects_.resize(object_count_);
  for (std::size_t o = 0; o < object_count_; ++o) {
    objects_[o].last_write = -1;
    objects_[o].reads.clear();
  }
  last_of_component_.assign(width_, -1);
  last_global_ = -1;
  clock_.assign(segments.size() * width_, 0);
  races_.clear();
}

void race_analysis::analyse(std::span<const sim::segment> segments, std::span<const sim::object_access> accesses,
                            std::span<const std::pair<std::uint32_t, std::uint32_t>> join_edges) {
  reset(segments, accesses);
  std::size_t next_join = 0;
  for (std::uint32_t k = 0; k < segments.size(); ++k) {
    order(k, join_edges, next_join);
    update_objects(k);
  }
}

// Segment k's clock: its program, spawn and join predecessors, then its
// races (each one not already ordered through a later one).
void race_analysis::order(std::uint32_t k, std::span<const std::pair<std::uint32_t, std::uint32_t>> join_edges,
                          std::size_t& next_join) {
  std::uint32_t* row = &clock_[std::size_t{k} * width_];
  const std::uint32_t c = component(k);
  const auto join = [&](std::uint32_t from) {
    const std::uint32_t* other = &clock_[std::size_t{from} * width_];
    for (std::size_t u = 0; u < width_; ++u) row[u] = std::max(row[u], other[u]);
  };
  if (last_of_component_[c] >= 0) join(static_cast<std::uint32_t>(last_of_component_[c]));
  if (segments_[k].spawned_in >= 0) join(static_cast<std::uint32_t>(segments_[k].spawned_in));
  for (; next_join < join_edges.size() && join_edges[next_join].second == k; ++next_join) {
    WEFT_ASSERT(join_edges[next_join].first < k, "dpor: a join before the joined thread's end");
    join(join_edges[next_join].first);
  }
  WEFT_ASSERT(next_join == join_edges.size() || join_edges[next_join].second > k, "dpor: join edges out of order");
  find_candidates(k);
  for (const std::uint32_t i : candidates_) {
    if (row[component(i)] >= i + 1) continue;  // ordered through a later one
    if (segments_[i].thread != sim::no_thread && segments_[k].thread != sim::no_thread) races_.emplace_back(i, k);
    join(i);
  }
  WEFT_ASSERT(row[c] <= k, "dpor: a segment's clock is ahead of it");
  row[c] = k + 1;
}

// Earlier segments of other components dependent on k, latest first.
void race_analysis::find_candidates(std::uint32_t k) {
  std::vector<std::uint32_t>& out = candidates_;
  out.clear();
  const std::uint32_t c = component(k);
  const sim::segment& s = segments_[k];
  if (s.global) {
    for (std::size_t u = 0; u < width_; ++u) {
      if (u != c && last_of_component_[u] >= 0) out.push_back(static_cast<std::uint32_t>(last_of_component_[u]));
    }
  } else {
    if (last_global_ >= 0 && component(static_cast<std::uint32_t>(last_global_)) != c) {
      out.push_back(static_cast<std::uint32_t>(last_global_));
    }
    for (std::uint32_t a = s.first_access; a < s.end_access; ++a) {
      const object_state& o = objects_[accesses_[a].object];
      if (o.last_write >= 0 && component(static_cast<std::uint32_t>(o.last_write)) != c) {
        out.push_back(static_cast<std::uint32_t>(o.last_write));
      }
      if (!accesses_[a].write) continue;
      for (const auto& [u, r] : o.reads) {
        if (u != c) out.push_back(r);
      }
    }
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void race_analysis::update_objects(std::uint32_t k) {
  const std::uint32_t c = component(k);
  last_of_component_[c] = k;
  const sim::segment& s = segments_[k];
  if (s.global) last_global_ = k;
  for (std::uint32_t a = s.first_access; a < s.end_access; ++a) {
    object_state& o = objects_[accesses_[a].object];
    if (accesses_[a].write) {
      o.last_write = k;
      o.reads.clear();
      continue;
    }
    const auto mine = std::find_if(o.reads.begin(), o.reads.end(), [&](const auto& r) { return r.first == c; });
    if (mine != o.reads.end()) {
      mine->second = k;
    } else {
      o.reads.emplace_back(c, k);
    }
  }
}

std::span<const sim::thread_id> race_analysis::initials(std::uint32_t i, std::uint32_t k) {
  // The first segment of each component in v, in order.
  firsts_.clear();
  seen_.assign(width_, false);
  const auto consider = [&](std::uint32_t j) {
    if (seen_[component(j)]) return;
    seen_[component(j)] = true;
    firsts_.push_back(j);
  };
  for (std::uint32_t j = i + 1; j < k; ++j) {
    if (!happens_before(i, j)) consider(j);
  }
  consider(k);
  initials_.clear();
  for (std::size_t a = 0; a < firsts_.size(); ++a) {
    if (segments_[firsts_[a]].thread == sim::no_thread) continue;
    bool has_predecessor = false;
    for (std::size_t b = 0; b < a && !has_predecessor; ++b) has_predecessor = happens_before(firsts_[b], firsts_[a]);
    if (!has_predecessor) initials_.push_back(segments_[firsts_[a]].thread);
  }
  return initials_;
}

}  // namespace weft::props
