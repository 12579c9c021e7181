// lease / lease-fixed: a lock service that hands out time-limited leases,
// and the renewal that races an expiry: two clients hold the lease at once.
//
// Hosts: `lock` (the lease server), `disk` (where the server writes the
// lease record before it answers, and reads it back after a restart) and
// two clients, c1 and c2. Each client asks for the lease (ACQUIRE), and
// once granted holds it for a few rounds, renewing (RENEW) when less than
// 10 ms of it is left, then gives it up (RELEASE). A client counts its
// lease from the moment it *sent* the request that won it: it believes it
// holds the lease until send time + 40 ms, which is never later than the
// server's own expiry. While one client holds the lease, the other's
// ACQUIREs are DENIED.
//
// The property (mutual exclusion): no two clients believe they hold the
// lease at the same virtual instant. A witness shared by the clients keeps
// every client's holding intervals and throws at the first overlap.
//
// lease (the bug): RENEW checks that the caller still holds an unexpired
// lease, lets go of the server's state lock while it writes the new expiry
// to disk (so that a slow disk does not stall other requests), and applies
// the renewal after the write. If the write is slow enough that the old
// lease expires meanwhile, another client's ACQUIRE takes the lock, finds
// the lease expired and is GRANTED it; then the renewal lands on top and
// the first client is RENEWED too. The race needs a network fault: the
// disk write takes a few milliseconds on a healthy network and renewals
// leave 10 ms of slack, so only a latency spike or a cut on the lock-disk
// link (or a renewal held back by a cut between client and lock, arriving
// just before the expiry) opens the window; and it needs the two request
// tasks on the lock host to interleave across that write.
//
// lease-fixed: RENEW holds the state lock across the check, the write and
// the update, as ACQUIRE always does.
//
// Faults, drawn from the seed (optional, each on 3 seeds in 4): a cut
// between two of the four hosts (one way or both) for 10-80 ms, a crash
// and restart of the lock server or a client, a latency spike on one
// direction of one link.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "examples/scenarios/framing.hpp"
#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"
#include "sim/world/faults.hpp"

