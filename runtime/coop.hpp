// Cooperative scheduling budget (Tokio's `coop`).
//
// A task that keeps finding its leaf operations ready (a channel that always
// has a message, a join on tasks that already finished) never suspends, and
// would keep its worker forever. So each poll of a task gets a budget of
// `initial_budget` leaf completions. When it is spent, the next leaf
// operation reports "not ready" and wakes its own task, which goes to the
// back of the run queue: other tasks get their turn, then it continues.
//
// The runtime applies the budget to every cooperative leaf_future; user code
// rarely calls these directly.
#pragma once

#include <cstdint>

#include "runtime/context.hpp"

namespace weft::rt::coop {

inline constexpr std::uint32_t initial_budget = 128;

// True if the current poll may complete one more cooperative operation.
inline bool has_budget() noexcept {
  const detail::context* cx = detail::current_context::get();
  return cx == nullptr || cx->budget != 0;
}

// Spends one unit, if the current poll is budgeted.
inline void consume() noexcept {
  detail::context* cx = detail::current_context::get();
  if (cx != nullptr && cx->budget != detail::context::unconstrained && cx->budget != 0) {
    --cx->budget;
  }
}

// The budget left in the current poll (context::unconstrained outside one).
inline std::uint32_t remaining() noexcept {
  const detail::context* cx = detail::current_context::get();
  return cx == nullptr ? detail::context::unconstrained : cx->budget;
}

}  // namespace weft::rt::coop
