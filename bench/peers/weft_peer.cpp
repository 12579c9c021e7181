// weft side of the peer benchmark. Prints one line per workload:
// `WORKLOAD <ns per op>`. Same workloads, sizes and worker count as
// bench/peers/tokio/src/main.rs; bench/peers/compare runs both.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/runtime.hpp"

namespace {

using namespace weft;
using clock_type = std::chrono::steady_clock;

rt::task<> empty_task() { co_return; }

// Timed inside a task on a worker, as on the Tokio side.
rt::task<double> spawn_join(int n) {
  const auto start = clock_type::now();
  std::vector<rt::join_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(empty_task()));
  for (auto& h : hs) co_await h;
  const auto elapsed = std::chrono::duration<double, std::nano>(clock_type::now() - start);
  co_return elapsed.count() / n;
}

rt::task<double> yield_loop(int n) {
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) co_await rt::yield_now();
  const auto elapsed = std::chrono::duration<double, std::nano>(clock_type::now() - start);
  co_return elapsed.count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  rt::runtime runtime = rt::builder::multi_thread().worker_threads(2).build();
  for (int i = 1; i < argc; ++i) {
    const std::string w = argv[i];
    double ns = 0;
    if (w == "spawn_join") {
      ns = runtime.block_on(spawn_join(1000000));
    } else if (w == "yield") {
      ns = runtime.block_on(yield_loop(1000000));
    } else {
      std::fprintf(stderr, "weft_peer: unknown workload '%s'\n", w.c_str());
      return 2;
    }
    std::printf("%s %.2f\n", w.c_str(), ns);
  }
  return 0;
}
