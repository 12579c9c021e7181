// The runtime's own test suite, compiled against the sim flavour and run
// inside one deterministic world: every test body runs on a simulated
// thread, every runtime it builds runs its workers as simulated threads,
// every sleep is in virtual time, and the interleaving comes from the seed.
//
//   WEFT_SEED=0x2a build/release/tests/sim/weft_runtime_suite_in_sim
//
// Tests that need real OS threads (foreign wakers), real sockets or death
// tests (fork) are filtered out in CMakeLists.txt.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "sim/core/executor.hpp"
#include "sim/world/scenario.hpp"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  std::uint64_t seed = 1;
  if (const char* s = std::getenv("WEFT_SEED"); s != nullptr && *s != '\0') {
    const auto parsed = weft::sim::parse_seed(s);
    if (!parsed) {
      std::fprintf(stderr, "weft: WEFT_SEED=%s: not a seed (a decimal or 0x-hex 64-bit number)\n", s);
      return 2;
    }
    seed = *parsed;
  }
  weft::sim::random_source source(seed);
  weft::sim::executor_options opts;
  opts.preemption = weft::sim::granularity::every_operation;
  opts.max_steps = 300'000'000;
#if defined(__SANITIZE_ADDRESS__)
  opts.stack_size = 16 * 1024 * 1024;  // ASan's frames are large (deep await chains)
#else
  opts.stack_size = 1024 * 1024;
#endif
  weft::sim::executor ex(source, opts);
  int rc = 1;
  ex.spawn("gtest", [&rc] { rc = RUN_ALL_TESTS(); });
  const weft::sim::run_report r = ex.run();
  std::printf("weft: runtime suite in the simulator, seed=%s: %llu steps, virtual time %.3f s\n",
              weft::sim::format_seed(seed).c_str(), static_cast<unsigned long long>(r.steps),
              static_cast<double>(r.end_time_ns - opts.epoch_ns) / 1e9);
  if (!r.ok()) {
    std::printf("weft: FAILED seed=%s (%s): %s — reproduce: WEFT_SEED=%s %s\n",
                weft::sim::format_seed(seed).c_str(), std::string(weft::sim::outcome_name(r.result)).c_str(),
                r.message.c_str(), weft::sim::format_seed(seed).c_str(), argv[0]);
    for (const auto& line : r.blocked) std::printf("    %s\n", line.c_str());
    return 1;
  }
  return rc;
}
