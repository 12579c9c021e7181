// Stacks for simulated threads: mmap'd, with a guard page below each, and
// reused across threads and worlds so that creating a simulated thread costs
// a few hundred nanoseconds rather than two system calls.
//
// A thread abandoned mid-run (deadlock, failed assertion) never unwinds; its
// stack simply returns to the pool.
#pragma once

#include <cstddef>
#include <vector>

#include <boost/context/stack_context.hpp>

namespace weft::sim {

class stack_pool {
 public:
  // `stack_size`: usable bytes per stack (rounded up to pages).
  // `keep`: how many free stacks to hold on to.
  explicit stack_pool(std::size_t stack_size, std::size_t keep = 64);
  stack_pool(const stack_pool&) = delete;
  stack_pool& operator=(const stack_pool&) = delete;
  ~stack_pool();

  boost::context::stack_context take();
  void give_back(boost::context::stack_context sc) noexcept;
  std::size_t stack_size() const noexcept { return size_; }

 private:
  void unmap(boost::context::stack_context sc) noexcept;

  std::size_t size_;
  std::size_t page_;
  std::size_t keep_;
  std::vector<boost::context::stack_context> free_;
};

// The Boost.Context StackAllocator over a pool.
struct pooled_stack {
  stack_pool* pool;
  boost::context::stack_context allocate() { return pool->take(); }
  void deallocate(boost::context::stack_context& sc) noexcept { pool->give_back(sc); }
};

}  // namespace weft::sim
