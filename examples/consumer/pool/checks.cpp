#include "pool/checks.hpp"

#include <array>
#include <memory>
#include <cstring>
#include <stdexcept>
#include <string>

#include "pool/pool.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"

namespace pool::checks {

using namespace weft;

namespace {

// ---- the thread-level check ----

struct fake_connection final : connection {};

rt::task<std::unique_ptr<connection>> open_fake() { co_return std::make_unique<fake_connection>(); }

rt::task<> use_once(connection_pool* p) {
  lease l = co_await p->acquire();
  co_await rt::yield_now();
}

rt::task<> two_users(connection_pool* p) {
  auto a = rt::spawn(use_once(p));
  auto b = rt::spawn(use_once(p));
  co_await a;
  co_await b;
}

// ---- the service ----

using word = std::array<std::byte, 4>;

word as_word(const char (&text)[5]) {
  word w{};
  std::memcpy(w.data(), text, 4);
  return w;
}

struct db_connection final : connection {
  explicit db_connection(net::tcp_stream s) : stream(std::move(s)) {}
  net::tcp_stream stream;
};

// Connects and reads the database's greeting: OKAY, or FULL when it has
// all the connections it allows.
rt::task<std::unique_ptr<connection>> dial_db() {
  auto addrs = (co_await net::lookup("db", 5432)).value();
  auto stream = (co_await net::tcp_stream::connect(addrs.front())).value();
  word greeting{};
  (co_await stream.read_exact(greeting)).value();
  if (greeting == as_word("FULL")) {
    throw std::runtime_error("db refused a connection: it allows " + std::to_string(db_limit) +
                             " at once and the pool's limit is " + std::to_string(db_limit));
  }
  co_return std::make_unique<db_connection>(std::move(stream));
}

rt::task<> serve(net::tcp_stream conn, std::shared_ptr<sys::atomic<int>> live) {
  word request{};
  while (co_await conn.read_exact(request)) {
    if (!co_await conn.write_all(as_word("PONG"))) break;
  }
  live->fetch_sub(1, std::memory_order_acq_rel);
}

rt::task<> db_main() {
  auto listener = net::tcp_listener::bind("0.0.0.0:5432").value();
  // Shared with the serving tasks, which may outlive this one when the host stops.
  auto live = std::make_shared<sys::atomic<int>>(0);
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    net::tcp_stream conn = std::move(accepted->first);
    if (live->fetch_add(1, std::memory_order_acq_rel) >= db_limit) {
      live->fetch_sub(1, std::memory_order_acq_rel);
      (void)co_await conn.write_all(as_word("FULL"));
      continue;  // dropping the stream closes it
    }
    if (co_await conn.write_all(as_word("OKAY"))) {
      rt::spawn(serve(std::move(conn), live)).detach();
    } else {
      live->fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}

// The pool is shared: a request task that fails ends app_main while the
// others still hold leases.
rt::task<> requests(std::shared_ptr<connection_pool> p, int who) {
  co_await rt::sleep(std::chrono::milliseconds(sim::random(40)));
  for (int round = 0; round < 3; ++round) {
    lease l = co_await p->acquire();
    auto& db = static_cast<db_connection&>(l.get());
    word reply{};
    if (!co_await db.stream.write_all(as_word("PING")) || !co_await db.stream.read_exact(reply)) {
      l.discard();
      throw std::runtime_error("request " + std::to_string(who) + ": the connection to db broke");
    }
    co_await rt::sleep(std::chrono::milliseconds(1 + sim::random(3)));
  }
}

rt::task<> app_main() {
  auto p = std::make_shared<connection_pool>(db_limit, dial_db);
  std::vector<rt::join_handle<void>> tasks;
  for (int i = 0; i < 6; ++i) tasks.push_back(rt::spawn(requests(p, i)));
  for (auto& t : tasks) co_await t;
}

}  // namespace

void two_acquires_on_a_pool_of_one() {
  connection_pool p(1, open_fake);
  {
    rt::runtime runtime = rt::builder::multi_thread().worker_threads(2).enable_io(false).build();
    runtime.block_on(two_users(&p));
  }
  WEFT_ASSERT(p.peak_open() <= 1, "the pool had more connections open than its limit of one");
}

void service(sim::world& world) {
  world.host("db", [] { return db_main(); });
  world.client("app", [] { return app_main(); });
}

}  // namespace pool::checks
