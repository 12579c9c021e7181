#include "cli/seed_shrink.hpp"

#include "props/explore.hpp"
#include "sim/core/schedule.hpp"

namespace weft::cli {

std::optional<shrunk_run> shrink_failing_run(const sim::scenario& s, const std::vector<sim::choice>& choices,
                                             std::string& why) {
  props::explore_options o;
  o.name = s.name;
  o.strategy.which = props::strategy_spec::kind::replay;
  o.strategy.schedule = sim::encode_schedule(s.name, choices);
  o.iterations = 1;
  o.shrink = true;
  const props::explore_result r = props::explore(o, props::program(s));
  if (!r.failure || r.failure->kind == sim::outcome::mismatch) {
    why = r.failure ? r.failure->message : "the seed's schedule did not fail again when replayed";
    return std::nullopt;
  }
  const props::explore_failure& f = *r.failure;
  shrunk_run out;
  out.schedule = f.shrunk;
  out.story = f.story();
  out.runs = f.shrink_runs;
  out.seconds = std::chrono::duration<double>(f.shrink_time).count();
  out.message = f.message;
  out.events = f.world_trace;
  out.hash = f.trace_hash;
  return out;
}

}  // namespace weft::cli
