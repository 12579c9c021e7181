// sys::thread_local_value<T, Tag>, real flavour: one T per OS thread.
//
// Per-thread runtime state (the current worker context, the coop budget) goes
// through here rather than the `thread_local` keyword, because in the sim
// flavour many simulated threads share one OS thread and each needs its own
// copy. `Tag` makes distinct variables of the same T distinct.
//
//   struct budget_tag;
//   using budget = sys::thread_local_value<std::uint32_t, budget_tag>;
//   budget::set(128);
#pragma once

#include <type_traits>

namespace weft::sys {

template <class T, class Tag>
class thread_local_value {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= sizeof(void*),
                "sys::thread_local_value holds a small trivially copyable value");

 public:
  static T get() noexcept { return value_; }
  static void set(T value) noexcept { value_ = value; }

 private:
  static inline thread_local T value_{};
};

}  // namespace weft::sys
