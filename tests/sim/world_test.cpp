// The deterministic world: the real runtime on simulated hosts and a
// simulated network. Each network fault, crash and restart, pause, clock
// jumps, the failure reports, and determinism by seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/trace/jsonl.hpp"
#include "sim/world/faults.hpp"
#include "sim/world/scenario.hpp"
#include "sim/world/world.hpp"

namespace weft::sim {
namespace {

using namespace std::chrono_literals;
using rt::task;

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// ---- a tiny echo service ----

task<> echo_server(std::uint16_t port) {
  auto l = net::tcp_listener::bind(net::socket_addr(net::ip_addr(), port)).value();
  for (;;) {
    auto [c, peer] = (co_await l.accept()).value();
    rt::spawn([](net::tcp_stream s) -> task<> {
      std::array<std::byte, 256> buf;
      for (;;) {
        auto n = co_await s.read(buf);
        if (!n || *n == 0) co_return;
        if (!co_await s.write_all(std::span(buf.data(), *n))) co_return;
      }
    }(std::move(c))).detach();
  }
}

task<net::io_result<net::tcp_stream>> connect_to(std::string host, std::uint16_t port) {
  auto addrs = co_await net::lookup(host, port);
  if (!addrs) co_return rt::unexpected(addrs.error());
  co_return co_await net::tcp_stream::connect(addrs->front());
}

task<std::string> echo_once(net::tcp_stream& s, std::string msg) {
  EXPECT_TRUE(co_await s.write_all(bytes_of(msg)));
  std::string back(msg.size(), '\0');
  auto r = co_await s.read_exact(std::as_writable_bytes(std::span(back.data(), back.size())));
  co_return r ? back : std::string("<read failed: ") + r.error().what() + ">";
}

TEST(World, EchoOverSimulatedTcp) {
  for (std::size_t workers : {0u, 2u}) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      world_config cfg;
      cfg.workers = workers;
      world w(seed, cfg);
      std::vector<std::string> got;
      w.host("server", [] { return echo_server(7000); });
      w.client("client", [&got]() -> task<> {
        auto s = (co_await connect_to("server", 7000)).value();
        for (int i = 0; i < 3; ++i) got.push_back(co_await echo_once(s, "hello " + std::to_string(i)));
      });
      const run_report r = w.run();
      ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.message;
      EXPECT_EQ(got, (std::vector<std::string>{"hello 0", "hello 1", "hello 2"}));
      EXPECT_TRUE(w.finished(w.id_of("server")));  // stopped at the end of the run
    }
  }
}

TEST(World, ConnectionRefusedAndUnreachable) {
  world w(1);
  std::vector<std::errc> seen;
  w.host("quiet", []() -> task<> { co_await rt::sleep(1h); });
  w.client("client", [&seen]() -> task<> {
    auto refused = co_await connect_to("quiet", 7000);
    seen.push_back(static_cast<std::errc>(refused.error().code().value()));
    auto nobody = co_await net::tcp_stream::connect("10.9.9.9:80");
    seen.push_back(static_cast<std::errc>(nobody.error().code().value()));
  });
  ASSERT_TRUE(w.run().ok());
  EXPECT_EQ(seen, (std::vector<std::errc>{std::errc::connection_refused, std::errc::host_unreachable}));
}

