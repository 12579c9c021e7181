// fanout: the work-stealing scheduler at work. One host with a four-worker
// runtime whose threads are preempted at every operation; its main task
// spawns twelve tasks onto its own worker's queue, each yielding a few times
// and sleeping once, and joins them. Idle workers wake, search and steal
// half of the busy worker's queue: `weft viz --view workers` shows who ran
// what, the steals and the parks.
#include <chrono>
#include <stdexcept>
#include <vector>

#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"

namespace weft::examples {
namespace {

rt::task<int> piece(int i) {
  for (int k = 0; k < 3; ++k) co_await rt::yield_now();
  co_await rt::sleep(std::chrono::microseconds(100 * (1 + sim::random(5))));
  co_return i;
}

rt::task<> pool_main() {
  std::vector<rt::join_handle<int>> pieces;
  for (int i = 0; i < 12; ++i) pieces.push_back(rt::spawn(piece(i)));
  int sum = 0;
  for (auto& h : pieces) sum += co_await h;
  if (sum != 66) throw std::runtime_error("a piece was lost: sum " + std::to_string(sum));
}

}  // namespace

sim::scenario fanout_scenario() {
  sim::scenario s;
  s.name = "fanout";
  s.kind = "scenario";
  s.description = "twelve tasks on a four-worker runtime: idle workers search and steal";
  s.config.preemption = sim::granularity::every_operation;
  s.setup = [](sim::world& w) {
    sim::host_options o;
    o.workers = 4;
    w.host("pool", [] { return pool_main(); }, o);
  };
  return s;
}

}  // namespace weft::examples
