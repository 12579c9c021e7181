// sys::cell<T>, sim flavour: plain memory whose every access is checked by
// the race detector. Simulated threads run one at a time, so the memory
// needs no protection to stay intact; what a cell adds is the claim that
// its accesses are ordered by other synchronisation (a lock, an atomic's
// release/acquire, a thread join). Two accesses, at least one a write, not
// ordered by happens-before end the run with outcome::data_race, naming
// both access sites (sim/core/race.hpp).
//
// Accesses are not scheduling points: the detector finds unordered
// accesses whichever order they ran in.
#pragma once

#include <utility>

#include "sim/core/executor.hpp"

namespace weft::sys {

template <class T>
class cell {
 public:
  template <class... Args>
  explicit cell(Args&&... args) : value_(std::forward<Args>(args)...) {
    // Construction is a write: handing a new cell to another thread needs
    // happens-before as much as any later write does.
    write(sim::source_site{});
  }
  cell(const cell&) = delete;
  cell& operator=(const cell&) = delete;

  // Read access: `fn(const T&)`.
  template <class Fn>
  decltype(auto) with(Fn&& fn, sim::source_site where = {}) const {
    read(where);
    return std::forward<Fn>(fn)(static_cast<const T&>(value_));
  }
  // Write access: `fn(T&)`.
  template <class Fn>
  decltype(auto) with_mut(Fn&& fn, sim::source_site where = {}) {
    write(where);
    return std::forward<Fn>(fn)(value_);
  }

  T get(sim::source_site where = {}) const {
    read(where);
    return value_;
  }
  void set(T value, sim::source_site where = {}) {
    write(where);
    value_ = std::move(value);
  }

 private:
  void read(const sim::source_site& where) const {
    if (sim::executor* ex = sim::executor::current()) {
      ex->note_access(&meta_, false);
      ex->cell_read(meta_, where);
    }
  }
  void write(const sim::source_site& where) {
    if (sim::executor* ex = sim::executor::current()) {
      ex->note_access(&meta_, true);
      ex->cell_write(meta_, where);
    }
  }

  T value_;
  mutable sim::cell_meta meta_;
};

}  // namespace weft::sys
