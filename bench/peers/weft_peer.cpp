// weft side of the peer benchmark. Prints one line per metric:
// `METRIC <value>` (ns per operation unless the name says otherwise). Same
// workloads, sizes and worker count (2) as bench/peers/tokio/src/main.rs;
// bench/peers/compare runs both and compares medians.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace {

using namespace weft;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ns_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
}

rt::task<> empty_task() { co_return; }

// 1M empty tasks spawned, then joined, timed inside a task on a worker.
rt::task<double> spawn_join(int n) {
  const auto start = clock_type::now();
  std::vector<rt::join_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(empty_task()));
  for (auto& h : hs) co_await h;
  co_return ns_since(start) / n;
}

rt::task<double> yield_loop(int n) {
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) co_await rt::yield_now();
  co_return ns_since(start) / n;
}

// Bounded(1024) channel, 10M u64, one producer task, one consumer task.
rt::task<double> mpsc_bench(std::uint64_t n) {
  auto [tx, rx] = rt::mpsc::bounded<std::uint64_t>(1024);
  const auto start = clock_type::now();
  auto producer = rt::spawn([](rt::mpsc::sender<std::uint64_t> s, std::uint64_t count) -> rt::task<> {
    for (std::uint64_t i = 0; i < count; ++i) (void)co_await s.send(i);
  }(std::move(tx), n));
  auto consumer = rt::spawn([](rt::mpsc::receiver<std::uint64_t> r) -> rt::task<std::uint64_t> {
    std::uint64_t sum = 0;
    while (auto v = co_await r.recv()) sum += *v;
    co_return sum;
  }(std::move(rx)));
  co_await producer;
  const std::uint64_t sum = co_await consumer;
  if (sum != n * (n - 1) / 2) std::fprintf(stderr, "weft_peer: mpsc lost messages\n");
  co_return ns_since(start) / static_cast<double>(n);
}

// Round trips: A hands B a oneshot sender over an unbounded channel and
// awaits the reply on the receiver.
rt::task<double> oneshot_pingpong(int n) {
  auto [tx, rx] = rt::mpsc::unbounded<rt::oneshot_sender<int>>();
  auto replier = rt::spawn([](rt::mpsc::receiver<rt::oneshot_sender<int>> r) -> rt::task<> {
    int i = 0;
    while (auto reply = co_await r.recv()) (void)reply->send(i++);
  }(std::move(rx)));
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    auto [otx, orx] = rt::oneshot<int>();
    (void)tx.send(std::move(otx));
    (void)co_await orx;
  }
  const double per = ns_since(start) / n;
  { auto done = std::move(tx); }
  co_await replier;
  co_return per;
}

// 100k round trips of 64 bytes over one loopback TCP connection.
rt::task<double> tcp_echo(int n) {
  auto listener = net::tcp_listener::bind("127.0.0.1:0").value();
  auto server = rt::spawn([](net::tcp_listener* l) -> rt::task<> {
    auto [c, peer] = (co_await l->accept()).value();
    (void)c.set_nodelay(true);
    std::array<std::byte, 64> buf;
    for (;;) {
      if (!co_await c.read_exact(buf)) break;
      if (!co_await c.write_all(buf)) break;
    }
  }(&listener));
  auto s = (co_await net::tcp_stream::connect(listener.local_addr())).value();
  (void)s.set_nodelay(true);
  std::array<std::byte, 64> buf{};
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    (void)co_await s.write_all(buf);
    (void)co_await s.read_exact(buf);
  }
  const double per = ns_since(start) / n;
  (void)s.shutdown();
  co_await server;
  co_return per;
}

// 100k tasks each sleeping 1-100 ms (same pseudo-random sequence as the
// Tokio side). Reports total time per task, and lateness p50 and p99.
struct timer_stats {
  double total_ns_per_task;
  double p50_late_ns;
  double p99_late_ns;
};
rt::task<timer_stats> timers(int n) {
  std::uint64_t x = 0x2545f4914f6cdd1dull;
  std::vector<rt::join_handle<double>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto ms = std::chrono::milliseconds(1 + (x >> 33) % 100);
    hs.push_back(rt::spawn([](std::chrono::milliseconds d) -> rt::task<double> {
      const auto deadline = rt::clock::now() + d;
      co_await rt::sleep_until(deadline);
      co_return std::chrono::duration<double, std::nano>(rt::clock::now() - deadline).count();
    }(ms)));
  }
  std::vector<double> late;
  late.reserve(hs.size());
  for (auto& h : hs) late.push_back(co_await h);
  const double total = ns_since(start);
  std::sort(late.begin(), late.end());
  co_return timer_stats{total / n, late[late.size() / 2], late[late.size() * 99 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
  rt::runtime runtime = rt::builder::multi_thread().worker_threads(2).build();
  for (int i = 1; i < argc; ++i) {
    const std::string w = argv[i];
    if (w == "spawn_join") {
      std::printf("spawn_join %.2f\n", runtime.block_on(spawn_join(1'000'000)));
    } else if (w == "yield") {
      std::printf("yield %.2f\n", runtime.block_on(yield_loop(1'000'000)));
    } else if (w == "mpsc") {
      std::printf("mpsc %.2f\n", runtime.block_on(mpsc_bench(10'000'000)));
    } else if (w == "oneshot_pingpong") {
      std::printf("oneshot_pingpong %.2f\n", runtime.block_on(oneshot_pingpong(1'000'000)));
    } else if (w == "tcp_echo") {
      std::printf("tcp_echo %.2f\n", runtime.block_on(tcp_echo(100'000)));
    } else if (w == "timers") {
      const timer_stats s = runtime.block_on(timers(100'000));
      std::printf("timers %.2f\ntimers_late_p50 %.2f\ntimers_late_p99 %.2f\n", s.total_ns_per_task,
                  s.p50_late_ns, s.p99_late_ns);
    } else {
      std::fprintf(stderr, "weft_peer: unknown workload '%s'\n", w.c_str());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
