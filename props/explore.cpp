#include "props/explore.hpp"

#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "props/drivers.hpp"
#include "props/parse.hpp"
#include "props/schedule_file.hpp"
#include "props/shrink.hpp"
#include "sim/core/schedule.hpp"
#include "runtime/trace/jsonl.hpp"
#include "sim/world/scenario.hpp"

namespace weft::props {

namespace {

std::optional<std::string> env(const char* name) { return env_value(name); }

std::string plural(std::uint64_t n, std::string_view what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

std::string replace_placeholder(std::string text, const std::string& value) {
  const std::size_t at = text.find("{}");
  if (at == std::string::npos) return text + " " + value;
  return text.replace(at, 2, value);
}

struct found {
  execution run;
  std::string by;        // "pct:3 seed=0x1c"
  std::uint64_t at = 0;  // schedules checked until it
};

// A run's lists go back to the pool once the driver is done with them.
void recycle(execution& e, sim::run_pool& pool) {
  pool.give_back(std::move(e.choices));
  pool.give_back(sim::segment_log{std::move(e.segments), std::move(e.accesses), std::move(e.join_edges)});
}

// The search: one loop for every strategy. Fills the counts and the stop
// reason; returns the first failing run.
std::optional<found> search(driver& d, const explore_options& o, const program& body,
                            sim::run_pool& pool, explore_result& result) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  const auto elapsed = [&] { return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - started); };
  while (d.more()) {
    if (result.schedules >= o.iterations) return result.stopped = stop_reason::iterations, std::nullopt;
    if (result.executions > 0 && o.time && elapsed() >= *o.time) return result.stopped = stop_reason::time, std::nullopt;
    if (o.interrupt != nullptr && o.interrupt->load(std::memory_order_relaxed)) {
      return result.stopped = stop_reason::interrupted, std::nullopt;
    }
    execution e = execute(d.begin(), body, o, &pool);
    ++result.executions;
    result.trace_hash = e.trace_hash;  // kept only when replaying a world
    if (!d.end(e)) {
      recycle(e, pool);
      continue;
    }
    ++result.schedules;
    if (o.progress) o.progress(result.schedules, elapsed());
    if (!e.report.ok()) {
      result.stopped = stop_reason::failure;
      return found{std::move(e), d.last_run(), result.schedules};
    }
    recycle(e, pool);
  }
  result.exhausted = d.exhaustive();
  result.stopped = d.exhaustive() ? stop_reason::exhausted : stop_reason::replayed;
  return std::nullopt;
}

// The failure as reported: shrunk (unless asked not to), with its repro
// line and schedule file.
explore_failure describe_failure(const found& f, const explore_options& o, const program& body,
                                 sim::run_pool& pool) {
  explore_failure out;
  out.kind = f.run.report.result;
  out.message = f.run.report.message;
  out.blocked = f.run.report.blocked;
  out.iteration = f.at;
  out.found_by = f.by;
  out.schedule = sim::encode_schedule(o.name, f.run.choices);
  out.preemptions = f.run.preemptions;
  out.steps = f.run.report.steps;
  execution best = f.run;
  if (o.shrink && out.kind != sim::outcome::mismatch) {
    explore_options bounded = o;
    if (body.is_world()) {
      // A world run costs about a thousand runs of a check, and the edits
      // that would shorten its story most (fewer faults) are not among the
      // shrinker's yet: a smaller budget, and a step bound on each run.
      bounded.world_max_steps = 2 * f.run.report.steps + 10'000;
      bounded.shrink_runs = std::min<std::uint64_t>(o.shrink_runs, 300);
    }
    const auto t0 = std::chrono::steady_clock::now();
    shrink_result shrunk = shrink(f.run, body, bounded, pool);
    out.shrink_runs = shrunk.runs;
    out.shrink_time = std::chrono::steady_clock::now() - t0;
    // The shrunk schedule must replay strictly, the same way.
    sim::replay_source strict(shrunk.best.choices);
    if (same_failure(f.run.report, execute(strict, body, o, &pool).report)) best = std::move(shrunk.best);
  }
  out.shrunk = sim::encode_schedule(o.name, best.choices);
  out.shrunk_preemptions = best.preemptions;
  out.shrunk_steps = best.report.steps;
  out.faults = f.run.faults;
  out.shrunk_faults = best.faults;
  out.drops = f.run.drops;
  out.shrunk_drops = best.drops;
  out.swarm = best.swarm;
  if (best.report.result == out.kind) {
    out.message = best.report.message;  // the shrunk run's own words (step numbers fit its schedule)
    out.blocked = best.report.blocked;
  }
  out.repro_line = replace_placeholder(o.repro, out.shrunk);
  if (out.kind == sim::outcome::mismatch) return out;  // bad input: nothing to keep
  if (body.is_world()) {
    world_trace_result traced = write_world_trace(o, body, best.choices);
    out.trace_file = traced.file.path;
    out.trace_error = traced.file.error;
    out.trace_hash = traced.run.trace_hash;
    out.world_trace = std::move(traced.run.trace);
    return out;
  }
  const schedule_file_result file = write_schedule_file(o, body, out.shrunk, best.choices, pool);
  out.trace_file = file.path;
  out.trace_error = file.error;
  return out;
}

}  // namespace