TEST(World, StreamsKeepOrderAndApplyBackPressure) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    world w(seed);
    std::size_t max_ahead = 0;
    std::size_t received = 0;
    std::size_t sent = 0;
    bool in_order = true;
    constexpr std::size_t total = 512 * 1024;
    w.host("source", [&]() -> task<> {
      auto l = net::tcp_listener::bind("0.0.0.0:9000").value();
      auto [c, peer] = (co_await l.accept()).value();
      std::vector<std::byte> chunk(8192);
      while (sent < total) {
        for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::byte>((sent + i) % 251);
        // Writes may be short: never offer more than what is left.
        const std::size_t want = std::min(chunk.size(), total - sent);
        sent += (co_await c.write(std::span(chunk.data(), want))).value();
        max_ahead = std::max(max_ahead, sent - received);
      }
      EXPECT_TRUE(c.shutdown());
      co_await rt::sleep(1h);  // stay up until the run ends
    });
    w.client("sink", [&]() -> task<> {
      auto c = (co_await connect_to("source", 9000)).value();
      std::array<std::byte, 4096> buf;
      for (;;) {
        auto n = (co_await c.read(buf)).value();
        if (n == 0) break;  // the source's FIN, after all its data
        for (std::size_t i = 0; i < n; ++i) {
          in_order = in_order && buf[i] == static_cast<std::byte>((received + i) % 251);
        }
        received += n;
        co_await rt::sleep(1ms);  // a slow reader
      }
    });
    const run_report r = w.run();
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_TRUE(in_order);
    EXPECT_EQ(received, total);
    // The writer never got more than the window (64 KiB) ahead of the reader.
    EXPECT_LE(max_ahead, w.config().net.window_bytes);
    EXPECT_GT(max_ahead, 0u);
  }
}

// ---- the simulated kernel beneath the reactor core ----

TEST(Kernel, AFullAcceptBacklogRefusesTheNextConnection) {
  world_config cfg;
  cfg.net.backlog = 2;
  world w(1, cfg);
  std::vector<std::errc> seen;
  w.host("server", []() -> task<> {
    auto l = net::tcp_listener::bind("0.0.0.0:9100").value();
    co_await rt::sleep(1h);  // listens, never accepts
  });
  w.client("client", [&]() -> task<> {
    std::vector<net::tcp_stream> kept;
    for (int i = 0; i < 3; ++i) {
      auto c = co_await connect_to("server", 9100);
      seen.push_back(c ? std::errc{} : static_cast<std::errc>(c.error().code().value()));
      if (c) kept.push_back(std::move(*c));
    }
  });
  const run_report r = w.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(seen, (std::vector<std::errc>{std::errc{}, std::errc{}, std::errc::connection_refused}));
}

TEST(Kernel, ClosingWithUnreadDataResetsThePeer) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    world w(seed);
    std::errc after = std::errc{};
    w.host("server", []() -> task<> {
      auto l = net::tcp_listener::bind("0.0.0.0:9101").value();
      auto [c, peer] = (co_await l.accept()).value();
      co_await rt::sleep(50ms);  // the client's bytes arrive, unread
    });  // c closes here with them still queued: RST
    w.client("client", [&]() -> task<> {
      auto c = (co_await connect_to("server", 9101)).value();
      EXPECT_TRUE(co_await c.write_all(bytes_of("never read")));
      std::array<std::byte, 16> buf;
      auto n = co_await c.read(buf);
      after = n ? std::errc{} : static_cast<std::errc>(n.error().code().value());
    });
    const run_report r = w.run();
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(after, std::errc::connection_reset) << "seed " << seed;
  }
}

TEST(Kernel, OsQuirksAreDrawnFromTheSeedAndOnlyWhenOn) {
  auto run = [](std::uint64_t seed, os_quirks q) {
    world_config cfg;
    cfg.net.quirks = q;
    world w(seed, cfg);
    w.host("server", [] { return echo_server(9102); });
    w.client("client", []() -> task<> {
      auto c = (co_await connect_to("server", 9102)).value();
      for (int i = 0; i < 10; ++i) EXPECT_EQ(co_await echo_once(c, std::string(700, 'q')), std::string(700, 'q'));
    });
    const run_report r = w.run();
    EXPECT_TRUE(r.ok()) << r.message;
    std::size_t os = 0;
    for (const choice& c : w.choices()) os += c.kind == choice_kind::os ? 1 : 0;
    return std::pair{trace::trace_hash(w.trace()), os};
  };
  os_quirks often;
  often.short_io_per_million = 300'000;
  often.eagain_per_million = 300'000;
  const auto a = run(7, often);
  EXPECT_EQ(run(7, often), a);  // the same seed, the same quirks
  EXPECT_GT(a.second, 0u);
  EXPECT_EQ(run(7, os_quirks::none()).second, 0u);
}

