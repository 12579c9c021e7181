#include "props/dpor.hpp"

#include <algorithm>

#include "props/explore.hpp"
#include "props/strategy.hpp"
#include "runtime/sys/assert.hpp"

namespace weft::props {
namespace {

bool contains(std::span<const sim::thread_id> set, sim::thread_id t) {
  return std::find(set.begin(), set.end(), t) != set.end();
}

bool asleep(std::span<const dpor_explorer::sleeper> sleep, sim::thread_id t) {
  return std::any_of(sleep.begin(), sleep.end(), [&](const dpor_explorer::sleeper& s) { return s.thread == t; });
}

// Whether a sleeping thread's recorded segment and a segment of this run
// touch one object, one of them writing it.
bool dependent(const dpor_explorer::sleeper& z, const sim::segment& s, std::span<const sim::object_access> accesses) {
  if (z.global || s.global) return true;
  for (const sim::object_access& a : z.accesses) {
    for (std::uint32_t i = s.first_access; i < s.end_access; ++i) {
      const sim::object_access& b = accesses[i];
      if (!a.write && !b.write) continue;
      const bool same = a.object <= z.watermark ? a.object == b.object : b.object > z.watermark;
      if (same) return true;
    }
  }
  return false;
}

[[noreturn]] void diverged(std::size_t at, const char* what) {
  throw sim::schedule_mismatch(at, std::string("dpor: ") + what + " on re-execution (is the program deterministic?)");
}

}  // namespace

void dpor_explorer::begin_run() {
  depth_ = 0;
  yielder_ = sim::no_thread;
  redundant_ = false;
  ++runs_;
}

std::uint64_t dpor_explorer::data_choice(std::uint64_t options, std::uint64_t fixed) {
  if (depth_ < path_.size()) {
    const node& n = path_[depth_];
    if (n.is_thread || n.options != options) diverged(depth_, "the program made a different choice");
    ++depth_;
    return n.value;
  }
  node n;
  n.options = options;
  n.value = fixed;
  path_.push_back(std::move(n));
  ++depth_;
  return fixed;
}

std::uint64_t dpor_explorer::choose(std::uint64_t options, sim::choice_kind kind) {
  if (options <= 4 || kind == sim::choice_kind::memory) return data_choice(options, 0);
  return data_choice(1, fixed_choice(depth_, options));  // too wide: one value, never branched on
}

sim::thread_id dpor_explorer::pick_among(std::span<const sim::thread_id> candidates) {
  return candidates[data_choice(candidates.size(), 0)];
}

std::vector<dpor_explorer::sleeper> dpor_explorer::inherited_sleep(const sim::executor& ex) const {
  const auto parent = std::find_if(path_.rbegin(), path_.rend(), [](const node& n) { return n.is_thread; });
  if (parent == path_.rend()) return {};
  std::vector<sleeper> out = parent->sleep;
  for (const sleeper& z : parent->done_segments) {
    if (z.thread != parent->taken) out.push_back(z);
  }
  const std::vector<sim::segment>& segments = ex.segments();
  for (std::size_t s = parent->segment; s < segments.size() && !out.empty(); ++s) {
    std::erase_if(out, [&](const sleeper& z) {
      return z.thread == segments[s].thread || dependent(z, segments[s], ex.accesses());
    });
  }
  return out;
}

dpor_explorer::node dpor_explorer::fresh_thread_node(std::span<const sim::thread_id> runnable,
                                                     sim::thread_id current) {
  const sim::executor* ex = sim::executor::current();
  WEFT_ASSERT(ex != nullptr && ex->recording_segments(), "dpor runs need segments recorded");
  node n;
  n.is_thread = true;
  n.runnable.assign(runnable.begin(), runnable.end());
  const sim::thread_id yielder = std::exchange(yielder_, sim::no_thread);
  if (contains(runnable, yielder)) n.excluded = yielder;
  n.segment = static_cast<std::uint32_t>(ex->segments().size());
  n.watermark = ex->objects_numbered();
  n.sleep = inherited_sleep(*ex);
  // The running thread first (fewest preemptions), then by id.
  const auto take = [&](sim::thread_id t) {
    if (t == n.excluded || asleep(n.sleep, t)) return false;
    n.taken = t;
    n.backtrack.push_back(t);
    return true;
  };
  if (may_continue(runnable, current) && take(current)) return n;
  for (const sim::thread_id t : runnable) {
    if (t != current && take(t)) return n;
  }
  redundant_ = true;  // every class from here was explored already
  throw sim::schedule_mismatch(depth_, "dpor: every runnable thread sleeps (a redundant run, cut short)");
}

sim::thread_id dpor_explorer::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  if (depth_ < path_.size()) {
    yielder_ = sim::no_thread;
    node& n = path_[depth_];
    if (!n.is_thread || !contains(runnable, n.taken)) diverged(depth_, "the program offered other threads");
    const sim::executor* ex = sim::executor::current();
    n.segment = static_cast<std::uint32_t>(ex->segments().size());
    ++depth_;
    return n.taken;
  }
  node n = fresh_thread_node(runnable, current);
  const sim::thread_id t = n.taken;
  path_.push_back(std::move(n));
  ++depth_;
  return t;
}

