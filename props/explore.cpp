#include "props/explore.hpp"

#include <algorithm>
#include <array>
#include <tuple>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

#include "props/parse.hpp"
#include "sim/core/schedule.hpp"
#include "sim/world/scenario.hpp"

namespace weft::props {

namespace {

std::optional<std::string> env(const char* name) { return env_value(name); }

std::string plural(std::uint64_t n, std::string_view what) {
  return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

std::string hex(std::uint64_t v) { return fmt::format("{:#x}", v); }

// Whether `b` fails the way `a` did.
bool same_failure(const sim::run_report& a, const sim::run_report& b) {
  if (a.result != b.result) return false;
  if (a.result == sim::outcome::assertion || a.result == sim::outcome::exception) return a.message == b.message;
  return true;
}

// Lexicographic: fewer preemptions, then fewer steps.
bool smaller(const execution& a, const execution& b) {
  return a.preemptions != b.preemptions ? a.preemptions < b.preemptions : a.report.steps < b.report.steps;
}

class shrinker {
 public:
  shrinker(const std::function<void()>& body, const explore_options& o, sim::stack_pool& stacks)
      : body_(body), options_(o), stacks_(stacks) {}

  execution run(const std::vector<sim::choice>& candidate) {
    ++runs_;
    lenient_source lenient(candidate);
    execution e = execute(lenient, body_, options_, &stacks_);
    e.preemptions = lenient.preemptions();
    e.preempted = lenient.preempted();
    return e;
  }

  // Tries a candidate; keeps it if it fails the same way and is smaller.
  bool attempt(execution& best, const std::vector<sim::choice>& candidate) {
    if (runs_ >= options_.shrink_runs) return false;
    execution e = run(candidate);
    if (!same_failure(best.report, e.report) || !smaller(e, best)) return false;
    best = std::move(e);
    return true;
  }

  execution shrink(execution best) {
    // Rebase on the lenient source's own view (it marks preemptions).
    {
      execution again = run(best.choices);
      if (same_failure(best.report, again.report)) best = std::move(again);
    }
    // 0. Fewer preemptions by search: iterative context bounding meets
    //    schedules in order of preemption count, so the first one below the
    //    found count that fails the same way has the fewest. Half the budget.
    if (best.preemptions > 0) {
      dfs_explorer dfs(best.preemptions - 1);
      const std::uint64_t budget = runs_ + options_.shrink_runs / 2;
      for (bool more = true; more && runs_ < budget;) {
        dfs.begin_run();
        execution e = execute(dfs, body_, options_, &stacks_);
        ++runs_;
        if (dfs.run_is_new() && same_failure(best.report, e.report) && e.preemptions < best.preemptions) {
          execution rebased = run(e.choices);  // mark its preemptions for the edits below
          if (same_failure(best.report, rebased.report)) {
            best = std::move(rebased);
            break;
          }
        }
        more = dfs.end_run();
      }
    }
    bool improved = true;
    while (improved && runs_ < options_.shrink_runs) {
      improved = false;
      // 1. Drop preemptions, latest first: each is replaced by letting the
      //    running thread go on.
      for (std::size_t i = best.choices.size(); i-- > 0 && runs_ < options_.shrink_runs;) {
        if (i >= best.choices.size() || !is_preempting(best, i)) continue;
        std::vector<sim::choice> c = best.choices;
        c[i].value = lenient_source::yield_current;
        if (attempt(best, c)) improved = true;
      }
      // 2. Cut the tail: everything after a point made non-preemptive.
      for (std::size_t keep = best.choices.size() / 2; keep > 0 && runs_ < options_.shrink_runs; keep /= 2) {
        std::vector<sim::choice> c(best.choices.begin(), best.choices.begin() + static_cast<std::ptrdiff_t>(keep));
        if (attempt(best, c)) improved = true;
      }
      // 3. Delete chunks (delta debugging), halving the chunk size.
      for (std::size_t size = std::max<std::size_t>(best.choices.size() / 2, 1); size >= 1 && runs_ < options_.shrink_runs;
           size /= 2) {
        for (std::size_t start = 0; start < best.choices.size() && runs_ < options_.shrink_runs;) {
          std::vector<sim::choice> c = best.choices;
          const std::size_t end = std::min(start + size, c.size());
          c.erase(c.begin() + static_cast<std::ptrdiff_t>(start), c.begin() + static_cast<std::ptrdiff_t>(end));
          if (attempt(best, c)) {
            improved = true;  // retry at the same start on the smaller sequence
          } else {
            start += size;
          }
        }
        if (size == 1) break;
      }
      // 4. Data choices to 0.
      for (std::size_t i = 0; i < best.choices.size() && runs_ < options_.shrink_runs; ++i) {
        if (best.choices[i].kind == sim::choice_kind::thread || best.choices[i].value == 0) continue;
        std::vector<sim::choice> c = best.choices;
        c[i].value = 0;
        if (attempt(best, c)) improved = true;
      }
    }
    return best;
  }

  std::uint64_t runs() const noexcept { return runs_; }

 private:
  static bool is_preempting(const execution& e, std::size_t i) {
    return i < e.preempted.size() && e.preempted[i];
  }

  const std::function<void()>& body_;
  const explore_options& options_;
  sim::stack_pool& stacks_;
  std::uint64_t runs_ = 0;
};

std::string write_trace(const explore_options& o, const std::function<void()>& body, const std::string& schedule,
                        const std::vector<sim::choice>& choices, sim::stack_pool& stacks) {
  if (o.trace_dir.empty()) return {};
  // Replays the schedule and names the thread each choice ran.
  struct naming_source final : sim::decision_source {
    explicit naming_source(std::vector<sim::choice> c) : inner(std::move(c)) {}
    std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override {
      const std::uint64_t v = inner.choose(options, kind);
      lines.push_back(fmt::format(R"({{"choice":{},"kind":"{}","value":{},"options":{}}})", choices++,
                                  sim::choice_kind_name(kind), v, options));
      return v;
    }
    sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override {
      const sim::thread_id t = inner.pick_thread(runnable, current);
      sim::executor* ex = sim::executor::current();
      const bool pre = current != sim::no_thread && t != current &&
                       std::find(runnable.begin(), runnable.end(), current) != runnable.end();
      std::string names;
      for (const sim::thread_id r : runnable) {
        if (!names.empty()) names += ',';
        names += fmt::format(R"("{}")", ex != nullptr ? ex->thread_name(r) : std::to_string(r));
      }
      lines.push_back(fmt::format(R"({{"choice":{},"kind":"thread","thread":{},"name":"{}","preemption":{},"runnable":[{}]}})",
                                  choices++, t, ex != nullptr ? ex->thread_name(t) : std::string(), pre, names));
      return t;
    }
    sim::replay_source inner;
    std::vector<std::string> lines;
    std::size_t choices = 0;
  };
  naming_source src(choices);
  auto json_string = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) < 0x20) continue;
      out += c;
    }
    return out;
  };
  // Each operation follows the thread pick that let it run.
  // (A thread can also run on without a pick, when it is the only one that
  // can: each operation names its thread.)
  const execution e = execute(src, body, o, &stacks, [&](std::uint32_t thread, std::string op) {
    sim::executor* ex = sim::executor::current();
    src.lines.push_back(fmt::format(R"({{"op":"{}","thread":{},"name":"{}"}})", json_string(op), thread,
                                    ex != nullptr ? json_string(ex->thread_name(thread)) : std::string()));
  });
  std::error_code ec;
  std::filesystem::create_directories(o.trace_dir, ec);
  std::string file_name = o.name.empty() ? "schedule" : o.name;
  std::replace(file_name.begin(), file_name.end(), '/', '_');
  // Never overwrite: NAME.schedule.jsonl, then NAME-1.schedule.jsonl, ...
  std::filesystem::path path = std::filesystem::path(o.trace_dir) / (file_name + ".schedule.jsonl");
  for (int i = 1; std::filesystem::exists(path); ++i) {
    path = std::filesystem::path(o.trace_dir) / (file_name + "-" + std::to_string(i) + ".schedule.jsonl");
  }
  std::ofstream out(path);
  if (!out) return {};
  out << fmt::format(R"({{"schedule":"{}","outcome":"{}","steps":{},"message":"{}"}})", schedule,
                     sim::outcome_name(e.report.result), e.report.steps, json_string(e.report.message))
      << '\n';
  for (const std::string& l : src.lines) out << l << '\n';
  return out ? path.string() : std::string();
}

