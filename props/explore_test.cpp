#include "props/explore_test.hpp"

#include <cstdio>

#include "props/test_command.hpp"
#include "sim/core/schedule.hpp"

namespace weft::props {

void run_explore_test(const char* suite, const char* name, void (*body)(), explore_options options,
                      const char* file, int line) {
  const std::string test_name = std::string(suite) + "." + name;
  options.name = test_name;
  if (options.trace_dir.empty()) options.trace_dir = test_output_dir();
  if (const auto bad = apply_explore_environment(options)) {
    ADD_FAILURE_AT(file, line) << "weft: " << *bad;
    return;
  }
  options.repro = "WEFT_SCHEDULE={} " + this_test_command(test_name);
  if (options.strategy.which == strategy_spec::kind::replay) {
    const sim::parsed_schedule parsed = sim::decode_schedule(options.strategy.schedule);
    if (parsed && parsed.value->name != test_name) {
      GTEST_SKIP() << "WEFT_SCHEDULE replays '" << parsed.value->name << "', not this test";
    }
    options.shrink = false;  // replay exactly what was asked for
  }
  const explore_result r = explore(options, [body] { body(); });
  if (!r.error.empty()) {
    ADD_FAILURE_AT(file, line) << "weft: WEFT_SCHEDULE: " << r.error;
  } else if (r.failure && r.failure->kind == sim::outcome::mismatch) {
    ADD_FAILURE_AT(file, line) << "weft: WEFT_SCHEDULE: " << r.failure->message
                  << " (the test changed since the schedule was recorded)";
  } else if (r.failure) {
    ADD_FAILURE_AT(file, line) << r.summary();
  } else {
    std::fputs(r.summary().c_str(), stdout);  // what was covered: "weft: ok — 10000 schedules ..."
  }
}

}  // namespace weft::props
