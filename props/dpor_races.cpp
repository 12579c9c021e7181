#include "props/dpor_races.hpp"

#include <algorithm>

#include "runtime/sys/assert.hpp"

namespace weft::props {

race_analysis::race_analysis(std::span<const sim::segment> segments, std::span<const sim::object_access> accesses,
                             std::span<const std::pair<std::uint32_t, std::uint32_t>> join_edges)
    : segments_(segments), accesses_(accesses) {
  std::size_t next_join = 0;
  std::uint32_t max_object = 0;
  for (const sim::segment& s : segments) {
    if (s.thread != sim::no_thread) width_ = std::max<std::size_t>(width_, std::size_t{s.thread} + 2);
  }
  for (const sim::object_access& a : accesses) max_object = std::max(max_object, a.object);
  objects_.resize(std::size_t{max_object} + 1);
  last_of_component_.assign(width_, -1);
  clock_.assign(segments.size() * width_, 0);
  for (std::uint32_t k = 0; k < segments.size(); ++k) {
    std::uint32_t* row = &clock_[std::size_t{k} * width_];
    const std::uint32_t c = component(k);
    const auto join = [&](std::uint32_t from) {
      const std::uint32_t* other = &clock_[std::size_t{from} * width_];
      for (std::size_t u = 0; u < width_; ++u) row[u] = std::max(row[u], other[u]);
    };
    if (last_of_component_[c] >= 0) join(static_cast<std::uint32_t>(last_of_component_[c]));
    if (segments[k].spawned_in >= 0) join(static_cast<std::uint32_t>(segments[k].spawned_in));
    for (; next_join < join_edges.size() && join_edges[next_join].second == k; ++next_join) {
      WEFT_ASSERT(join_edges[next_join].first < k, "dpor: a join before the joined thread's end");
      join(join_edges[next_join].first);
    }
    WEFT_ASSERT(next_join == join_edges.size() || join_edges[next_join].second > k, "dpor: join edges out of order");
    for (const std::uint32_t i : candidates(k)) {
      if (row[component(i)] >= i + 1) continue;  // ordered through a later one
      if (segments[i].thread != sim::no_thread && segments[k].thread != sim::no_thread) races_.emplace_back(i, k);
      join(i);
    }
    WEFT_ASSERT(row[c] <= k, "dpor: a segment's clock is ahead of it");
    row[c] = k + 1;
    update_objects(k);
  }
}

// Earlier segments of other components dependent on k, latest first.
std::vector<std::uint32_t> race_analysis::candidates(std::uint32_t k) const {
  std::vector<std::uint32_t> out;
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
  return out;
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

std::vector<sim::thread_id> race_analysis::initials(std::uint32_t i, std::uint32_t k) const {
  // The first segment of each component in v, in order.
  std::vector<std::uint32_t> firsts;
  std::vector<bool> seen(width_, false);
  const auto consider = [&](std::uint32_t j) {
    if (seen[component(j)]) return;
    seen[component(j)] = true;
    firsts.push_back(j);
  };
  for (std::uint32_t j = i + 1; j < k; ++j) {
    if (!happens_before(i, j)) consider(j);
  }
  consider(k);
  std::vector<sim::thread_id> out;
  for (std::size_t a = 0; a < firsts.size(); ++a) {
    if (segments_[firsts[a]].thread == sim::no_thread) continue;
    bool has_predecessor = false;
    for (std::size_t b = 0; b < a && !has_predecessor; ++b) has_predecessor = happens_before(firsts[b], firsts[a]);
    if (!has_predecessor) out.push_back(segments_[firsts[a]].thread);
  }
  return out;
}

}  // namespace weft::props
