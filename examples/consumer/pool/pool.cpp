#include "pool/pool.hpp"

#include <mutex>
#include <utility>

namespace pool {

lease::lease(connection_pool* owner, std::unique_ptr<connection> c) noexcept : owner_(owner), conn_(std::move(c)) {}

lease::lease(lease&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), conn_(std::move(other.conn_)), broken_(other.broken_) {}

lease::~lease() {
  if (owner_ != nullptr) owner_->give_back(std::move(conn_), broken_);
}

connection_pool::connection_pool(std::size_t max_open, connector open) : max_open_(max_open), connect_(std::move(open)) {}

std::size_t connection_pool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t connection_pool::peak_open() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

void connection_pool::count_open() {
  ++open_;
  if (open_ > peak_) peak_ = open_;
}

weft::rt::task<lease> connection_pool::acquire() {
  for (;;) {
    // Registered before the check, so a return between the check and the
    // wait still wakes this acquire.
    auto returned = returned_.notified();
    std::unique_ptr<connection> idle;
    bool may_open = false;
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        idle = std::move(idle_.back());
        idle_.pop_back();
      } else if (open_ < max_open_) {
        may_open = true;
#if !POOL_DEFECT
        count_open();  // the slot is ours before the connection exists
#endif
      }
    }
    if (idle) co_return lease(this, std::move(idle));
    if (may_open) {
      std::unique_ptr<connection> fresh;
      try {
        fresh = co_await connect_();
      } catch (...) {
#if !POOL_DEFECT
        give_back(nullptr, true);  // the reserved slot is free again
#endif
        throw;
      }
#if POOL_DEFECT
      {
        std::lock_guard lock(mutex_);
        count_open();  // BUG: counted after the await; others passed the check meanwhile
      }
#endif
      co_return lease(this, std::move(fresh));
    }
    co_await returned;
  }
}

void connection_pool::give_back(std::unique_ptr<connection> c, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken || c == nullptr) {
      --open_;
    } else {
      idle_.push_back(std::move(c));
    }
  }
  returned_.notify_one();
}

}  // namespace pool