std::optional<std::string> apply_explore_environment(explore_options& o) {
  if (const auto s = env("WEFT_STRATEGY")) {
    std::string error;
    const auto spec = parse_strategy(*s, error);
    if (!spec) return "WEFT_STRATEGY=" + *s + ": " + error;
    o.strategy = *spec;
  }
  if (const auto s = env("WEFT_ITERATIONS")) {
    const auto n = parse_count(*s);
    if (!n) return "WEFT_ITERATIONS=" + *s + ": expected a positive number of schedules";
    o.iterations = *n;
  }
  if (const auto s = env("WEFT_TIME_LIMIT")) {
    const auto t = parse_duration(*s);
    if (!t || t->count() <= 0) return "WEFT_TIME_LIMIT=" + *s + ": not a duration (use 500ms, 30s, 5m or 1h)";
    o.time = *t;
  }
  if (const auto s = env("WEFT_MEMORY")) {
    if (*s != "weak" && *s != "sc") return "WEFT_MEMORY=" + *s + ": expected weak or sc";
    o.weak_memory = *s == "weak";
  }
  if (const auto s = env("WEFT_SCHEDULE")) {
    o.strategy.which = strategy_spec::kind::replay;
    o.strategy.schedule = *s;
  }
  return std::nullopt;
}

namespace {

// One run of a world scenario: a fresh world on the strategy's choices,
// at the scenario's own granularity and step bound.
execution execute_world(counting_source& counting, const sim::scenario& s, const explore_options& options) {
  sim::world_config config = s.config;
  config.trace = options.world_trace;
  if (options.world_max_steps > 0) config.max_steps = std::min(config.max_steps, options.world_max_steps);
  execution e;
  {
    sim::world w(counting, config);
    s.setup(w);
    e.report = w.run();
    e.threads = w.exec().thread_count();
    e.faults = w.faults();
    e.drops = w.net().datagrams_lost() + w.net().datagrams_duplicated();
    if (w.swarm() != nullptr) e.swarm = w.swarm()->describe();
    if (options.world_trace) {
      e.trace = w.trace();
      e.trace_hash = trace::trace_hash(e.trace);
    }
  }
  e.choices = counting.take_recorded();
  e.preemptions = counting.preemptions();
  e.thread_choices = counting.thread_choices();
  return e;
}

}  // namespace

execution execute(sim::decision_source& source, const program& body, const explore_options& options,
                  sim::run_pool* pool, std::function<void(std::uint32_t thread, std::string)> op_log) {
  counting_source counting(source, pool != nullptr ? pool->take_choices() : std::vector<sim::choice>{});
  if (body.is_world()) return execute_world(counting, body.world(), options);
  sim::executor_options eo;
  eo.preemption = sim::granularity::every_operation;
  eo.stack_size = options.stack_size;
  eo.max_steps = options.max_steps;
  eo.detect_races = options.detect_races;
  eo.detect_leaks = options.detect_leaks;
  eo.weak_memory = options.weak_memory.value_or(body.weak_memory());
  eo.store_history = options.store_history;
  eo.defects = body.defects();
  eo.memory_observer = options.memory_observer;
  eo.pool = pool;
  eo.op_log = std::move(op_log);
  eo.record_segments = source.wants_segments();
  execution e;
  {
    sim::executor ex(counting, eo);
    ex.spawn("main", body.body());
    e.report = ex.run();
    e.threads = ex.thread_count();
    if (eo.record_segments) {
      e.segments = ex.take_segments();
      e.accesses = ex.take_accesses();
      e.join_edges = ex.take_join_edges();
    }
  }
  e.choices = counting.take_recorded();
  e.preemptions = counting.preemptions();
  e.thread_choices = counting.thread_choices();
  return e;
}

