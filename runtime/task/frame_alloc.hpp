// One allocation per spawned task: the task cell lives in front of its root
// coroutine frame.
//
// Every rt::task frame is allocated with a block prefix big enough for a
// task_header. A frame that is only ever awaited inline leaves the prefix
// unused. When a task is spawned, its cell is built in the prefix of the
// root frame, and from then on the block belongs to the cell: destroying the
// frame (output consumed, or cancellation) leaves the memory in place, and
// freeing the cell (last reference) frees the block. So a spawned task costs
// one allocation, as in Tokio, where header, future and output share a cell.
#pragma once

#include <cstddef>

namespace weft::rt::detail {

struct task_header;

// The promise's operator new/delete.
void* allocate_frame(std::size_t frame_size);
void free_frame(void* frame) noexcept;

// Where the cell of `frame` lives (its block prefix). The caller constructs
// the header there and then calls adopt_block so the frame's destruction no
// longer frees the block.
void* cell_storage(void* frame) noexcept;
void adopt_block(void* frame) noexcept;
// Frees the block of a cell built in cell_storage (after ~task_header).
void free_cell_block(task_header* cell) noexcept;

}  // namespace weft::rt::detail
