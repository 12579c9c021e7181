// The memory block of a task frame: room for a task cell and for the task's
// result in front of the coroutine frame.
//
//   [ task cell (its last byte: the owned-by-cell flag) | result | coroutine frame ]
//   ^ block start                                                 ^ what the compiler sees
//
// Every rt::task<T> frame is allocated this way (promise operator new).
//
// * The result (value or exception) lives outside the coroutine frame, so a
//   finished task's frame — its parameters, its promise — can be destroyed
//   at once, as Tokio drops a future when it completes, while the result
//   waits for the join. (A task holding a channel sender as a by-value
//   parameter thus releases it when it finishes, not when it is joined.)
// * A frame that is only awaited inline leaves the cell room unused. When a
//   task is spawned, its cell is built in its root frame's block, and the
//   block then belongs to the cell: destroying the frame leaves the memory
//   in place, and freeing the cell (last reference) frees the block. So a
//   spawned task costs one allocation.
#pragma once

#include <cstddef>
#include <exception>
#include <new>
#include <type_traits>
#include <variant>

#include "runtime/sys/assert.hpp"
#include "runtime/sys/ledger.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {

// A task's outcome: nothing yet, a value, or the exception that escaped.
template <class T>
struct task_result {
  std::variant<std::monostate, T, std::exception_ptr> v;
  bool failed() const noexcept { return v.index() == 2; }
};
template <>
struct task_result<void> {
  std::exception_ptr error;
  bool failed() const noexcept { return error != nullptr; }
};

inline constexpr std::size_t frame_align = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
constexpr std::size_t align_up(std::size_t n, std::size_t a) noexcept { return (n + a - 1) / a * a; }

// Offsets inside the block. The cell and the flag are at fixed offsets, so
// type-erased code (the harness) can find the flag from a cell. The flag is
// the cell's own last field, block_owned: a frame that is never spawned has
// no cell, and its flag is a plain bool at that offset; spawning builds the
// cell over it and then sets it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"  // see the note under task_header
inline constexpr std::size_t block_flag_offset = offsetof(task_header, block_owned);
#pragma GCC diagnostic pop

template <class T>
struct frame_layout {
  using result_type = task_result<T>;
  static_assert(alignof(result_type) <= frame_align, "task result over-aligned");
  static_assert(alignof(task_header) <= frame_align, "task cell over-aligned");
  static_assert(block_flag_offset < sizeof(task_header), "the flag is inside the cell");
  static constexpr std::size_t result_offset = align_up(sizeof(task_header), alignof(result_type));
  static constexpr std::size_t prefix = align_up(result_offset + sizeof(result_type), frame_align);

  static unsigned char* block_of(void* frame) noexcept {
    return static_cast<unsigned char*>(frame) - prefix;
  }
  static bool& owned_by_cell(unsigned char* block) noexcept {
    return *std::launder(reinterpret_cast<bool*>(block + block_flag_offset));
  }
  static result_type& result(unsigned char* block) noexcept {
    return *std::launder(reinterpret_cast<result_type*>(block + result_offset));
  }
  static result_type& result_of_frame(void* frame) noexcept { return result(block_of(frame)); }
  static result_type& result_of_cell(task_header* cell) noexcept {
    return result(reinterpret_cast<unsigned char*>(cell));
  }
  static void* cell_storage(void* frame) noexcept { return block_of(frame); }

  // The promise's operator new/delete.
  static void* allocate(std::size_t frame_size) {
    auto* block = static_cast<unsigned char*>(::operator new(prefix + frame_size));
    sys::ledger::frame_allocated();
    ::new (block + block_flag_offset) bool(false);
    ::new (block + result_offset) result_type();
    return block + prefix;
  }
  static void free(void* frame) noexcept {
    unsigned char* block = block_of(frame);
    if (owned_by_cell(block)) {
      return;  // the cell frees the block (and the result) when it goes
    }
    result(block).~result_type();
    ::operator delete(block);
    sys::ledger::frame_freed();
  }
  // Spawning: the block now belongs to the cell built in cell_storage.
  static void adopt(void* frame) noexcept {
    bool& owned = owned_by_cell(block_of(frame));
    WEFT_ASSERT(!owned, "a frame spawned twice");
    owned = true;
  }
  // The cell's type-erased way to destroy the result (set at spawn).
  static void destroy_result(task_header* cell) noexcept { result_of_cell(cell).~result_type(); }
};

// Frees a cell's block (after ~task_header and the result's destruction;
// the caller checked block_owned before destroying the cell).
inline void free_cell_block(task_header* cell) noexcept {
  ::operator delete(reinterpret_cast<unsigned char*>(cell));
  sys::ledger::frame_freed();
}

}  // namespace weft::rt::detail
