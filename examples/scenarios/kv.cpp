// kv / kv-fixed: a primary/backup key-value store, and the bug that loses
// acknowledged writes.
//
// Two nodes, n1 (primary) and n2 (backup), each keep a map in memory. A
// client writes keys k1..k30 to n1. If n1 stops answering (a request times
// out), the client fails over: it tells n2 to take over (PROMOTE) and
// carries on with n2. At the end it reads back every key it was told was
// written, from the node it ended on. A key acknowledged but missing is a
// lost write: the run fails.
//
// kv (the bug): n1 acknowledges a write as soon as it has it in memory and
// replicates it to n2 afterwards, in the background. If the link between
// n1 and n2 is cut, the replication waits; if n1 then crashes, the waiting
// replications die with it, and n2 — now the primary — never saw writes
// the client was told were done.
//
// kv-fixed: n1 acknowledges only after n2 acknowledged the replication;
// when n2 cannot be reached in time, n1 answers ERR, the client fails over,
// and every acknowledged write is already on n2.
//
// The faults, drawn from the seed (sim::plan_faults, optional: each
// happens on 3 seeds in 4): the n1-n2 link is cut (one way or both) for a
// while, one node crashes for good, and one direction of the link suffers
// a latency spike. The bug needs the primary
// to die while a replication it already acknowledged is still in flight;
// a cut or a spike holding replications back widens that window (a
// generated-plan property shrinks a losing plan to the crash alone).
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "examples/scenarios/framing.hpp"
#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"
#include "sim/world/faults.hpp"

namespace weft::examples {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t port = 7000;
constexpr int keys = 30;

struct node_state {
  rt::mutex<std::map<std::string, std::string>> store;
  bool solo = false;  // promoted: no backup to replicate to
};

// Replication to the peer node over one connection, one request at a time.
class replicator {
 public:
  explicit replicator(std::string peer) : peer_(std::move(peer)) {}

  // Sends "REP k v" and waits for ACK. False if the peer could not be
  // reached, or did not answer within `limit`.
  rt::task<bool> replicate(const std::string& k, const std::string& v, std::chrono::milliseconds limit) {
    auto guard = co_await conn_.lock();
    auto r = co_await rt::timeout(limit, exchange(*guard, "REP " + k + " " + v));
    if (r.elapsed() || !r.value()) {
      guard->reset();  // the connection may be half-way through a reply
      co_return false;
    }
    co_return true;
  }

 private:
  rt::task<bool> exchange(std::optional<net::tcp_stream>& conn, std::string request) {
    if (!conn) {
      auto c = co_await dial(peer_, port);
      if (!c) co_return false;
      conn.emplace(std::move(*c));
    }
    if (!co_await send_msg(*conn, request)) co_return false;
    auto reply = co_await recv_msg(*conn);
    co_return reply && *reply == "ACK";
  }

  std::string peer_;
  rt::mutex<std::optional<net::tcp_stream>> conn_;
};

rt::task<> serve_client(net::tcp_stream conn, std::shared_ptr<node_state> node,
                        std::shared_ptr<replicator> repl, bool fixed) {
  for (;;) {
    auto msg = co_await recv_msg(conn);
    if (!msg) co_return;
    const std::vector<std::string> w = words(*msg);
    std::string reply = "ERR";
    if (w.size() == 3 && (w[0] == "PUT" || w[0] == "REP")) {
      {
        auto store = co_await node->store.lock();
        (*store)[w[1]] = w[2];
      }
      if (w[0] == "REP") {
        reply = "ACK";
      } else if (node->solo) {
        reply = "OK";
      } else if (fixed) {
        // Acknowledge only what the backup has too.
        reply = co_await repl->replicate(w[1], w[2], 30ms) ? "OK" : "ERR";
      } else {
        // THE BUG: acknowledge now, replicate later. If this node dies
        // before the replication lands, an acknowledged write is lost.
        reply = "OK";
        rt::spawn([](std::shared_ptr<replicator> r, std::string k, std::string v) -> rt::task<> {
          for (int attempt = 0; attempt < 100; ++attempt) {
            if (co_await r->replicate(k, v, 30ms)) co_return;
          }
        }(repl, w[1], w[2])).detach();
      }
    } else if (w.size() == 2 && w[0] == "GET") {
      auto store = co_await node->store.lock();
      auto it = store->find(w[1]);
      reply = it == store->end() ? "NONE" : "VAL " + it->second;
    } else if (w.size() == 1 && w[0] == "PROMOTE") {
      node->solo = true;
      reply = "OK";
    }
    if (!co_await send_msg(conn, reply)) co_return;
  }
}

rt::task<> node_main(std::string peer, bool fixed) {
  // Shared with the connection and replication tasks, which may outlive
  // this one (they are detached).
  auto node = std::make_shared<node_state>();
  auto repl = std::make_shared<replicator>(std::move(peer));
  auto listener = net::tcp_listener::bind("0.0.0.0:7000").value();
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    rt::spawn(serve_client(std::move(accepted->first), node, repl, fixed)).detach();
  }
}