TEST(Kernel, AConnectedDatagramSocketHearsOnlyItsPeer) {
  world w(3);
  std::string heard;
  w.host("server", []() -> task<> {
    auto s = net::udp_socket::bind("0.0.0.0:5300").value();
    std::array<std::byte, 64> buf;
    for (;;) {
      auto d = (co_await s.recv_from(buf)).value();
      (void)co_await s.send_to(std::span(buf.data(), d.size), d.from);
    }
  });
  w.host("stranger", []() -> task<> {
    co_await rt::sleep(1ms);
    auto s = net::udp_socket::bind("0.0.0.0:0").value();
    const auto to = (co_await net::lookup("client", 5301)).value().front();
    (void)co_await s.send_to(bytes_of("noise"), to);
  });
  w.client("client", [&]() -> task<> {
    auto s = net::udp_socket::bind("0.0.0.0:5301").value();
    const auto server = (co_await net::lookup("server", 5300)).value().front();
    EXPECT_TRUE(s.connect(server));
    co_await rt::sleep(5ms);  // the stranger's datagram has arrived by now
    EXPECT_EQ((co_await s.send(bytes_of("ping"))).value(), 4u);
    std::array<std::byte, 64> buf;
    const std::size_t n = (co_await s.recv(buf)).value();
    heard.assign(reinterpret_cast<const char*>(buf.data()), n);
  });
  const run_report r = w.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(heard, "ping");
}

TEST(World, PartitionHoldsAStreamUntilHeal) {
  world w(3);
  std::chrono::nanoseconds connected_at{-1};
  w.host("server", [] { return echo_server(7000); });
  const host_id client = w.client("client", [&]() -> task<> {
    auto s = (co_await connect_to("server", 7000)).value();
    connected_at = world::current()->now();
    EXPECT_EQ(co_await echo_once(s, "after heal"), "after heal");
  });
  const host_id server = w.id_of("server");
  w.partition_both(client, server);
  w.at(100ms, [&] { w.heal_both(client, server); });
  ASSERT_TRUE(w.run().ok());
  EXPECT_GE(connected_at, 100ms);  // the SYN waited out the partition
  EXPECT_LT(connected_at, 110ms);
}

