#include "sim/core/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#include "runtime/sys/assert.hpp"
#include "sim/core/sanitizers.hpp"

#if defined(WEFT_SIM_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace weft::sim {

stack_pool::stack_pool(std::size_t stack_size, std::size_t keep)
    : page_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))), keep_(keep) {
  size_ = (stack_size + page_ - 1) / page_ * page_;
  WEFT_ASSERT(size_ >= 4 * page_, "simulated thread stacks must be at least four pages");
}

stack_pool::~stack_pool() {
  for (const auto& sc : free_) unmap(sc);
}

boost::context::stack_context stack_pool::take() {
  if (!free_.empty()) {
    boost::context::stack_context sc = free_.back();
    free_.pop_back();
    return sc;
  }
  // One guard page below the usable stack (stacks grow down).
  const std::size_t total = size_ + page_;
  void* base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) {
    throw std::bad_alloc();
  }
  ::mprotect(base, page_, PROT_NONE);
  boost::context::stack_context sc;
  sc.size = size_;
  sc.sp = static_cast<char*>(base) + total;
  return sc;
}

void stack_pool::give_back(boost::context::stack_context sc) noexcept {
#if defined(WEFT_SIM_ASAN)
  // A stack abandoned mid-run keeps the poison of its live frames.
  __asan_unpoison_memory_region(static_cast<char*>(sc.sp) - sc.size, sc.size);
#endif
  if (free_.size() < keep_) {
    try {
      free_.push_back(sc);
      return;
    } catch (...) {
    }
  }
  unmap(sc);
}

void stack_pool::unmap(boost::context::stack_context sc) noexcept {
  void* base = static_cast<char*>(sc.sp) - sc.size - page_;
  ::munmap(base, sc.size + page_);
}

}  // namespace weft::sim