explore_result explore(const explore_options& o, const program& body) {
  const auto started = std::chrono::steady_clock::now();
  explore_result result;
  result.strategy = o.strategy.text();
  result.iteration_limit = o.iterations;
  result.time_limit = o.time;
  const std::unique_ptr<driver> d = make_driver(o, result.error);
  if (d == nullptr) return result;
  sim::run_pool pool(o.stack_size);
  result.world = body.is_world();
  explore_options run_options = o;
  // Replaying a world keeps its trace: the trace hash is what tells that
  // the replay was exact.
  run_options.world_trace = body.is_world() && o.strategy.which == strategy_spec::kind::replay;
  const std::optional<found> f = search(*d, run_options, body, pool, result);
  result.redundant = d->redundant_runs();
  if (f) result.failure = describe_failure(*f, o, body, pool);
  result.elapsed = std::chrono::steady_clock::now() - started;
  return result;
}

namespace {

// Why a clean exploration stopped, as the end of its "ok" line.
std::string why_it_stopped(const explore_result& r) {
  const bool dfs = r.strategy.starts_with("dfs:") || r.strategy == "dpor";
  const std::string not_exhausted = dfs ? "; the bound is NOT exhausted" : "";
  switch (r.stopped) {
    case stop_reason::exhausted:
      return r.strategy == "dpor" ? ", exhausted: every class of equivalent schedules was checked"
                                  : ", exhausted: every schedule within the bound was checked";
    case stop_reason::iterations:
      return fmt::format("; stopped at the iteration limit ({}){}", r.iteration_limit, not_exhausted);
    case stop_reason::time:
      return fmt::format("; stopped when the time budget ({:.3g} s) ran out{}",
                         std::chrono::duration<double>(r.time_limit.value_or(std::chrono::nanoseconds(0))).count(),
                         not_exhausted);
    case stop_reason::interrupted:
      return "; interrupted" + not_exhausted;
    case stop_reason::replayed:
    case stop_reason::failure:
    case stop_reason::bad_input:
      return {};
  }
  return {};
}

}  // namespace

std::string explore_failure::story() const {
  const auto part = [](std::size_t f, std::size_t d, unsigned p, std::uint64_t n) {
    return plural(f, "fault") + ", " + plural(d, "drop") + ", " + plural(p, "preemption") + ", " +
           std::to_string(n) + " steps";
  };
  return part(faults, drops, preemptions, steps) + " -> " +
         part(shrunk_faults, shrunk_drops, shrunk_preemptions, shrunk_steps);
}

std::string explore_result::summary() const {
  std::ostringstream out;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (!error.empty()) {
    out << "weft: " << error << '\n';
    return out.str();
  }
  if (!failure) {
    // Said once, in order: what was checked, how long it took, why it stopped.
    const std::string why = why_it_stopped(*this);
    const bool exhausted_note = stopped == stop_reason::exhausted;
    out << "weft: ok — " << plural(schedules, "schedule") << " (" << strategy << ")" << (exhausted_note ? why : "")
        << fmt::format(" in {:.2f} s", seconds) << (exhausted_note ? "" : why) << '\n';
    return out.str();
  }
  const explore_failure& f = *failure;
  out << "weft: FOUND " << sim::outcome_name(f.kind) << " after " << plural(f.iteration, "schedule") << " ("
      << f.found_by << ")\n";
  out << "  " << f.message << '\n';
  for (const std::string& b : f.blocked) out << "    " << b << '\n';
  if (!f.swarm.empty()) out << "  swarm:     " << f.swarm << '\n';
  const auto faults = [&](std::size_t n) { return world ? ", " + plural(n, "fault") : std::string(); };
  out << "  schedule:  " << f.schedule << "  (" << plural(f.preemptions, "preemption") << faults(f.faults) << ", "
      << f.steps << " steps)\n";
  out << "  shrunk:    " << f.shrunk << "  (" << plural(f.shrunk_preemptions, "preemption") << faults(f.shrunk_faults)
      << ", " << f.shrunk_steps << " steps, " << f.shrink_runs << " shrink runs)\n";
  if (world) out << "  story:     " << f.story() << fmt::format(" ({} shrink runs in {:.1f} s)\n", f.shrink_runs,
                                                               std::chrono::duration<double>(f.shrink_time).count());
  out << "  reproduce: " << f.repro_line << '\n';
  if (world) out << "  trace hash " << sim::format_seed(f.trace_hash) << " (the shrunk run's; replay prints it again)\n";
  if (!f.trace_file.empty()) out << "  trace:     " << f.trace_file << '\n';
  if (!f.trace_error.empty()) out << "  trace:     not written: " << f.trace_error << '\n';
  return out.str();
}

}  // namespace weft::props