TEST(World, DatagramsCanBeLostDuplicatedAndDroppedByPartitions) {
  auto count_arrivals = [](std::uint32_t loss, std::uint32_t dup, bool cut) {
    world w(9);
    int got = 0;
    const host_id rx = w.host("rx", [&got]() -> task<> {
      auto s = net::udp_socket::bind("0.0.0.0:5000").value();
      std::array<std::byte, 64> buf;
      for (;;) {
        if ((co_await s.recv_from(buf)).value().size > 0) ++got;
      }
    });
    const host_id tx = w.client("tx", []() -> task<> {
      co_await rt::sleep(1ms);  // let rx bind
      auto s = net::udp_socket::bind("0.0.0.0:0").value();
      auto to = (co_await net::lookup("rx", 5000)).value().front();
      for (int i = 0; i < 200; ++i) (void)co_await s.send_to(bytes_of("x"), to);
      co_await rt::sleep(50ms);  // let them land
    });
    link_config c;
    c.loss_per_million = loss;
    c.duplicate_per_million = dup;
    w.net().set_link(tx, rx, c);
    if (cut) w.partition(tx, rx);
    EXPECT_TRUE(w.run().ok());
    return got;
  };
  EXPECT_EQ(count_arrivals(0, 0, false), 200);
  const int lossy = count_arrivals(500'000, 0, false);
  EXPECT_GT(lossy, 50);
  EXPECT_LT(lossy, 150);
  EXPECT_EQ(count_arrivals(0, 1'000'000, false), 400);
  EXPECT_EQ(count_arrivals(0, 0, true), 0);
}

TEST(World, HoldQueuesALinkUntilRelease) {
  world w(4);
  std::chrono::nanoseconds reply_at{-1};
  w.host("server", [] { return echo_server(7000); });
  const host_id client = w.client("client", [&]() -> task<> {
    auto s = (co_await connect_to("server", 7000)).value();
    const auto r = co_await echo_once(s, "held");
    EXPECT_EQ(r, "held");
    reply_at = world::current()->now();
  });
  const host_id server = w.id_of("server");
  w.at(3ms, [&] { w.hold(server, client); });
  w.at(200ms, [&] { w.release(server, client); });
  ASSERT_TRUE(w.run().ok());
  EXPECT_GE(reply_at, 200ms);
}

TEST(World, CrashResetsConnectionsAndRestartRunsMainAgain) {
  world w(5);
  int server_starts = 0;
  std::string first_error;
  std::string after_restart;
  w.host("server", [&server_starts]() -> task<> {
    ++server_starts;
    co_await echo_server(7000);
  });
  w.client("client", [&]() -> task<> {
    auto s = (co_await connect_to("server", 7000)).value();
    co_await rt::sleep(20ms);  // the server crashes at 10 ms
    std::array<std::byte, 8> buf;
    auto r = co_await s.read(buf);
    first_error = r ? "no error" : r.error().what();
    co_await rt::sleep(30ms);  // restarted at 30 ms
    auto again = (co_await connect_to("server", 7000)).value();
    after_restart = co_await echo_once(again, "back");
  });
  const host_id server = w.id_of("server");
  w.at(10ms, [&] { w.crash(server); });
  w.at(30ms, [&] { w.restart(server); });
  const run_report r = w.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_NE(first_error.find("Connection reset"), std::string::npos) << first_error;
  EXPECT_EQ(after_restart, "back");
  EXPECT_EQ(server_starts, 2);
  EXPECT_EQ(w.restarts(server), 1u);
  bool saw_crash = false;
  for (const trace::event& e : w.trace()) saw_crash = saw_crash || (e.what == trace::kind::crash && e.host == server);
  EXPECT_TRUE(saw_crash);
}

TEST(World, PausedHostDoesNotRunUntilResumed) {
  world w(6);
  std::chrono::nanoseconds answered_at{-1};
  w.host("server", [] { return echo_server(7000); });
  w.client("client", [&]() -> task<> {
    auto s = (co_await connect_to("server", 7000)).value();
    co_await rt::sleep(10ms);
    EXPECT_EQ(co_await echo_once(s, "ping"), "ping");
    answered_at = world::current()->now();
  });
  const host_id server = w.id_of("server");
  w.at(5ms, [&] { w.pause(server); });
  w.at(500ms, [&] { w.resume(server); });
  ASSERT_TRUE(w.run().ok());
  EXPECT_GE(answered_at, 500ms);
}

TEST(World, VirtualClockJumpsOverIdleTime) {
  world_config cfg;
  cfg.time_limit = 2h;
  world w(7, cfg);
  w.client("sleeper", []() -> task<> { co_await rt::sleep(1h); });
  const run_report r = w.run();
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_GE(r.end_time_ns, std::chrono::nanoseconds(1h).count());
  EXPECT_LT(r.end_time_ns, std::chrono::nanoseconds(1h + 10ms).count());
  bool jumped = false;
  for (const trace::event& e : w.trace()) jumped = jumped || e.what == trace::kind::clock_jump;
  EXPECT_TRUE(jumped);
}

TEST(World, DeadlockIsReportedWithEachWait) {
  world w(8);
  w.client("stuck", []() -> task<> {
    rt::notify never;
    co_await never.notified();
  });
  const run_report r = w.run();
  EXPECT_EQ(r.result, outcome::deadlock);
  ASSERT_FALSE(r.blocked.empty());
  bool names_main = false;
  for (const std::string& line : r.blocked) names_main = names_main || line.find("'stuck/main'") != std::string::npos;
  EXPECT_TRUE(names_main) << r.blocked.front();
}

TEST(World, VirtualTimeLimitIsATimeoutFailure) {
  world_config cfg;
  cfg.time_limit = 10s;
  world w(9, cfg);
  w.client("slow", []() -> task<> { co_await rt::sleep(1min); });
  const run_report r = w.run();
  EXPECT_EQ(r.result, outcome::timeout);
  EXPECT_NE(r.message.find("virtual time limit of 10000 ms"), std::string::npos) << r.message;
}

TEST(World, AnExceptionFromAMainFailsTheRunNamingTheHost) {
  world w(10);
  w.client("checker", []() -> task<> {
    co_await rt::sleep(1ms);
    throw std::logic_error("invariant broken");
  });
  const run_report r = w.run();
  EXPECT_EQ(r.result, outcome::exception);
  EXPECT_NE(r.message.find("main of 'checker' threw: invariant broken"), std::string::npos) << r.message;
}

TEST(World, ClockSkewIsPerHost) {
  world w(11);
  std::int64_t a = 0, b = 0;
  host_options skewed;
  skewed.clock_skew = 250ms;
  w.client("plain", [&a]() -> task<> {
    a = rt::clock::now().time_since_epoch().count();
    co_return;
  });
  w.client("skewed", [&b]() -> task<> {
    b = rt::clock::now().time_since_epoch().count();
    co_return;
  }, skewed);
  ASSERT_TRUE(w.run().ok());
  EXPECT_EQ(b - a, std::chrono::nanoseconds(250ms).count());
}

TEST(World, BuggifyIsDeterministicPerSeed) {
  auto fires = [](std::uint64_t seed) {
    world_config cfg;
    cfg.buggify = true;
    world w(seed, cfg);
    std::vector<int> out;
    w.client("c", [&out]() -> task<> {
      for (int i = 0; i < 40; ++i) out.push_back(buggify() ? 1 : 0);
      co_return;
    });
    EXPECT_TRUE(w.run().ok());
    return out;
  };
  int seeds_firing = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto a = fires(seed);
    EXPECT_EQ(a, fires(seed)) << "seed " << seed;
    seeds_firing += std::count(a.begin(), a.end(), 1) > 0 ? 1 : 0;
  }
  EXPECT_GT(seeds_firing, 0);   // the site was enabled for some seeds...
  EXPECT_LT(seeds_firing, 40);  // ...and not for others
}

