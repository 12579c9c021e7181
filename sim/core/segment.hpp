// What a run records for partial-order reduction (executor_options::
// record_segments): its segments, the objects each touched, and the table
// that numbers those objects. The meaning of a segment and of an object's
// number is given in sim/core/executor.hpp ("segments").
#pragma once

#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/core/decision.hpp"

namespace weft::sim {

struct object_access {
  std::uint32_t object = 0;
  bool write = false;
};

struct segment {
  thread_id thread = no_thread;    // no_thread: the driver
  std::uint32_t first_access = 0;  // into the run's access list
  std::uint32_t end_access = 0;
  std::int64_t spawned_in = -1;    // a thread's first segment: the segment that spawned it
  bool global = false;
  bool decided = false;            // begun by a pick among two or more threads
};

// A run's segments, accesses and join edges: what sim::run_pool keeps
// between runs, so their capacity is allocated once.
struct segment_log {
  std::vector<segment> segments;
  std::vector<object_access> accesses;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> join_edges;
};

// Address → object number. Open addressing with linear probing; a
// forgotten object leaves a tombstone. Numbers are handed out by the
// caller in order of first use, so they do not depend on the table's
// layout. clear() keeps the capacity.
class object_numbers {
 public:
  // The number of `object`, or `fresh` (then recorded for it) if it has none.
  std::uint32_t find_or_add(const void* object, std::uint32_t fresh) {
    if ((used_ + 1) * 2 > slots_.size()) rehash();  // at most half full: short probes
    std::size_t i = home(object);
    std::size_t tomb = slots_.size();
    for (;; i = (i + 1) & mask()) {
      slot& s = slots_[i];
      if (s.key == object) return s.number;
      if (s.key == tombstone() && tomb == slots_.size()) tomb = i;
      if (s.key == nullptr) break;
    }
    if (tomb != slots_.size()) {
      slots_[tomb] = {object, fresh};
    } else {
      slots_[i] = {object, fresh};
      ++used_;
    }
    ++live_;
    return fresh;
  }
  void forget(const void* object) noexcept {
    if (slots_.empty()) return;
    for (std::size_t i = home(object);; i = (i + 1) & mask()) {
      slot& s = slots_[i];
      if (s.key == nullptr) return;
      if (s.key == object) {
        s.key = tombstone();
        --live_;
        return;
      }
    }
  }
  void clear() noexcept {
    if (used_ == 0) return;
    for (slot& s : slots_) s = slot{};
    used_ = 0;
    live_ = 0;
  }

 private:
  struct slot {
    const void* key = nullptr;  // nullptr: never used; tombstone(): forgotten
    std::uint32_t number = 0;
  };
  static const void* tombstone() noexcept {
    static const char marker = 0;
    return &marker;
  }
  std::size_t mask() const noexcept { return slots_.size() - 1; }
  std::size_t home(const void* object) const noexcept {
    const auto bits = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(object));
    return static_cast<std::size_t>(((bits >> 3) * 0x9e3779b97f4a7c15ull) >> (64 - shift_));
  }
  // Drops the tombstones; doubles the size only when the live entries
  // alone fill a quarter of it (objects that come and go, such as a
  // task's cells, would otherwise grow the table run after run).
  void rehash() {
    std::vector<slot> old = std::move(slots_);
    if (old.empty()) {
      shift_ = 6;
    } else if ((live_ + 1) * 4 > old.size()) {
      ++shift_;
    }
    slots_.assign(std::size_t{1} << shift_, slot{});
    used_ = 0;
    for (const slot& s : old) {
      if (s.key == nullptr || s.key == tombstone()) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != nullptr) i = (i + 1) & mask();
      slots_[i] = s;
      ++used_;
    }
  }
  std::vector<slot> slots_;
  std::size_t used_ = 0;  // live entries and tombstones
  std::size_t live_ = 0;
  unsigned shift_ = 0;    // log2 of the capacity
};

}  // namespace weft::sim
