// reactor-bug-*: the runtime's own reactor core with one deliberate defect
// (runtime/sys/defect.hpp) switched on, under echo traffic that makes its
// races likely: four connections each echo 32 messages of up to 500 bytes
// (one segment each) through a 4 KiB window, on hosts of two workers
// preempted at every operation, with the simulated kernel's quirks on and
// readiness events running ahead of the data half of the time. A lost
// readiness event shows up as a connection that stalls: the client gives
// each echo 2 s of virtual time (the network's latency is at most 2 ms).
// reactor-echo is the same workload on the correct core: the twin that
// must stay clean.
#include <stdexcept>
#include <string>
#include <vector>

#include "examples/scenarios/framing.hpp"
#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"
#include "runtime/sys/defect.hpp"
#include "runtime/time/timeout.hpp"

namespace weft::examples {
namespace {

constexpr int connections = 4;
constexpr int messages = 32;
constexpr std::size_t largest = 500;  // bytes: every frame is one segment

std::string payload(int conn, int i) {
  const std::size_t size = 1 + sim::random(largest);
  std::string s(size, '\0');
  for (std::size_t k = 0; k < size; ++k) s[k] = static_cast<char>('a' + (k + conn * 7 + i) % 26);
  return s;
}

rt::task<> talk(int conn) {
  auto c = (co_await rt::timeout(std::chrono::seconds(2), dial("server", 7100))).value().value();
  for (int i = 0; i < messages; ++i) {
    const std::string msg = payload(conn, i);
    auto back = co_await rt::timeout(std::chrono::seconds(2), [&]() -> rt::task<net::io_result<std::string>> {
      if (auto sent = co_await send_msg(c, msg); !sent) co_return rt::unexpected(std::move(sent).error());
      co_return co_await recv_msg(c);
    }());
    if (!back) {
      throw std::runtime_error("connection " + std::to_string(conn) + " stalled: no echo of message " +
                               std::to_string(i) + " (" + std::to_string(msg.size()) +
                               " bytes) within 2 s of virtual time");
    }
    const std::string& got = back.value().value();
    if (got != msg) {
      std::size_t at = 0;
      while (at < got.size() && at < msg.size() && got[at] == msg[at]) ++at;
      throw std::runtime_error("connection " + std::to_string(conn) + " echoed other bytes for message " +
                               std::to_string(i) + ": " + std::to_string(got.size()) + " bytes back for " +
                               std::to_string(msg.size()) + ", first difference at byte " + std::to_string(at));
    }
  }
}

rt::task<> client_main() {
  std::vector<rt::join_handle<void>> all;
  for (int conn = 0; conn < connections; ++conn) all.push_back(rt::spawn(talk(conn)));
  for (auto& h : all) co_await h;
}

sim::scenario reactor_scenario(std::string name, std::string kind, std::string description,
                               std::uint32_t defects) {
  sim::scenario s;
  s.name = std::move(name);
  s.kind = std::move(kind);
  s.description = std::move(description);
  s.config.workers = 2;
  s.config.preemption = sim::granularity::every_operation;
  s.config.net.window_bytes = 4096;
  s.config.net.segment_bytes = 536;
  s.config.defects = defects;
  // Readiness often runs ahead of the data: half of the data calls answer
  // EAGAIN first and the data shows up with a second event, so each
  // message opens the races a lost event needs.
  s.config.net.quirks.eagain_per_million = 500'000;
  s.setup = [](sim::world& w) {
    w.host("server", [] { return echo_service(7100); });
    w.client("client", [] { return client_main(); });
  };
  return s;
}

}  // namespace

std::vector<sim::scenario> reactor_scenarios() {
  using sys::defect;
  using sys::defect_bit;
  return {
      reactor_scenario("reactor-bug-clear-ignores-tick", "bug",
                       "the reactor clears readiness after a would-block without checking that no event "
                       "arrived since: that event is lost and a connection stalls",
                       defect_bit(defect::reactor_clear_ignores_tick)),
      reactor_scenario("reactor-bug-unchecked-waker", "bug",
                       "the reactor stores a task's waker without looking at the readiness again: an event "
                       "dispatched in between wakes nobody",
                       defect_bit(defect::reactor_unchecked_waker)),
      reactor_scenario("reactor-bug-wake-before-set", "bug",
                       "the reactor's driver wakes the waiting task before publishing the readiness it will "
                       "look for: the task polls too early and waits for good",
                       defect_bit(defect::reactor_wake_before_set)),
      reactor_scenario("reactor-echo", "fixed",
                       "the reactor-bug-* workload on the correct reactor core: no event is ever lost", 0),
  };
}

}  // namespace weft::examples