// ---- randomized fault plans ----

fault_plan_config three_host_plan() {
  fault_plan_config fc;
  fc.hosts = {"a", "b", "c"};
  fc.horizon = 100ms;
  fc.partitions = 2;
  fc.crashes = 1;
  fc.latency_spikes = 1;
  return fc;
}

std::string plan_for(std::uint64_t seed) {
  world w(seed);
  for (const char* n : {"a", "b", "c"}) w.host(n, []() -> task<> { co_await rt::sleep(1h); });
  return plan_faults(w, three_host_plan()).describe(w);
}

TEST(FaultPlan, IsAFunctionOfTheSeed) {
  EXPECT_EQ(plan_for(7), plan_for(7));
  std::set<std::string> distinct;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) distinct.insert(plan_for(seed));
  EXPECT_GT(distinct.size(), 15u);
  // Two partitions, one crash, one spike: four lines.
  const std::string p = plan_for(3);
  EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 4) << p;
  EXPECT_NE(p.find("partition "), std::string::npos) << p;
  EXPECT_NE(p.find("crash "), std::string::npos) << p;
  EXPECT_NE(p.find("latency x"), std::string::npos) << p;
}

TEST(FaultPlan, EveryPlannedFaultHappensAtItsTimeAndIsRepaired) {
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    world w(seed);
    for (const char* n : {"a", "b", "c"}) w.host(n, []() -> task<> { co_await rt::sleep(1h); });
    w.client("clock", []() -> task<> { co_await rt::sleep(1s); });
    const fault_plan plan = plan_faults(w, three_host_plan());
    apply(w, plan);
    // Sample the network halfway through each fault and after its end:
    // seen[2i] and seen[2i+1] for fault i.
    std::vector<std::string> seen(2 * plan.faults.size());
    for (std::size_t i = 0; i < plan.faults.size(); ++i) {
      const planned_fault f = plan.faults[i];
      std::function<std::string()> probe_mid;
      std::function<std::string()> probe_after;
      switch (f.what) {
        case planned_fault::kind::partition_both:
        case planned_fault::kind::partition_one_way:
          probe_mid = probe_after = [&w, f] { return w.net().is_partitioned(f.a, f.b) ? "cut" : "open"; };
          break;
        case planned_fault::kind::crash:
          probe_mid = probe_after = [&w, f] { return w.net().is_up(f.a) ? "up" : "down"; };
          break;
        case planned_fault::kind::latency_spike: {
          const auto normal = w.net().link_settings(f.a, f.b).latency_max;
          probe_mid = [&w, f, normal] {
            return w.net().link_settings(f.a, f.b).latency_max == normal * f.factor ? "slow" : "?";
          };
          probe_after = [&w, f, normal] {
            return w.net().link_settings(f.a, f.b).latency_max == normal ? "fast" : "?";
          };
          break;
        }
      }
      w.at(f.at + f.duration / 2, [&seen, i, probe_mid] { seen[2 * i] = probe_mid(); });
      w.at(f.at + f.duration + 1ms, [&seen, i, probe_after] { seen[2 * i + 1] = probe_after(); });
    }
    const run_report r = w.run();
    ASSERT_TRUE(r.ok()) << r.message;
    std::vector<std::string> expected;
    // Faults may overlap (two cuts of the same link, say), so only check
    // the ones whose link or host no other fault touches at those times.
    for (std::size_t i = 0; i < plan.faults.size(); ++i) {
      const planned_fault& f = plan.faults[i];
      bool alone = true;
      for (std::size_t j = 0; j < plan.faults.size(); ++j) {
        const planned_fault& g = plan.faults[j];
        const bool same_kind = (f.what == planned_fault::kind::crash) == (g.what == planned_fault::kind::crash) &&
                               (f.what == planned_fault::kind::latency_spike) ==
                                   (g.what == planned_fault::kind::latency_spike);
        const bool touches = g.a == f.a || g.a == f.b || g.b == f.a || (f.b != 0 && g.b == f.b);
        const bool overlaps = g.at <= f.at + f.duration + 1ms && f.at <= g.at + g.duration;
        if (j != i && same_kind && touches && overlaps) alone = false;
      }
      checked += alone ? 1 : 0;
      switch (f.what) {
        case planned_fault::kind::partition_both:
        case planned_fault::kind::partition_one_way:
          expected.insert(expected.end(), {alone ? "cut" : seen[2 * i], alone ? "open" : seen[2 * i + 1]});
          break;
        case planned_fault::kind::crash:
          expected.insert(expected.end(), {alone ? "down" : seen[2 * i], alone ? "up" : seen[2 * i + 1]});
          break;
        case planned_fault::kind::latency_spike:
          expected.insert(expected.end(), {alone ? "slow" : seen[2 * i], alone ? "fast" : seen[2 * i + 1]});
          break;
      }
    }
    ASSERT_EQ(seen.size(), expected.size());
    EXPECT_EQ(seen, expected) << "seed " << seed << "\n" << plan.describe(w);
    // The crashed host was restarted, and its main ran again.
    for (const planned_fault& f : plan.faults) {
      if (f.what == planned_fault::kind::crash) {
        EXPECT_GE(w.restarts(f.a), 1u);
      }
    }
  }
  EXPECT_GE(checked, 25);  // of 40 faults, most stand alone
}

