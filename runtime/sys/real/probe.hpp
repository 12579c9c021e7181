// sys::probe, real flavour: nothing. A real process has no moment at which
// every thread is known to be blocked, so there is nothing to ask.
#pragma once

#include <optional>
#include <string>

namespace weft::sys {

class probe {
 public:
  template <class Fn>
  explicit probe(Fn&&) noexcept {}
  probe(const probe&) = delete;
  probe& operator=(const probe&) = delete;
};

}  // namespace weft::sys
