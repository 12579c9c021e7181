// sys::counter, sim flavour: metrics are not part of any protocol, so
// updating one is not a scheduling point.
#pragma once

#include <cstdint>

namespace weft::sys {

class counter {
 public:
  void add_owned(std::uint64_t n = 1) noexcept { value_ += n; }
  void add_shared(std::uint64_t n = 1) noexcept { value_ += n; }
  void sub_shared(std::uint64_t n = 1) noexcept { value_ -= n; }
  void set(std::uint64_t n) noexcept { value_ = n; }
  std::uint64_t load() const noexcept { return value_; }

 private:
  std::uint64_t value_ = 0;
};

}  // namespace weft::sys