namespace weft::examples {
namespace {

using namespace std::chrono_literals;
using clock = rt::clock;

constexpr std::uint16_t lock_port = 7100;
constexpr std::uint16_t disk_port = 7101;
constexpr auto lease_length = 40ms;
constexpr auto renew_slack = 10ms;     // renew when less than this is left
constexpr auto client_run = 400ms;     // each client asks for the lease this long
constexpr auto call_limit = 100ms;     // a request unanswered this long has failed

std::int64_t ms(clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// ---- the disk: a key-value store that survives the lock server's crashes ----

struct disk_store {
  std::map<std::string, std::string> records;  // owned by the setup: outlives every crash
};

// Records are "VERSION:..."; every write the lock server makes has a new version.
std::uint64_t version_of(const std::string& rec) { return std::stoull(rec.substr(0, rec.find(':'))); }

rt::task<> disk_connection(net::tcp_stream conn, std::shared_ptr<disk_store> disk) {
  for (;;) {
    auto msg = co_await recv_msg(conn);
    if (!msg) co_return;
    const std::vector<std::string> w = words(*msg);
    std::string reply = "ERR";
    if (w.size() == 3 && w[0] == "PUT") {
      // A write carries a version; an older one arriving late (held by a
      // cut on a dropped connection) does not undo a newer one.
      std::string& rec = disk->records[w[1]];
      if (rec.empty() || version_of(rec) < version_of(w[2])) rec = w[2];
      reply = "ACK";
    } else if (w.size() == 2 && w[0] == "GET") {
      auto it = disk->records.find(w[1]);
      reply = it == disk->records.end() ? "NONE" : "VAL " + it->second;
    }
    if (!co_await send_msg(conn, reply)) co_return;
  }
}

rt::task<> disk_main(std::shared_ptr<disk_store> disk) {
  auto listener = net::tcp_listener::bind(net::socket_addr(net::ip_addr::unspecified_v4(), disk_port)).value();
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    rt::spawn(disk_connection(std::move(accepted->first), disk)).detach();
  }
}

// ---- the lock server ----

struct lease_state {
  std::string holder;  // "" when free
  clock::time_point expiry{};
  std::uint64_t version = 0;  // of the last record written to disk
};

struct lock_server {
  bool fixed = false;
  rt::mutex<lease_state> state;
};

// The lease record "VERSION:HOLDER:EXPIRY_NS" as one word for the disk.
// Each write takes a new version, whether or not the write before it was
// acknowledged, so a write the disk receives late never overwrites a later one.
std::string record(std::uint64_t version, const std::string& holder, clock::time_point expiry) {
  return std::to_string(version) + ":" + holder + ":" + std::to_string(expiry.time_since_epoch().count());
}

// Writes the record and waits for the disk's ACK.
rt::task<bool> persist(std::uint64_t version, std::string holder, clock::time_point expiry) {
  auto reply = co_await call("disk", disk_port, "PUT lease " + record(version, holder, expiry), call_limit);
  co_return reply && *reply == "ACK";
}

rt::task<std::string> acquire(lock_server& s, std::string who) {
  auto st = co_await s.state.lock();
  const clock::time_point now = clock::now();
  if (!st->holder.empty() && st->holder != who && now < st->expiry) co_return "DENIED";
  const clock::time_point until = now + lease_length;
  if (!co_await persist(++st->version, who, until)) co_return "ERR";
  st->holder = who;
  st->expiry = until;
  co_return "GRANTED";
}

rt::task<std::string> renew(lock_server& s, std::string who) {
  if (s.fixed) {
    auto st = co_await s.state.lock();
    const clock::time_point now = clock::now();
    if (st->holder != who || now >= st->expiry) co_return "LOST";
    if (!co_await persist(++st->version, who, now + lease_length)) co_return "ERR";
    st->expiry = now + lease_length;
    co_return "RENEWED";
  }
  // THE BUG: check, let go of the state during the disk write, apply.
  const clock::time_point now = clock::now();
  std::uint64_t version = 0;
  {
    auto st = co_await s.state.lock();
    if (st->holder != who || now >= st->expiry) co_return "LOST";
    version = ++st->version;
  }
  if (!co_await persist(version, who, now + lease_length)) co_return "ERR";
  auto st = co_await s.state.lock();
  st->holder = who;  // whoever took the lease meanwhile loses it silently
  st->expiry = now + lease_length;
  co_return "RENEWED";
}

rt::task<std::string> release(lock_server& s, std::string who) {
  auto st = co_await s.state.lock();
  if (st->holder == who) st->holder.clear();
  co_return "OK";
}

rt::task<> lock_connection(net::tcp_stream conn, std::shared_ptr<lock_server> s) {
  for (;;) {
    auto msg = co_await recv_msg(conn);
    if (!msg) co_return;
    const std::vector<std::string> w = words(*msg);
    std::string reply = "ERR";
    if (w.size() == 2 && w[0] == "ACQUIRE") reply = co_await acquire(*s, w[1]);
    if (w.size() == 2 && w[0] == "RENEW") reply = co_await renew(*s, w[1]);
    if (w.size() == 2 && w[0] == "RELEASE") reply = co_await release(*s, w[1]);
    if (!co_await send_msg(conn, reply)) co_return;
  }
}

// After a (re)start: the last record on disk, or a free lease if none.
rt::task<lease_state> load() {
  for (;;) {
    auto reply = co_await call("disk", disk_port, "GET lease", call_limit);
    if (reply && *reply == "NONE") co_return lease_state{};
    if (reply && reply->starts_with("VAL ")) {
      const std::string rec = reply->substr(4);
      const std::size_t a = rec.find(':');
      const std::size_t b = rec.find(':', a + 1);
      lease_state st;
      st.version = std::stoull(rec.substr(0, a));
      st.holder = rec.substr(a + 1, b - a - 1);
      st.expiry = clock::time_point(clock::duration(std::stoll(rec.substr(b + 1))));
      co_return st;
    }
    co_await rt::sleep(5ms);
  }
}

rt::task<> lock_main(bool fixed) {
  auto s = std::make_shared<lock_server>();
  s->fixed = fixed;
  lease_state loaded = co_await load();
  *co_await s->state.lock() = std::move(loaded);
  auto listener = net::tcp_listener::bind(net::socket_addr(net::ip_addr::unspecified_v4(), lock_port)).value();
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    rt::spawn(lock_connection(std::move(accepted->first), s)).detach();
  }
}

// ---- the clients and the witness of mutual exclusion ----

// Every interval of virtual time in which some client believed it held the
// lease; throws when two clients' intervals overlap.
class lease_witness {
 public:
  // `who` was granted the lease at `from`, believed until `until`.
  void granted(const std::string& who, clock::time_point from, clock::time_point until) {
    held_[who].push_back({from, until});
    check(who);
  }
  // `who`'s renewal moved the end of the interval it holds to `until`.
  void renewed(const std::string& who, clock::time_point until) {
    interval& last = held_.at(who).back();
    last.until = std::max(last.until, until);
    check(who);
  }
  // `who` gave the lease up at `at` (before telling the server).
  void released(const std::string& who, clock::time_point at) {
    interval& last = held_.at(who).back();
    last.until = std::min(last.until, at);
  }

