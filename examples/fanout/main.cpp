// Fan-out on the real multi_thread runtime, and what each worker did.
//
// A root task spawns `--tasks` children; each child spawns `--leaves`
// grandchildren and sums their results. The runtime's trace says which worker
// polled which task; the demo prints that per worker, with the steals and
// parks the metrics counted, so you can watch work stealing spread a burst
// of spawns from one worker over the others.
//
//   build/release/examples/weft-fanout --workers 4 --tasks 32 --leaves 4
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>
#include <set>
#include <vector>

#include "runtime/runtime.hpp"
#include "runtime/trace/memory_sink.hpp"

namespace {

using namespace weft;

rt::task<long> leaf(long x) {
  co_await rt::yield_now();  // give the scheduler a chance to move things around
  co_return x * x;
}

rt::task<long> child(long base, int leaves) {
  std::vector<rt::join_handle<long>> hs;
  for (int i = 0; i < leaves; ++i) hs.push_back(rt::spawn(leaf(base + i)));
  long sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

rt::task<long> root(int tasks, int leaves) {
  std::vector<rt::join_handle<long>> hs;
  for (int i = 0; i < tasks; ++i) hs.push_back(rt::spawn(child(long{i} * leaves, leaves)));
  long sum = 0;
  for (auto& h : hs) sum += co_await h;
  co_return sum;
}

std::string id_list(const std::set<std::uint64_t>& ids, std::size_t max_shown) {
  std::string out;
  std::size_t shown = 0;
  for (std::uint64_t id : ids) {
    if (shown == max_shown) {
      out += fmt::format(" ... (+{})", ids.size() - shown);
      break;
    }
    out += fmt::format("{}{}", shown == 0 ? "" : " ", id);
    ++shown;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weft fan-out demo: what each worker of a multi_thread runtime ran"};
  std::size_t workers = 4;
  int tasks = 32;
  int leaves = 4;
  app.add_option("--workers", workers, "worker threads")->check(CLI::Range(1, 64));
  app.add_option("--tasks", tasks, "children the root spawns")->check(CLI::Range(1, 100000));
  app.add_option("--leaves", leaves, "grandchildren per child")->check(CLI::Range(1, 1000));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  trace::memory_sink sink;
  long result = 0;
  rt::runtime_metrics m;
  {
    rt::runtime runtime = rt::builder::multi_thread().worker_threads(workers).trace(&sink).build();
    result = runtime.block_on(root(tasks, leaves));
    m = runtime.metrics();
  }

  long expected = 0;
  for (long x = 0; x < long{tasks} * leaves; ++x) expected += x * x;

  std::map<std::int32_t, std::set<std::uint64_t>> polled_by;
  std::uint64_t steals_traced = 0;
  for (const trace::event& e : sink.events()) {
    if (e.what == trace::kind::poll_start) polled_by[e.worker].insert(e.task);
    if (e.what == trace::kind::steal) ++steals_traced;
  }

  fmt::print("weft fan-out: 1 root -> {} children -> {} grandchildren each, on {} workers\n\n",
             tasks, leaves, workers);
  for (std::size_t w = 0; w < m.workers.size(); ++w) {
    const rt::worker_metrics& wm = m.workers[w];
    const auto& ids = polled_by[static_cast<std::int32_t>(w)];
    fmt::print("worker {}: {:>5} polls of {:>4} tasks, stole {:>4} tasks in {:>3} steals, parked {:>3} times\n",
               w, wm.polls, ids.size(), wm.steal_count, wm.steal_operations, wm.parks);
    fmt::print("          tasks: {}\n", id_list(ids, 16));
  }
  fmt::print("\n{} tasks spawned, {} polls, {} steals, {} trace events\n", m.spawned_tasks,
             m.total_polls(), steals_traced, sink.events().size());
  fmt::print("result {} (expected {}): {}\n", result, expected, result == expected ? "ok" : "WRONG");
  return result == expected ? 0 : 1;
}
