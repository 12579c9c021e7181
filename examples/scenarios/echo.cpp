// echo: hello world over simulated TCP. A server echoes what it reads; a
// client sends a few greetings through a lossy-latency network and checks
// each comes back unchanged.
#include <string>

#include "examples/scenarios/framing.hpp"
#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"

namespace weft::examples {
namespace {

rt::task<> client_main() {
  auto conn = (co_await dial("server", 7000)).value();
  for (int i = 0; i < 5; ++i) {
    const std::string hello = "hello #" + std::to_string(i);
    (co_await send_msg(conn, hello)).value();
    const std::string back = (co_await recv_msg(conn)).value();
    if (back != hello) throw std::runtime_error("echo returned '" + back + "' for '" + hello + "'");
    co_await rt::sleep(std::chrono::milliseconds(1 + sim::random(10)));
  }
}

}  // namespace

sim::scenario echo_scenario() {
  sim::scenario s;
  s.name = "echo";
  s.kind = "scenario";
  s.description = "hello world over simulated TCP: a client's greetings echoed by a server";
  s.setup = [](sim::world& w) {
    w.host("server", [] { return echo_service(7000); });
    w.client("client", [] { return client_main(); });
  };
  return s;
}

}  // namespace weft::examples