std::string replace_placeholder(std::string text, const std::string& value) {
  const std::size_t at = text.find("{}");
  if (at == std::string::npos) return text + " " + value;
  return text.replace(at, 2, value);
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
  if (const auto s = env("WEFT_SCHEDULE")) {
    o.strategy.which = strategy_spec::kind::replay;
    o.strategy.schedule = *s;
  }
  return std::nullopt;
}

execution execute(sim::decision_source& source, const std::function<void()>& body, const explore_options& options,
                  sim::stack_pool* stacks, std::function<void(std::uint32_t thread, std::string)> op_log) {
  counting_source counting(source);
  sim::executor_options eo;
  eo.preemption = sim::granularity::every_operation;
  eo.stack_size = options.stack_size;
  eo.max_steps = options.max_steps;
  eo.detect_races = options.detect_races;
  eo.detect_leaks = options.detect_leaks;
  eo.stacks = stacks;
  eo.op_log = std::move(op_log);
  execution e;
  {
    sim::executor ex(counting, eo);
    ex.spawn("main", body);
    e.report = ex.run();
  }
  e.choices = counting.take_recorded();
  e.preemptions = counting.preemptions();
  e.thread_choices = counting.thread_choices();
  return e;
}

explore_result explore(const explore_options& o, const std::function<void()>& body) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  explore_result result;
  result.strategy = o.strategy.text();
  sim::stack_pool stacks(o.stack_size);
  const auto out_of_time = [&] { return o.time && clock::now() - started >= *o.time; };

  std::optional<execution> failing;
  std::string found_by;
  std::uint64_t found_at = 0;

  if (o.strategy.which == strategy_spec::kind::replay) {
    const sim::parsed_schedule parsed = sim::decode_schedule(o.strategy.schedule);
    if (!parsed) {
      result.error = parsed.error.message;
      return result;
    }
    if (!o.name.empty() && parsed.value->name != o.name) {
      result.error = "schedule is for '" + parsed.value->name + "', not '" + o.name + "'";
      return result;
    }
    sim::replay_source replay(parsed.value->choices);
    execution e = execute(replay, body, o, &stacks);
    result.schedules = result.executions = 1;
    if (e.report.ok() && !replay.exhausted()) {
      // The program finished with choices of the schedule left over: it is
      // not the program that schedule was recorded from.
      e.report.result = sim::outcome::mismatch;
      e.report.message = "schedule does not match this program: it ended at step " +
                         std::to_string(e.report.steps) + " with " +
                         std::to_string(parsed.value->choices.size() - replay.position()) + " of the schedule's " +
                         std::to_string(parsed.value->choices.size()) + " choices unused";
    }
    if (!e.report.ok()) {
      failing = std::move(e);
      found_by = "replay";
      found_at = 1;
    }
  } else if (o.strategy.which == strategy_spec::kind::dfs) {
    dfs_explorer dfs(o.strategy.depth);
    for (;;) {
      dfs.begin_run();
      execution e = execute(dfs, body, o, &stacks);
      ++result.executions;
      if (dfs.run_is_new()) {
        ++result.schedules;
        if (!e.report.ok()) {
          failing = std::move(e);
          found_by = o.strategy.text();
          found_at = result.schedules;
          break;
        }
      }
      if (!dfs.end_run()) {
        result.exhausted = true;
        break;
      }
      if (result.schedules >= o.iterations || out_of_time()) break;
    }
  } else {
    static constexpr std::array<std::pair<strategy_spec::kind, unsigned>, 4> rotation = {
        std::pair{strategy_spec::kind::random, 0u}, std::pair{strategy_spec::kind::pct, 2u},
        std::pair{strategy_spec::kind::pct, 3u}, std::pair{strategy_spec::kind::pct, 5u}};
    std::uint64_t expected_steps = 64;  // PCT's estimate of a run's length, learnt as runs go
    for (std::uint64_t i = 0; i < o.iterations; ++i) {
      if (i > 0 && out_of_time()) break;
      strategy_spec::kind k = o.strategy.which;
      unsigned depth = o.strategy.depth;
      if (k == strategy_spec::kind::portfolio) std::tie(k, depth) = rotation[i % rotation.size()];
      const std::uint64_t seed = o.seed + i;
      execution e;
      if (k == strategy_spec::kind::pct) {
        pct_source pct(seed, depth, expected_steps);
        e = execute(pct, body, o, &stacks);
      } else {
        sim::random_source random(seed);
        e = execute(random, body, o, &stacks);
      }
      expected_steps = std::max(expected_steps, e.thread_choices);
      ++result.schedules;
      ++result.executions;
      if (!e.report.ok()) {
        failing = std::move(e);
        found_by = (k == strategy_spec::kind::pct ? "pct:" + std::to_string(depth) : std::string("random")) +
                   " seed=" + hex(seed);
        found_at = result.schedules;
        break;
      }
    }
  }

  if (failing) {
    explore_failure f;
    f.kind = failing->report.result;
    f.message = failing->report.message;
    f.blocked = failing->report.blocked;
    f.iteration = found_at;
    f.found_by = found_by;
    f.schedule = sim::encode_schedule(o.name, failing->choices);
    f.preemptions = failing->preemptions;
    f.steps = failing->report.steps;
    execution best = *failing;
    if (o.shrink && f.kind != sim::outcome::mismatch) {
      shrinker s(body, o, stacks);
      execution shrunk = s.shrink(*failing);
      f.shrink_runs = s.runs();
      // The shrunk schedule must replay strictly, the same way.
      sim::replay_source strict(shrunk.choices);
      const execution check = execute(strict, body, o, &stacks);
      if (same_failure(failing->report, check.report)) best = std::move(shrunk);
    }
    f.shrunk = sim::encode_schedule(o.name, best.choices);
    f.shrunk_preemptions = best.preemptions;
    f.shrunk_steps = best.report.steps;
    if (best.report.result == f.kind) {
      f.message = best.report.message;  // the shrunk run's own words (step numbers fit its schedule)
      f.blocked = best.report.blocked;
    }
    f.repro_line = replace_placeholder(o.repro, f.shrunk);
    f.trace_file = write_trace(o, body, f.shrunk, best.choices, stacks);
    result.failure = std::move(f);
  }
  result.elapsed = clock::now() - started;
  return result;
}

