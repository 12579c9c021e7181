// A JUnit XML file written as the run goes: after every test case the file
// is complete, valid XML with the counts so far, so a run stopped by
// Ctrl-C, SIGTERM, a closed pipe or a crash still leaves its report.
//
//   auto j = junit_writer::create("fuzz.xml", "weft fuzz kv", error);   // before the run
//   j->add({"kv", "seed 0x1", 0.004, std::nullopt});
//   j->add({"kv", "seed 0x3", 0.005, junit_failure{message, details}});
//
// How: the header's counts sit in a fixed-width field (padded with spaces,
// which XML allows between attributes) that is rewritten in place, and
// each new case is written over the previous closing tag, followed by a new
// one, with positioned writes straight to the file (nothing buffered). If a
// write fails (a full disk), the file is cut back to its last complete
// state and later cases are not written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace weft::cli {

struct junit_failure {
  std::string message;  // one line: the attribute
  std::string details;  // the element's text: how to reproduce, the trace
};

struct junit_case {
  std::string classname;
  std::string name;
  double seconds = 0;
  std::optional<junit_failure> failure;
};

class junit_writer {
 public:
  // Creates `path`, which must not exist; nullptr and `error` (one line) if
  // it cannot.
  static std::unique_ptr<junit_writer> create(const std::string& path, const std::string& suite, std::string& error);
  ~junit_writer();
  junit_writer(const junit_writer&) = delete;
  junit_writer& operator=(const junit_writer&) = delete;

  // False (and error() says why) once a write failed; later adds do nothing.
  bool add(const junit_case& c);
  const std::string& error() const noexcept { return error_; }
  const std::string& path() const noexcept { return path_; }

 private:
  junit_writer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  bool write_counts();
  bool write_at(long offset, const std::string& text);

  int fd_;
  std::string path_;
  std::string error_;
  long counts_at_ = 0;  // offset of the fixed-width counts field
  long cases_end_ = 0;  // offset of the closing tag
  std::uint64_t tests_ = 0;
  std::uint64_t failures_ = 0;
  double seconds_ = 0;
};

}  // namespace weft::cli