 private:
  struct interval {
    clock::time_point from, until;
  };
  void check(const std::string& who) const {
    const interval& mine = held_.at(who).back();
    for (const auto& [other, list] : held_) {
      if (other == who) continue;
      for (const interval& theirs : list) {
        if (mine.from < theirs.until && theirs.from < mine.until) {
          throw std::runtime_error("two holders: " + who + " holds the lease from " + stamp(mine.from) +
                                   " until " + stamp(mine.until) + ", " + other + " from " +
                                   stamp(theirs.from) + " until " + stamp(theirs.until));
        }
      }
    }
  }
  // Virtual time since the world started, in whole milliseconds.
  static std::string stamp(clock::time_point t) {
    const clock::time_point origin = clock::now() - sim::world::current()->now();
    return std::to_string(ms(t - origin)) + "ms";
  }
  std::map<std::string, std::vector<interval>> held_;
};

// Holds a granted lease (believed until `until`) for a few renewals, then
// releases it.
rt::task<> hold(const std::string& self, lease_witness& witness, clock::time_point until) {
  const int rounds = 1 + static_cast<int>(sim::random(3));
  for (int round = 0; round < rounds; ++round) {
    co_await rt::sleep_until(until - renew_slack);
    const clock::time_point sent = clock::now();
    const auto reply = co_await call("lock", lock_port, "RENEW " + self, call_limit);
    if (!reply || *reply != "RENEWED") co_return;  // still believed until `until`, not after
    until = sent + lease_length;
    witness.renewed(self, until);
  }
  witness.released(self, clock::now());
  (void)co_await call("lock", lock_port, "RELEASE " + self, call_limit);
}

rt::task<> client_main(std::string self, std::shared_ptr<lease_witness> witness) {
  const clock::time_point stop = clock::now() + client_run;
  while (clock::now() < stop) {
    const clock::time_point sent = clock::now();
    const auto reply = co_await call("lock", lock_port, "ACQUIRE " + self, call_limit);
    if (reply && *reply == "GRANTED") {
      witness->granted(self, clock::now(), sent + lease_length);
      co_await hold(self, *witness, sent + lease_length);
    }
    co_await rt::sleep(std::chrono::milliseconds(2 + sim::random(6)));
  }
}

}  // namespace

sim::scenario lease_scenario(bool fixed) {
  sim::scenario s;
  s.name = fixed ? "lease-fixed" : "lease";
  s.kind = fixed ? "fixed" : "bug";
  s.description = fixed ? "lease server that holds its state across the disk write of a renewal"
                        : "lease server whose renewal lets go of its state during the disk write: a slow "
                          "write past the expiry gives two clients the lease";
  s.config.workers = 2;
  s.setup = [fixed](sim::world& w) {
    auto disk = std::make_shared<disk_store>();
    auto witness = std::make_shared<lease_witness>();
    w.host("disk", [disk] { return disk_main(disk); });
    w.host("lock", [fixed] { return lock_main(fixed); });
    w.client("c1", [witness] { return client_main("c1", witness); });
    w.client("c2", [witness] { return client_main("c2", witness); });
    sim::fault_plan_config faults;
    faults.hosts = {"lock", "disk", "c1", "c2"};
    faults.horizon = 350ms;
    faults.min_duration = 10ms;
    faults.max_duration = 80ms;
    faults.optional = true;
    sim::apply(w, sim::plan_faults(w, faults));
  };
  return s;
}

}  // namespace weft::examples
