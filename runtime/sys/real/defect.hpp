// sys::defect_on, real flavour: never. The branches it guards compile away.
#pragma once

namespace weft::sys {

constexpr bool defect_on(defect) noexcept { return false; }

}  // namespace weft::sys