TEST(Swarm, EachSeedDrawsItsOwnMixAndAKindThatIsOffNeverStrikes) {
  world_config config;
  config.swarm = true;
  std::set<std::string> mixes;
  std::size_t runs_with_faults = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    world w(seed, config);
    ASSERT_NE(w.swarm(), nullptr);
    const swarm_settings mix = *w.swarm();
    mixes.insert(mix.describe());
    {
      world again(seed, config);  // the draw is a function of the seed
      EXPECT_EQ(again.swarm()->describe(), mix.describe());
    }
    for (const char* n : {"a", "b", "c"}) w.host(n, []() -> task<> { co_await rt::sleep(1h); });
    w.client("clock", []() -> task<> { co_await rt::sleep(1s); });
    const fault_plan plan = plan_faults(w, three_host_plan());  // not optional: swarm decides anyway
    ASSERT_EQ(plan.faults.size(), 4u);
    for (const planned_fault& f : plan.faults) {
      const bool kind_on = f.what == planned_fault::kind::crash           ? mix.crashes
                           : f.what == planned_fault::kind::latency_spike ? mix.latency_spikes
                                                                          : mix.partitions;
      if (!kind_on) {
        EXPECT_FALSE(f.happens) << "seed " << seed << ": " << mix.describe();
      }
      runs_with_faults += f.happens ? 1 : 0;
    }
    apply(w, plan);
    EXPECT_TRUE(w.run().ok());
  }
  EXPECT_GT(mixes.size(), 20u);  // 2*2*2*3*2*3*3 = 432 mixes
  EXPECT_GT(runs_with_faults, 0u);
}

