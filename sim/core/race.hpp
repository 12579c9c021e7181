// Happens-before bookkeeping for the race detector: vector clocks, and the
// per-object state the sim flavour of runtime/sys keeps.
//
// Every simulated thread carries a vector clock. Synchronisation moves
// clocks along the C++ memory model's happens-before edges:
//
//   thread spawn            parent -> child
//   thread join             child  -> joiner
//   mutex unlock -> lock    unlocker -> next locker
//   parker unpark -> park   unparker -> the parked thread
//   atomic release -> acquire   a release store, or a release RMW (which
//                           extends the release sequence), read by an
//                           acquire load or RMW; a relaxed store starts an
//                           empty release sequence (C++20), relaxed RMWs
//                           keep it
//   timed events            whoever scheduled the event -> the driver
//
// A sys::cell access is checked against the cell's last write and (for a
// write) the reads since: two accesses, at least one a write, that are not
// ordered by happens-before are a data race (FastTrack's epoch check).
//
// Component 0 of every clock is the driver (timed events); simulated
// thread t is component t + 1.
#pragma once

#include <cstdint>
#include <vector>

namespace weft::sim {

// Where in the source a cell access is written: the caller's file and line
// when used as a default argument (`source_site where = {}`). Not
// std::source_location: that needs a builtin clang 14 lacks, and the fuzz
// build uses clang 14; __builtin_FILE/__builtin_LINE work in both compilers.
struct source_site {
  constexpr source_site(const char* f = __builtin_FILE(), int l = __builtin_LINE()) noexcept
      : file(f), line(static_cast<std::uint32_t>(l)) {}
  const char* file;
  std::uint32_t line;
};

class vector_clock {
 public:
  std::uint32_t get(std::size_t i) const noexcept { return i < c_.size() ? c_[i] : 0; }
  void tick(std::size_t i) {
    if (i >= c_.size()) c_.resize(i + 1, 0);
    ++c_[i];
  }
  void join(const vector_clock& o) {
    if (o.c_.size() > c_.size()) c_.resize(o.c_.size(), 0);
    for (std::size_t i = 0; i < o.c_.size(); ++i) {
      if (o.c_[i] > c_[i]) c_[i] = o.c_[i];
    }
  }
  void assign(const vector_clock& o) { c_ = o.c_; }
  void clear() noexcept { c_.clear(); }
  bool empty() const noexcept { return c_.empty(); }

 private:
  std::vector<std::uint32_t> c_;
};

// What sys::atomic, sys::mutex and the parker carry in the sim flavour.
// The object at `object` is going away: partial-order reduction must not
// take what comes next at that address for it (executor_segments.cpp).
void forget_object(const void* object) noexcept;

struct sync_meta {
  sync_meta() = default;
  sync_meta(const sync_meta&) = delete;
  sync_meta& operator=(const sync_meta&) = delete;
  ~sync_meta() { forget_object(this); }
  std::uint64_t id = 0;  // assigned on first use, in program order: deterministic
  vector_clock clock;    // the release sequence's / last unlock's clock
};

// One access to a cell, for the report.
struct cell_access {
  std::uint32_t component = 0;  // 0: the driver; thread t: t + 1
  std::uint32_t clock = 0;      // that component's clock at the access
  std::uint64_t step = 0;
  const char* file = "";
  std::uint32_t line = 0;
};

// What sys::cell carries in the sim flavour.
struct cell_meta {
  cell_meta() = default;
  cell_meta(const cell_meta&) = delete;
  cell_meta& operator=(const cell_meta&) = delete;
  ~cell_meta() { forget_object(this); }
  std::uint64_t id = 0;
  bool written = false;
  cell_access write;
  std::vector<cell_access> reads;  // one per component, since the last write
};

}  // namespace weft::sim
