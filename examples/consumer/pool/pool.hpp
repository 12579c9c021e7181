// pool::connection_pool: a bounded pool of connections, opened on demand.
//
//   pool::connection_pool db(2, [] { return open_db_connection(); });
//   {
//     pool::lease conn = co_await db.acquire();   // an idle one, a new one, or wait
//     co_await talk(conn.get());
//   }                                              // back to the pool
//
// At most `max_open` connections exist at once: acquire() takes an idle
// connection if there is one, opens a new one if fewer than max_open are
// open, and otherwise waits until a lease is returned or discarded.
//
// Written once on weft::sys and weft::rt, built twice (weft_add_library):
// `pool` runs on real threads and sockets, `pool_sim` inside weft's
// deterministic world, where tests explore it.
//
// Building with POOL_DEFECT=1 plants a classic async bug: acquire() checks
// the limit before opening a connection but counts the connection only once
// it is open, so acquires that overlap an open all pass the check.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/sys/mutex.hpp"

namespace pool {

// What the pool holds: derive your connection type from it.
struct connection {
  virtual ~connection() = default;
};

using connector = std::function<weft::rt::task<std::unique_ptr<connection>>()>;

class connection_pool;

// A connection on loan; returned to the pool when destroyed.
class lease {
 public:
  lease(lease&& other) noexcept;
  lease& operator=(lease&&) = delete;
  lease(const lease&) = delete;
  ~lease();

  connection& get() const noexcept { return *conn_; }
  // The connection is broken: close it instead of returning it.
  void discard() noexcept { broken_ = true; }

 private:
  friend class connection_pool;
  lease(connection_pool* owner, std::unique_ptr<connection> c) noexcept;
  connection_pool* owner_;
  std::unique_ptr<connection> conn_;
  bool broken_ = false;
};

class connection_pool {
 public:
  connection_pool(std::size_t max_open, connector open);
  connection_pool(const connection_pool&) = delete;
  connection_pool& operator=(const connection_pool&) = delete;

  weft::rt::task<lease> acquire();

  std::size_t max_open() const noexcept { return max_open_; }
  std::size_t open_count() const;  // open (idle or on loan), never above max_open
  std::size_t peak_open() const;   // the most that were ever open at once

 private:
  friend class lease;
  void give_back(std::unique_ptr<connection> c, bool broken);
  void count_open();  // under mutex_

  const std::size_t max_open_;
  const connector connect_;
  mutable weft::sys::mutex mutex_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;
  std::size_t peak_ = 0;
  weft::rt::notify returned_;
};

}  // namespace pool