TEST(Swarm, TheDrawComesFirstAndOnlyUnderSwarm) {
  world plain(5);
  EXPECT_EQ(plain.swarm(), nullptr);
  EXPECT_TRUE(plain.choices().empty());
  world_config config;
  config.swarm = true;
  world swarmed(5, config);
  ASSERT_EQ(swarmed.choices().size(), 7u);  // partitions, crashes, spikes, chance, quirks, loss, duplication
  for (const choice& c : swarmed.choices()) EXPECT_EQ(c.kind, choice_kind::fault);
  const std::string text = swarmed.swarm()->describe();
  EXPECT_NE(text.find("partitions o"), std::string::npos) << text;
  EXPECT_NE(text.find(" in 4; os quirks o"), std::string::npos) << text;
  EXPECT_NE(text.find("datagram loss "), std::string::npos) << text;
}

TEST(Swarm, AllQuietIsTheZeroDraw) {
  const swarm_settings quiet = draw_swarm([](std::uint64_t) { return 0; });
  EXPECT_FALSE(quiet.partitions);
  EXPECT_FALSE(quiet.crashes);
  EXPECT_FALSE(quiet.latency_spikes);
  EXPECT_EQ(quiet.chance, 1u);
  EXPECT_FALSE(quiet.os_quirks);
  EXPECT_EQ(quiet.loss_per_million, 0u);
  EXPECT_EQ(quiet.duplicate_per_million, 0u);
  EXPECT_EQ(quiet.describe(),
            "partitions off, crashes off, latency spikes off; each planned fault 1 in 4; os quirks off; "
            "datagram loss none, duplication none");
  const swarm_settings loud = draw_swarm([](std::uint64_t n) { return n - 1; });
  EXPECT_EQ(loud.describe(),
            "partitions on, crashes on, latency spikes on; each planned fault 3 in 4; os quirks on; "
            "datagram loss 10%, duplication 10%");
}

TEST(FaultPlan, OptionalFaultsAreSwitchedOffByTheirFirstChoiceAndCounted) {
  fault_plan_config fc = three_host_plan();
  fc.optional = true;
  std::size_t off = 0;
  std::size_t on = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    world w(seed);
    for (const char* n : {"a", "b", "c"}) w.host(n, []() -> task<> { co_await rt::sleep(1h); });
    w.client("clock", []() -> task<> { co_await rt::sleep(1s); });
    const fault_plan plan = plan_faults(w, fc);
    // Whether or not a fault happens, its details are drawn: every plan
    // makes the same number of choices (a switched-off fault moves none).
    ASSERT_EQ(plan.faults.size(), 4u);
    std::size_t happening = 0;
    for (const planned_fault& f : plan.faults) happening += f.happens ? 1 : 0;
    off += plan.faults.size() - happening;
    on += happening;
    const std::string text = plan.describe(w);
    EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), happening) << text;
    apply(w, plan);
    EXPECT_TRUE(w.run().ok());
    EXPECT_EQ(w.faults(), happening) << "seed " << seed << ": " << text;  // each one struck, once
  }
  EXPECT_GT(off, 10u);  // about 1 in 4 of 160
  EXPECT_GT(on, 3 * off / 2);
}


