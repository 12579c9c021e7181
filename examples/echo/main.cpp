// A TCP echo server and a load-generating client, on the real runtime.
//
//   weft-echo server --listen 127.0.0.1:7000
//   weft-echo client --connect 127.0.0.1:7000 --connections 8 --messages 10000 --size 64
//   weft-echo demo                      # both, in one process, on a free port
//
// The client opens N connections; each sends M messages of S bytes, one at
// a time, and waits for each echo. It prints throughput and round-trip
// latency percentiles. Errors (refused, reset) are reported in one line,
// with exit status 1; bad arguments exit with status 2.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "runtime/runtime.hpp"

namespace {

using namespace weft;
using steady = std::chrono::steady_clock;

rt::task<> serve_connection(net::tcp_stream conn) {
  (void)conn.set_nodelay(true);
  std::vector<std::byte> buf(16 * 1024);
  for (;;) {
    auto n = co_await conn.read(buf);
    if (!n || *n == 0) co_return;
    if (!co_await conn.write_all(std::span(buf.data(), *n))) co_return;
  }
}

rt::task<int> serve(net::tcp_listener listener, long max_connections) {
  fmt::print("echo server listening on {}\n", listener.local_addr().to_string());
  std::fflush(stdout);
  for (long served = 0; max_connections < 0 || served < max_connections; ++served) {
    auto r = co_await listener.accept();
    if (!r) {
      fmt::print(stderr, "weft-echo: {}\n", r.error().what());
      co_return 1;
    }
    rt::spawn(serve_connection(std::move(r->first))).detach();
  }
  co_return 0;
}

struct client_stats {
  std::vector<double> rtt_us;
  std::string error;
};

rt::task<client_stats> one_client(net::socket_addr addr, long messages, std::size_t size) {
  client_stats out;
  auto conn = co_await net::tcp_stream::connect(addr);
  if (!conn) {
    out.error = conn.error().what();
    co_return out;
  }
  (void)conn->set_nodelay(true);
  std::vector<std::byte> msg(size, std::byte{0x2a});
  std::vector<std::byte> back(size);
  out.rtt_us.reserve(static_cast<std::size_t>(messages));
  for (long i = 0; i < messages; ++i) {
    const auto start = steady::now();
    if (auto w = co_await conn->write_all(msg); !w) {
      out.error = w.error().what();
      co_return out;
    }
    if (auto r = co_await conn->read_exact(back); !r) {
      out.error = r.error().what();
      co_return out;
    }
    out.rtt_us.push_back(std::chrono::duration<double, std::micro>(steady::now() - start).count());
  }
  co_return out;
}

rt::task<int> run_clients(net::socket_addr addr, int connections, long messages, std::size_t size) {
  const auto start = steady::now();
  std::vector<rt::task<client_stats>> clients;
  for (int i = 0; i < connections; ++i) clients.push_back(one_client(addr, messages, size));
  std::vector<client_stats> results = co_await rt::join_all(std::move(clients));
  const double secs = std::chrono::duration<double>(steady::now() - start).count();
  std::vector<double> all;
  for (const client_stats& c : results) {
    if (!c.error.empty()) {
      fmt::print(stderr, "weft-echo: {}\n", c.error);
      co_return 1;
    }
    all.insert(all.end(), c.rtt_us.begin(), c.rtt_us.end());
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) { return all.empty() ? 0.0 : all[static_cast<std::size_t>(p * (all.size() - 1))]; };
  fmt::print("{} connections x {} messages of {} bytes to {} in {:.3f} s\n", connections, messages, size,
             addr.to_string(), secs);
  fmt::print("  {:.0f} round trips/s, {:.1f} MB/s each way\n", all.size() / secs,
             static_cast<double>(all.size() * size) / secs / 1e6);
  fmt::print("  round trip p50 {:.1f} us, p99 {:.1f} us, max {:.1f} us\n", pct(0.5), pct(0.99),
             all.empty() ? 0.0 : all.back());
  co_return 0;
}

rt::task<int> demo(int connections, long messages, std::size_t size) {
  auto listener = net::tcp_listener::bind("127.0.0.1:0");
  if (!listener) {
    fmt::print(stderr, "weft-echo: {}\n", listener.error().what());
    co_return 1;
  }
  const net::socket_addr addr = listener->local_addr();
  auto server = rt::spawn(serve(std::move(*listener), connections));
  const int rc = co_await run_clients(addr, connections, messages, size);
  co_await server;
  co_return rc;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"TCP echo server and load generator on weft's real runtime"};
  app.require_subcommand(1);
  std::string listen = "127.0.0.1:7000";
  std::string connect = "127.0.0.1:7000";
  int connections = 8;
  long messages = 10000;
  std::size_t size = 64;
  std::size_t workers = 2;
  app.add_option("--workers", workers, "worker threads")->check(CLI::Range(1, 64));
  auto* server = app.add_subcommand("server", "run the echo server");
  server->add_option("--listen", listen, "address to listen on");
  auto* client = app.add_subcommand("client", "run the load generator against a server");
  client->add_option("--connect", connect, "server address");
  auto* demo_cmd = app.add_subcommand("demo", "run both on a free loopback port");
  for (auto* sub : {client, demo_cmd}) {
    sub->add_option("--connections", connections, "concurrent connections")->check(CLI::Range(1, 10000));
    sub->add_option("--messages", messages, "messages per connection")->check(CLI::Range(1L, 100000000L));
    sub->add_option("--size", size, "message size in bytes")->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  rt::runtime runtime = rt::builder::multi_thread().worker_threads(workers).build();
  if (server->parsed()) {
    const auto addr = net::socket_addr::parse(listen);
    if (!addr) {
      fmt::print(stderr, "weft-echo: --listen {}: not an address (expected a.b.c.d:port)\n", listen);
      return 2;
    }
    return runtime.block_on([](net::socket_addr a) -> rt::task<int> {
      auto l = net::tcp_listener::bind(a);
      if (!l) {
        fmt::print(stderr, "weft-echo: {}\n", l.error().what());
        co_return 1;
      }
      co_return co_await serve(std::move(*l), -1);
    }(*addr));
  }
  if (client->parsed()) {
    const auto addr = net::socket_addr::parse(connect);
    if (!addr) {
      fmt::print(stderr, "weft-echo: --connect {}: not an address (expected a.b.c.d:port)\n", connect);
      return 2;
    }
    return runtime.block_on(run_clients(*addr, connections, messages, size));
  }
  return runtime.block_on(demo(connections, messages, size));
}