std::string explore_result::summary() const {
  std::ostringstream out;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (!error.empty()) {
    out << "weft: " << error << '\n';
    return out.str();
  }
  if (!failure) {
    out << "weft: ok — " << schedules << " schedule" << (schedules == 1 ? "" : "s") << " (" << strategy << ")";
    if (exhausted) out << ", exhausted: every schedule within the bound was checked";
    out << fmt::format(" in {:.2f} s\n", seconds);
    return out.str();
  }
  const explore_failure& f = *failure;
  out << "weft: FOUND " << sim::outcome_name(f.kind) << " after " << f.iteration << " schedule"
      << (f.iteration == 1 ? "" : "s") << " (" << f.found_by << ")\n";
  out << "  " << f.message << '\n';
  for (const std::string& b : f.blocked) out << "    " << b << '\n';
  out << "  schedule:  " << f.schedule << "  (" << plural(f.preemptions, "preemption") << ", " << f.steps
      << " steps)\n";
  out << "  shrunk:    " << f.shrunk << "  (" << plural(f.shrunk_preemptions, "preemption") << ", " << f.shrunk_steps
      << " steps, " << f.shrink_runs << " shrink runs)\n";
  out << "  reproduce: " << f.repro_line << '\n';
  if (!f.trace_file.empty()) out << "  trace:     " << f.trace_file << '\n';
  return out.str();
}

}  // namespace weft::props
