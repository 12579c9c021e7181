// sys::thread_local_value<T, Tag>, sim flavour: one T per simulated thread,
// kept in the executor's per-thread slots.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor.hpp"

namespace weft::sim {
// A process-wide slot index for each distinct thread_local_value.
std::size_t allocate_thread_local_slot() noexcept;
}  // namespace weft::sim

namespace weft::sys {

template <class T, class Tag>
class thread_local_value {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(std::uintptr_t),
                "sys::thread_local_value holds a small trivially copyable value");

 public:
  static T get() noexcept {
    std::uintptr_t raw = storage();
    T value;
    std::memcpy(&value, &raw, sizeof(T));
    return value;
  }
  static void set(T value) noexcept {
    std::uintptr_t raw = 0;
    std::memcpy(&raw, &value, sizeof(T));
    storage() = raw;
  }

 private:
  static std::uintptr_t& storage() noexcept {
    static const std::size_t index = sim::allocate_thread_local_slot();
    sim::executor* ex = sim::executor::current();
    WEFT_ASSERT(ex != nullptr, "sys::thread_local_value (sim flavour) used outside a simulated world");
    return ex->slot(index);
  }
};

}  // namespace weft::sys