// One request with a deadline; nullopt if it failed or timed out.
rt::task<std::optional<std::string>> request(std::optional<net::tcp_stream>& conn, std::string what) {
  if (!conn) co_return std::nullopt;
  auto r = co_await rt::timeout(50ms, [](net::tcp_stream* c, std::string msg) -> rt::task<std::optional<std::string>> {
    if (!co_await send_msg(*c, msg)) co_return std::nullopt;
    auto reply = co_await recv_msg(*c);
    if (!reply) co_return std::nullopt;
    co_return *reply;
  }(&*conn, std::move(what)));
  if (r.elapsed() || !r.value()) {
    conn.reset();
    co_return std::nullopt;
  }
  co_return r.value();
}

rt::task<std::optional<net::tcp_stream>> connect_with_retries(std::string host) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto c = co_await rt::timeout(50ms, dial(host, port));
    if (!c.elapsed() && c.value()) co_return std::move(*c.value());
    co_await rt::sleep(5ms);
  }
  co_return std::nullopt;
}

rt::task<> client_main() {
  std::string node = "n1";
  std::optional<net::tcp_stream> conn = co_await connect_with_retries(node);
  std::map<std::string, std::string> acked;  // what we were told is stored
  for (int i = 1; i <= keys; ++i) {
    const std::string k = "k" + std::to_string(i);
    const std::string v = "v" + std::to_string(i);
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto reply = co_await request(conn, "PUT " + k + " " + v);
      if (reply && *reply == "OK") {
        acked[k] = v;
        break;
      }
      if (node == "n1") {  // fail over, once
        node = "n2";
        conn = co_await connect_with_retries(node);
        (void)co_await request(conn, "PROMOTE");
      }
    }
    co_await rt::sleep(std::chrono::milliseconds(sim::random(4)));
  }
  // Every acknowledged write must be readable from where we ended up.
  for (const auto& [k, v] : acked) {
    std::optional<std::string> got;
    for (int attempt = 0; attempt < 5 && !got; ++attempt) got = co_await request(conn, "GET " + k);
    if (!got) continue;  // cannot read at all: not a lost write
    if (*got != "VAL " + v) {
      throw std::runtime_error("acknowledged write lost: " + k + "=" + v + " was acknowledged, " + node +
                               " answers " + *got);
    }
  }
}

}  // namespace

sim::scenario kv_scenario_with(bool fixed, std::function<sim::fault_plan(sim::world&)> plan) {
  sim::scenario s;
  s.name = fixed ? "kv-fixed" : "kv";
  s.kind = fixed ? "fixed" : "bug";
  s.description = fixed ? "primary/backup store that acknowledges a write only once the backup has it"
                        : "primary/backup store that acknowledges before replicating: loses acknowledged "
                          "writes when the primary crashes before a replication lands";
  s.config.workers = 2;
  s.setup = [fixed, plan = std::move(plan)](sim::world& w) {
    w.host("n1", [fixed] { return node_main("n2", fixed); });
    w.host("n2", [fixed] { return node_main("n1", fixed); });
    w.client("client", [] { return client_main(); });
    sim::apply(w, plan(w));
  };
  return s;
}

sim::scenario kv_scenario(bool fixed) {
  // Faults from the seed: the n1-n2 link cut one way or both for a while,
  // one of the nodes crashing for good (memory-only nodes have nothing to
  // come back with), a latency spike on one direction.
  return kv_scenario_with(fixed, [](sim::world& w) {
    sim::fault_plan_config faults;
    faults.hosts = {"n1", "n2"};
    faults.horizon = 120ms;
    faults.min_duration = 10ms;
    faults.max_duration = 80ms;
    faults.restart = false;
    faults.optional = true;  // each fault happens on 3 seeds in 4; shrinking can switch one off
    return sim::plan_faults(w, faults);
  });
}

}  // namespace weft::examples
