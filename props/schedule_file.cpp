#include "props/schedule_file.hpp"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "props/strategy.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/trace/jsonl.hpp"
#include "runtime/trace/whole_file.hpp"
#include "sim/core/executor.hpp"

namespace weft::props {
namespace {

using json = nlohmann::ordered_json;

std::string thread_name(sim::thread_id t) {
  sim::executor* ex = sim::executor::current();
  return ex != nullptr ? ex->thread_name(t) : std::to_string(t);
}

// Replays a schedule and keeps one record per choice, naming threads.
class naming_source final : public sim::decision_source {
 public:
  explicit naming_source(std::vector<sim::choice> c) : inner_(std::move(c)) {}

  std::uint64_t choose(std::uint64_t options, sim::choice_kind kind) override {
    const std::uint64_t v = inner_.choose(options, kind);
    records.push_back(json{{"choice", choices_++}, {"kind", sim::choice_kind_name(kind)}, {"value", v},
                           {"options", options}});
    return v;
  }

  sim::thread_id pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) override {
    const sim::thread_id t = inner_.pick_thread(runnable, current);
    json names = json::array();
    for (const sim::thread_id r : runnable) names.push_back(thread_name(r));
    records.push_back(json{{"choice", choices_++},
                           {"kind", "thread"},
                           {"thread", t},
                           {"name", thread_name(t)},
                           {"preemption", may_continue(runnable, current) && t != current},
                           {"runnable", std::move(names)}});
    return t;
  }

  std::vector<json> records;

 private:
  sim::replay_source inner_;
  std::size_t choices_ = 0;
};

// NAME{suffix} in `dir`, or NAME-1..., never an existing file.
std::string fresh_path(const std::string& dir, std::string name, const std::string& suffix) {
  if (name.empty()) name = "schedule";
  std::replace(name.begin(), name.end(), '/', '_');
  std::filesystem::path path = std::filesystem::path(dir) / (name + suffix);
  for (int i = 1; std::filesystem::exists(path); ++i) {
    path = std::filesystem::path(dir) / (name + "-" + std::to_string(i) + suffix);
  }
  return path.string();
}

}  // namespace

schedule_file_result write_schedule_file(const explore_options& o, const program& body,
                                         const std::string& schedule, const std::vector<sim::choice>& choices,
                                         sim::run_pool& pool) {
  if (o.trace_dir.empty()) return {};
  naming_source src(choices);
  // Each operation follows the thread pick that let it run (a thread can
  // also run on without a pick, when it is the only one that can: each
  // operation names its thread).
  const execution e = execute(src, body, o, &pool, [&](std::uint32_t thread, std::string op) {
    src.records.push_back(json{{"op", std::move(op)}, {"thread", thread}, {"name", thread_name(thread)}});
  });
  const json header{{"schedule", schedule},
                    {"outcome", sim::outcome_name(e.report.result)},
                    {"steps", e.report.steps},
                    {"message", e.report.message},
                    {"records", src.records.size()}};
  std::string text = header.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
  for (const json& r : src.records) text += r.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
  std::error_code ec;
  std::filesystem::create_directories(o.trace_dir, ec);
  const std::string path = fresh_path(o.trace_dir, o.name, ".schedule.jsonl");
  if (std::string err = trace::write_whole_file(path, text); !err.empty()) return {"", err};
  return {path, ""};
}

world_trace_result write_world_trace(const explore_options& o, const program& world,
                                     const std::vector<sim::choice>& choices) {
  WEFT_ASSERT(world.is_world(), "write_world_trace() of a thread-level body");
  explore_options traced = o;
  traced.world_trace = true;
  sim::replay_source replay(choices);
  world_trace_result out;
  out.run = execute(replay, world, traced);
  if (o.trace_dir.empty()) return out;
  std::error_code ec;
  std::filesystem::create_directories(o.trace_dir, ec);
  const std::string path = fresh_path(o.trace_dir, o.name, ".jsonl");
  if (std::string err = trace::write_whole_file(path, trace::to_jsonl(out.run.trace)); !err.empty()) {
    out.file = {"", err};
  } else {
    out.file = {path, ""};
  }
  return out;
}

}  // namespace weft::props
