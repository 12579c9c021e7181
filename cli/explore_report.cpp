#include "cli/explore_report.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "viz/report.hpp"
#include "viz/trace_reader.hpp"

namespace weft::cli {

int print_explore_result(const props::explore_result& r) {
  if (!r.error.empty()) {
    fmt::print(stderr, "weft: {}\n", r.error);
    return 2;
  }
  if (r.failure && r.failure->kind == sim::outcome::mismatch) {
    fmt::print(stderr, "weft: {}\n", r.failure->message);
    return 2;
  }
  fmt::print("{}", r.summary());
  std::fflush(stdout);
  return r.failure ? 1 : 0;
}

namespace {

// What both pages say: the failure, its words and the replay command.
viz::failure_page page_of(const std::string& program, const std::string& name, const props::explore_failure& f,
                          const std::string& schedule) {
  viz::failure_page p;
  p.title = fmt::format("{}: {}", name, sim::outcome_name(f.kind));
  p.repro = program + " replay --schedule " + schedule;
  p.message = f.message;
  p.details = f.blocked;
  p.trace_file = std::filesystem::path(f.trace_file).filename().string();
  return p;
}

// A world's failure: the trace views, as `weft run --report` draws them.
std::string write_world_report(const std::string& program, const std::string& dir, const std::string& name,
                               const props::explore_failure& f) {
  return viz::write_trace_report(dir, page_of(program, name, f, f.shrunk), f.world_trace);
}

// A check's failure: the interleaving, from its schedule file.
std::string write_check_report(const std::string& program, const std::string& dir, const std::string& name,
                               const props::explore_failure& f) {
  auto s = viz::read_schedule_file(f.trace_file);
  if (auto* err = std::get_if<viz::read_error>(&s)) return err->describe(f.trace_file);
  const viz::schedule_file& sf = std::get<viz::schedule_file>(s);
  return viz::write_schedule_report(dir, page_of(program, name, f, sf.schedule), sf);
}

}  // namespace

void write_explore_report(const std::string& program, const std::string& dir, const std::string& name,
                          const props::explore_result& r) {
  if (!r.failure || r.failure->trace_file.empty()) return;
  const std::string err = r.world ? write_world_report(program, dir, name, *r.failure)
                                  : write_check_report(program, dir, name, *r.failure);
  if (!err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
  } else {
    fmt::print("  report:    {}\n", (std::filesystem::path(dir) / "index.html").string());
  }
}

}  // namespace weft::cli
