// Real sockets on loopback: TCP and UDP, and every way a connection fails
// (refused, reset, half-closed, address in use). Errors come back as values
// naming the operation and the address; nothing throws or aborts.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace weft::net {
namespace {

using namespace std::chrono_literals;
using rt::task;

rt::runtime make() { return rt::builder::multi_thread().worker_threads(2).build(); }

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }
std::string text_of(std::span<const std::byte> b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

task<> echo_once(tcp_listener* listener) {
  auto [conn, peer] = (co_await listener->accept()).value();
  std::array<std::byte, 1024> buf;
  for (;;) {
    auto n = co_await conn.read(buf);
    if (!n || *n == 0) break;
    if (!co_await conn.write_all(std::span(buf.data(), *n))) break;
  }
}

TEST(Tcp, EchoOverLoopback) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    EXPECT_NE(listener.local_addr().port(), 0);
    auto server = rt::spawn(echo_once(&listener));
    auto stream = (co_await tcp_stream::connect(listener.local_addr())).value();
    EXPECT_EQ(stream.peer_addr(), listener.local_addr());
    EXPECT_TRUE(stream.set_nodelay(true));
    const std::string msg = "hello, weft";
    EXPECT_TRUE(co_await stream.write_all(bytes_of(msg)));
    std::string back(msg.size(), '\0');
    EXPECT_TRUE(co_await stream.read_exact(std::as_writable_bytes(std::span(back.data(), back.size()))));
    EXPECT_TRUE(stream.shutdown());
    co_await server;
    co_return back;
  };
  EXPECT_EQ(rt.block_on(root()), "hello, weft");
}

TEST(Tcp, ManyConcurrentConnections) {
  rt::runtime rt = make();
  auto root = []() -> task<int> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    const socket_addr addr = listener.local_addr();
    constexpr int clients = 50;
    auto server = rt::spawn([](tcp_listener* l) -> task<> {
      std::vector<rt::join_handle<void>> conns;
      for (int i = 0; i < clients; ++i) {
        auto [c, peer] = (co_await l->accept()).value();
        conns.push_back(rt::spawn([](tcp_stream s) -> task<> {
          std::array<std::byte, 64> buf;
          auto n = co_await s.read(buf);
          if (n && *n > 0) (void)co_await s.write_all(std::span(buf.data(), *n));
        }(std::move(c))));
      }
      for (auto& h : conns) co_await h;
    }(&listener));
    std::vector<task<bool>> ts;
    for (int i = 0; i < clients; ++i) {
      ts.push_back([](socket_addr a, int id) -> task<bool> {
        auto s = (co_await tcp_stream::connect(a)).value();
        const std::string msg = "client " + std::to_string(id);
        (void)co_await s.write_all(bytes_of(msg));
        std::string back(msg.size(), '\0');
        auto r = co_await s.read_exact(std::as_writable_bytes(std::span(back.data(), back.size())));
        co_return r && back == msg;
      }(addr, i));
    }
    int ok = 0;
    for (bool b : co_await rt::join_all(std::move(ts))) ok += b ? 1 : 0;
    co_await server;
    co_return ok;
  };
  EXPECT_EQ(rt.block_on(root()), 50);
}

TEST(Tcp, ConnectionRefusedNamesTheAddress) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    // A port just closed is free, but a test running in parallel may bind
    // it before we connect: then take another.
    for (int attempt = 0;; ++attempt) {
      socket_addr dead;
      {
        auto l = tcp_listener::bind("127.0.0.1:0").value();
        dead = l.local_addr();
      }  // closed: nobody listens there now
      auto r = co_await tcp_stream::connect(dead);
      if (r && attempt < 4) continue;
      EXPECT_FALSE(r);
      if (r) co_return std::string("connected to ") + dead.to_string();
      EXPECT_EQ(r.error().code(), std::errc::connection_refused);
      EXPECT_EQ(r.error().operation(), "connect");
      EXPECT_EQ(r.error().address(), dead.to_string());
      co_return r.error().what();
    }
  };
  const std::string what = rt.block_on(root());
  EXPECT_NE(what.find("connect 127.0.0.1:"), std::string::npos) << what;
}

TEST(Tcp, AddressInUse) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    auto first = tcp_listener::bind("127.0.0.1:0").value();
    auto second = tcp_listener::bind(first.local_addr());
    EXPECT_FALSE(second);
    EXPECT_EQ(second.error().code(), std::errc::address_in_use);
    co_return second.error().what();
  };
  const std::string what = rt.block_on(root());
  EXPECT_NE(what.find("bind 127.0.0.1:"), std::string::npos) << what;
}

TEST(Tcp, PeerResetIsAnErrorNotACrash) {
  rt::runtime rt = make();
  auto root = []() -> task<bool> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    auto client = (co_await tcp_stream::connect(listener.local_addr())).value();
    {
      auto [conn, peer] = (co_await listener.accept()).value();
      (void)co_await client.write_all(bytes_of("unread data"));
      co_await rt::sleep(20ms);
    }  // closed with unread data: the kernel resets the connection
    co_await rt::sleep(20ms);
    std::array<std::byte, 16> buf;
    auto r = co_await client.read(buf);
    const bool reset = !r && r.error().code() == std::errc::connection_reset;
    // Writing now fails too (EPIPE or reset), and must not raise SIGPIPE.
    bool write_failed = false;
    for (int i = 0; i < 5 && !write_failed; ++i) {
      write_failed = !(co_await client.write_all(bytes_of("more")));
    }
    co_return reset && write_failed;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Tcp, HalfCloseLetsThePeerFinishAndReply) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    auto server = rt::spawn([](tcp_listener* l) -> task<> {
      auto [c, peer] = (co_await l->accept()).value();
      std::string all;
      std::array<std::byte, 8> buf;
      for (;;) {  // read until the client's half-close
        auto n = (co_await c.read(buf)).value();
        if (n == 0) break;
        all += text_of(std::span(buf.data(), n));
      }
      (void)co_await c.write_all(bytes_of("got " + all));
    }(&listener));
    auto s = (co_await tcp_stream::connect(listener.local_addr())).value();
    (void)co_await s.write_all(bytes_of("request"));
    EXPECT_TRUE(s.shutdown());
    std::string reply;
    std::array<std::byte, 8> buf;
    for (;;) {
      auto n = (co_await s.read(buf)).value();
      if (n == 0) break;
      reply += text_of(std::span(buf.data(), n));
    }
    co_await server;
    co_return reply;
  };
  EXPECT_EQ(rt.block_on(root()), "got request");
}