void dpor_explorer::record_taken_segments(const execution& e) {
  for (node& n : path_) {
    if (!n.is_thread || n.taken_recorded || n.segment >= e.segments.size()) continue;
    const sim::segment& s = e.segments[n.segment];
    WEFT_ASSERT(s.thread == n.taken, "dpor: a decision's segment belongs to another thread");
    sleeper z;
    z.thread = n.taken;
    z.accesses.assign(e.accesses.begin() + s.first_access, e.accesses.begin() + s.end_access);
    z.global = s.global;
    z.watermark = n.watermark;
    n.done_segments.push_back(std::move(z));
    n.taken_recorded = true;
  }
}

void dpor_explorer::reverse(std::size_t at_node, std::span<const sim::thread_id> initials) {
  node& n = path_[at_node];
  for (const sim::thread_id t : initials) {
    if (contains(n.backtrack, t)) return;  // a source for this race is there already
  }
  bool any_runnable = false;
  for (const sim::thread_id t : initials) {
    if (!contains(n.runnable, t) || t == n.excluded) continue;
    any_runnable = true;
    if (asleep(n.sleep, t)) continue;
    n.backtrack.push_back(t);
    return;
  }
  if (any_runnable) return;  // its initials sleep here: explored from an earlier decision
  // None of them could run here (blocked, or not yet spawned): try every
  // thread that could, as classic DPOR does.
  for (const sim::thread_id t : n.runnable) {
    if (t != n.excluded && !asleep(n.sleep, t) && !contains(n.backtrack, t)) n.backtrack.push_back(t);
  }
}

void dpor_explorer::add_reversals(const execution& e) {
  node_of_segment_.assign(e.segments.size(), -1);
  for (std::size_t i = 0; i < path_.size(); ++i) {
    if (path_[i].is_thread && path_[i].segment < e.segments.size()) {
      node_of_segment_[path_[i].segment] = static_cast<std::int64_t>(i);
    }
  }
  analysis_.analyse(e.segments, e.accesses, e.join_edges);
  for (const auto& [i, k] : analysis_.races()) {
    const std::int64_t at = node_of_segment_[i];
    if (at < 0) continue;  // nobody else could run before i: not reversible there
    reverse(static_cast<std::size_t>(at), analysis_.initials(i, k));
  }
}

bool dpor_explorer::next_branch() {
  while (!path_.empty()) {
    node& n = path_.back();
    if (n.is_thread) {
      if (!contains(n.done, n.taken)) n.done.push_back(n.taken);
      for (const sim::thread_id t : n.backtrack) {
        if (contains(n.done, t) || asleep(n.sleep, t)) continue;
        n.taken = t;
        n.taken_recorded = false;
        return true;
      }
    } else if (n.value + 1 < n.options) {
      ++n.value;
      return true;
    }
    path_.pop_back();
  }
  return false;
}

bool dpor_explorer::end_run(const execution& e) {
  // A run may end (fail, or be cut short) before the old path's end.
  path_.resize(std::min(path_.size(), depth_));
  if (redundant_) ++redundant_runs_;
  record_taken_segments(e);
  add_reversals(e);
  return next_branch();
}

}  // namespace weft::props
