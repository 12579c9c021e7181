#include "runtime/task/frame_alloc.hpp"

#include <new>

#include "runtime/sys/assert.hpp"
#include "runtime/task/header.hpp"

namespace weft::rt::detail {
namespace {

constexpr std::size_t block_align = __STDCPP_DEFAULT_NEW_ALIGNMENT__;

// The block prefix: room for a cell, and whether a cell owns the block.
struct prefix {
  alignas(task_header) unsigned char cell[sizeof(task_header)];
  bool owned_by_cell;
};

constexpr std::size_t round_up(std::size_t n) { return (n + block_align - 1) / block_align * block_align; }
constexpr std::size_t prefix_size = round_up(sizeof(prefix));
static_assert(alignof(task_header) <= block_align, "task_header over-aligned for the frame block");

prefix* prefix_of(void* frame) noexcept {
  return reinterpret_cast<prefix*>(static_cast<unsigned char*>(frame) - prefix_size);
}

}  // namespace

void* allocate_frame(std::size_t frame_size) {
  void* block = ::operator new(prefix_size + frame_size);
  auto* pre = ::new (block) prefix;
  pre->owned_by_cell = false;
  return static_cast<unsigned char*>(block) + prefix_size;
}

void free_frame(void* frame) noexcept {
  prefix* pre = prefix_of(frame);
  if (pre->owned_by_cell) {
    return;  // the cell frees the block when its last reference goes
  }
  ::operator delete(pre);
}

void* cell_storage(void* frame) noexcept { return prefix_of(frame)->cell; }

void adopt_block(void* frame) noexcept {
  prefix* pre = prefix_of(frame);
  WEFT_ASSERT(!pre->owned_by_cell, "a frame spawned twice");
  pre->owned_by_cell = true;
}

void free_cell_block(task_header* cell) noexcept {
  // The cell sits at the start of the prefix, which starts the block.
  auto* pre = reinterpret_cast<prefix*>(cell);
  WEFT_ASSERT(pre->owned_by_cell, "freeing a cell that does not own its block");
  ::operator delete(pre);
}

}  // namespace weft::rt::detail