// ---- determinism ----

// Three hosts on multi_thread runtimes with 2 simulated workers each: a
// ring of TCP echoes, UDP chatter, timers, and a partition that heals.
scenario ring_scenario() {
  scenario s;
  s.name = "ring";
  s.config.workers = 2;
  s.setup = [](world& w) {
    w.host("a", [] { return echo_server(7000); });
    w.host("b", [] { return echo_server(7000); });
    w.client("c", []() -> task<> {
      auto udp = net::udp_socket::bind("0.0.0.0:0").value();
      for (const char* peer : {"a", "b"}) {
        auto conn = (co_await connect_to(peer, 7000)).value();
        for (int i = 0; i < 3; ++i) {
          EXPECT_EQ(co_await echo_once(conn, "m" + std::to_string(i)), "m" + std::to_string(i));
          auto to = (co_await net::lookup(peer, 5000)).value().front();
          (void)co_await udp.send_to(bytes_of("noise"), to);
          co_await rt::sleep(std::chrono::milliseconds(1 + random(5)));
        }
      }
    });
    w.at(2ms, [&w] { w.partition_both(w.id_of("a"), w.id_of("c")); });
    w.at(9ms, [&w] { w.heal_all(); });
  };
  return s;
}

TEST(Determinism, SweepOf200SeedsTwiceGivesIdenticalTraces) {
  const scenario s = ring_scenario();
  std::size_t distinct = 0;
  std::uint64_t previous = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const seed_result one = run_seed(s, seed);
    const seed_result two = run_seed(s, seed);
    ASSERT_TRUE(one.report.ok()) << format_seed(seed) << ": " << one.report.message;
    ASSERT_EQ(one.trace_hash, two.trace_hash) << "seed " << format_seed(seed);
    ASSERT_EQ(one.choices, two.choices);
    distinct += one.trace_hash != previous ? 1 : 0;
    previous = one.trace_hash;
  }
  EXPECT_GT(distinct, 150u);  // the seeds really do explore different runs
}

TEST(Determinism, CheckModeFindsNoDivergence) {
  EXPECT_FALSE(check_determinism(ring_scenario(), 42).has_value());
}

TEST(Determinism, FirstDivergenceNamesTheEventAndBothVersions) {
  std::vector<trace::event> a(3), b(3);
  for (std::size_t i = 0; i < 3; ++i) a[i].seq = b[i].seq = i;
  b[2].task = 9;
  b[2].time_ns = 1'500'000;
  const auto d = first_divergence(a, b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 2u);
  const std::string text = d->describe();
  EXPECT_NE(text.find("first difference at event 2"), std::string::npos) << text;
  EXPECT_NE(text.find("\"task\":9"), std::string::npos) << text;
  a.pop_back();
  EXPECT_NE(first_divergence(a, b)->describe().find("(trace ended)"), std::string::npos);
}

TEST(Determinism, SeedsParseAndFormat) {
  EXPECT_EQ(format_seed(42), "0x2a");
  EXPECT_EQ(parse_seed("0x2a"), 42u);
  EXPECT_EQ(parse_seed("42"), 42u);
  EXPECT_FALSE(parse_seed("0xzz"));
  EXPECT_FALSE(parse_seed("-1"));
  EXPECT_FALSE(parse_seed(""));
}

}  // namespace
}  // namespace weft::sim
