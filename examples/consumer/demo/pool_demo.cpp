// The same pool on the real runtime: 64 tasks on four worker threads share a
// pool of three connections (opening one takes a millisecond). Prints the
// most connections that were ever open at once.
#include <chrono>
#include <cstdio>
#include <vector>

#include "pool/pool.hpp"
#include "runtime/runtime.hpp"

using namespace weft;

namespace {

struct counter_connection final : pool::connection {};

rt::task<std::unique_ptr<pool::connection>> open_slowly() {
  co_await rt::sleep(std::chrono::milliseconds(1));
  co_return std::make_unique<counter_connection>();
}

rt::task<> user(pool::connection_pool* p) {
  pool::lease l = co_await p->acquire();
  co_await rt::yield_now();
}

rt::task<> many_users(pool::connection_pool* p) {
  std::vector<rt::join_handle<void>> users;
  for (int i = 0; i < 64; ++i) users.push_back(rt::spawn(user(p)));
  for (auto& u : users) co_await u;
}

}  // namespace

int main() {
  pool::connection_pool p(3, open_slowly);
  rt::runtime runtime = rt::builder::multi_thread().worker_threads(4).build();
  runtime.block_on(many_users(&p));
  std::printf("pool-demo: 64 users, limit 3, at most %zu open at once\n", p.peak_open());
  return p.peak_open() <= p.max_open() ? 0 : 1;
}
