// sys::cell<T>, real flavour: plain memory whose accesses are ordered by some
// other synchronisation (a lock, an atomic's release/acquire, the task state
// word's RUNNING bit).
//
// Wrapping such memory in a cell documents that ordering at the access site,
// and in the sim flavour every with()/with_mut() is checked by the race
// detector (vector clocks): two accesses, one a write, not ordered by
// happens-before are reported as a data race.
#pragma once

#include <utility>

namespace weft::sys {

template <class T>
class cell {
 public:
  template <class... Args>
  explicit cell(Args&&... args) : value_(std::forward<Args>(args)...) {}
  cell(const cell&) = delete;
  cell& operator=(const cell&) = delete;

  // Read access: `fn(const T&)`.
  template <class Fn>
  decltype(auto) with(Fn&& fn) const {
    return std::forward<Fn>(fn)(static_cast<const T&>(value_));
  }
  // Write access: `fn(T&)`.
  template <class Fn>
  decltype(auto) with_mut(Fn&& fn) {
    return std::forward<Fn>(fn)(value_);
  }

  T get() const { return value_; }
  void set(T value) { value_ = std::move(value); }

 private:
  T value_;
};

}  // namespace weft::sys
