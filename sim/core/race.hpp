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

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace weft::sim {

// Where in the source a cell access is written: the caller's file and line
// when used as a default argument (`source_site where = {}`). Not
// std::source_location: that needs a builtin clang 14 lacks, and the fuzz
// build uses clang 14; __builtin_FILE/__builtin_LINE work in both compilers.
// Instrumented code (sim/instrument) gives a code address instead: `pc`,
// named by the executor's symbolizer when a report is written.
struct source_site {
  constexpr source_site(const char* f = __builtin_FILE(), int l = __builtin_LINE()) noexcept
      : file(f), line(static_cast<std::uint32_t>(l)) {}
  static constexpr source_site at_pc(const void* code) noexcept {
    source_site s(nullptr, 0);
    s.pc = code;
    return s;
  }
  const char* file;
  std::uint32_t line;
  const void* pc = nullptr;
};

// Clocks of up to `inline_size` components (the driver and 7 threads) live
// inside the object: a run of a small check allocates no clock at all.
// Larger clocks move to the heap and keep their capacity.
class vector_clock {
 public:
  static constexpr std::uint32_t inline_size = 8;

  vector_clock() noexcept = default;
  vector_clock(const vector_clock& o) { assign(o); }
  vector_clock(vector_clock&& o) noexcept { take(o); }
  vector_clock& operator=(const vector_clock& o) {
    if (this != &o) assign(o);
    return *this;
  }
  vector_clock& operator=(vector_clock&& o) noexcept {
    if (this != &o) take(o);
    return *this;
  }
  ~vector_clock() = default;

  std::uint32_t get(std::size_t i) const noexcept { return i < size_ ? data_[i] : 0; }
  void tick(std::size_t i) {
    grow(i + 1);
    ++data_[i];
  }
  void join(const vector_clock& o) {
    grow(o.size_);
    for (std::uint32_t i = 0; i < o.size_; ++i) data_[i] = std::max(data_[i], o.data_[i]);
  }
  void assign(const vector_clock& o) {
    size_ = 0;
    grow(o.size_);
    std::copy_n(o.data_, o.size_, data_);
  }
  void clear() noexcept { size_ = 0; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  // At least `n` components; new ones read 0.
  void grow(std::size_t n) {
    if (n <= size_) return;
    if (n > capacity_) {
      const std::size_t capacity = std::max<std::size_t>(n, 2 * std::size_t{capacity_});
      auto bigger = std::make_unique<std::uint32_t[]>(capacity);
      std::copy_n(data_, size_, bigger.get());
      heap_ = std::move(bigger);
      data_ = heap_.get();
      capacity_ = static_cast<std::uint32_t>(capacity);
    }
    std::fill(data_ + size_, data_ + n, 0u);
    size_ = static_cast<std::uint32_t>(n);
  }
  // Moves `o` here; `o` is left empty.
  void take(vector_clock& o) noexcept {
    if (o.heap_ != nullptr) {
      heap_ = std::move(o.heap_);
      data_ = heap_.get();
      capacity_ = o.capacity_;
    } else {
      heap_.reset();
      data_ = inline_.data();
      capacity_ = inline_size;
      std::copy_n(o.inline_.data(), o.size_, inline_.data());
    }
    size_ = o.size_;
    o.data_ = o.inline_.data();
    o.capacity_ = inline_size;
    o.size_ = 0;
  }

  std::array<std::uint32_t, inline_size> inline_;  // first: data_ points into it from the start
  std::uint32_t* data_ = inline_.data();
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = inline_size;
  std::unique_ptr<std::uint32_t[]> heap_;
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
  const void* pc = nullptr;  // instead of file and line (source_site::at_pc)
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
