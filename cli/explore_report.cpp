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

void write_explore_report(const std::string& program, const std::string& dir, const props::check& c,
                          const props::explore_result& r) {
  if (!r.failure || r.failure->trace_file.empty()) return;
  auto s = viz::read_schedule_file(r.failure->trace_file);
  if (auto* err = std::get_if<viz::read_error>(&s)) {
    fmt::print(stderr, "weft: report: {}\n", err->describe(r.failure->trace_file));
    return;
  }
  const viz::schedule_file& sf = std::get<viz::schedule_file>(s);
  viz::failure_page p;
  p.title = fmt::format("{}: {}", c.name, sim::outcome_name(r.failure->kind));
  p.repro = program + " replay --schedule " + sf.schedule;
  p.message = r.failure->message;
  p.details = r.failure->blocked;
  p.trace_file = std::filesystem::path(r.failure->trace_file).filename().string();
  if (const std::string err = viz::write_schedule_report(dir, p, sf); !err.empty()) {
    fmt::print(stderr, "weft: report: {}\n", err);
  } else {
    fmt::print("  report:    {}\n", (std::filesystem::path(dir) / "index.html").string());
  }
}

}  // namespace weft::cli