TEST(Tcp, ReadExactReportsUnexpectedEnd) {
  rt::runtime rt = make();
  auto root = []() -> task<bool> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    auto server = rt::spawn([](tcp_listener* l) -> task<> {
      auto [c, peer] = (co_await l->accept()).value();
      (void)co_await c.write_all(bytes_of("abc"));
    }(&listener));  // then closes
    auto s = (co_await tcp_stream::connect(listener.local_addr())).value();
    std::array<std::byte, 10> buf;
    auto r = co_await s.read_exact(buf);
    co_await server;
    co_return !r && r.error().code() == make_error_code(errc::unexpected_eof);
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Tcp, TimedOutReadLeavesTheStreamUsable) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    auto listener = tcp_listener::bind("127.0.0.1:0").value();
    auto s = (co_await tcp_stream::connect(listener.local_addr())).value();
    auto [peer_side, from] = (co_await listener.accept()).value();
    std::array<std::byte, 16> buf;
    auto r = co_await rt::timeout(10ms, s.read(buf));
    EXPECT_TRUE(r.elapsed());
    (void)co_await peer_side.write_all(bytes_of("late"));
    auto n = (co_await s.read(buf)).value();
    co_return text_of(std::span(buf.data(), n));
  };
  EXPECT_EQ(rt.block_on(root()), "late");
}

TEST(Tcp, BadAddressStringsAreErrorsNotCrashes) {
  rt::runtime rt = make();
  auto root = []() -> task<int> {
    int errors = 0;
    for (const char* bad : {"", "localhost", "1.2.3.4", "1.2.3.4:99999", "[::1]", "300.1.1.1:80"}) {
      auto l = tcp_listener::bind(bad);
      auto c = co_await tcp_stream::connect(bad);
      if (!l && l.error().code() == make_error_code(errc::invalid_address)) ++errors;
      if (!c && c.error().code() == make_error_code(errc::invalid_address)) ++errors;
    }
    co_return errors;
  };
  EXPECT_EQ(rt.block_on(root()), 12);
}

TEST(Udp, SendToAndReceiveFrom) {
  rt::runtime rt = make();
  auto root = []() -> task<std::string> {
    auto a = udp_socket::bind("127.0.0.1:0").value();
    auto b = udp_socket::bind("127.0.0.1:0").value();
    EXPECT_TRUE(co_await a.send_to(bytes_of("ping"), b.local_addr()));
    std::array<std::byte, 64> buf;
    auto d = (co_await b.recv_from(buf)).value();
    EXPECT_EQ(d.from, a.local_addr());
    // Connected: send/recv with the fixed peer.
    EXPECT_TRUE(b.connect(a.local_addr()));
    EXPECT_TRUE(co_await b.send(bytes_of("pong")));
    auto n = (co_await a.recv(buf)).value();
    co_return text_of(std::span(buf.data(), d.size)) + "/" + text_of(std::span(buf.data(), n));
  };
  EXPECT_EQ(rt.block_on(root()), "pong/pong");
}

TEST(Lookup, LiteralsLocalhostAndUnknownHosts) {
  rt::runtime rt = make();
  auto root = []() -> task<bool> {
    auto lit = (co_await lookup("127.0.0.1", 80)).value();
    EXPECT_EQ(lit, (std::vector<socket_addr>{socket_addr(ip_addr::loopback_v4(), 80)}));
    auto local = co_await lookup("localhost", 8080);
    EXPECT_TRUE(local);
    bool has_loopback = false;
    if (local) {
      for (const auto& a : *local) has_loopback = has_loopback || (a.ip().is_loopback() && a.port() == 8080);
    }
    auto unknown = co_await lookup("no-such-host.invalid", 1);
    EXPECT_FALSE(unknown);
    if (!unknown) {
      EXPECT_NE(std::string(unknown.error().what()).find("lookup no-such-host.invalid:1"), std::string::npos);
    }
    co_return has_loopback;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Net, NetworkingWithIoDisabledFailsClearly) {
  rt::runtime rt = rt::builder::multi_thread().worker_threads(1).enable_io(false).build();
  auto root = []() -> task<bool> {
    auto l = tcp_listener::bind("127.0.0.1:0");
    co_return !l && l.error().code() == make_error_code(errc::no_network);
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Net, SocketAddrParsing) {
  EXPECT_EQ(socket_addr::parse("10.1.2.3:80")->to_string(), "10.1.2.3:80");
  EXPECT_EQ(socket_addr::parse("[::1]:443")->to_string(), "[::1]:443");
  EXPECT_TRUE(socket_addr::parse("[::1]:443")->ip().is_loopback());
  EXPECT_FALSE(socket_addr::parse("10.1.2.3"));
  EXPECT_FALSE(socket_addr::parse("10.1.2.3:-1"));
  EXPECT_FALSE(socket_addr::parse("host:80"));
}

}  // namespace
}  // namespace weft::net
