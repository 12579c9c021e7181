#include "cli/junit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "runtime/sys/assert.hpp"
#include "viz/report.hpp"

namespace weft::cli {
namespace {

constexpr std::size_t counts_width = 96;  // room for three 20-digit counts and their names
const std::string closing = "</testsuite>\n";

}  // namespace

std::unique_ptr<junit_writer> junit_writer::create(const std::string& path, const std::string& suite,
                                                   std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);  // never an existing file
  if (fd < 0) {
    error = errno == EEXIST ? fmt::format("--junit {} already exists; remove it or choose another path", path)
                            : fmt::format("--junit {}: cannot create it: {}", path, std::strerror(errno));
    return nullptr;
  }
  std::unique_ptr<junit_writer> w(new junit_writer(fd, path));
  // A file that could not even start is removed: nothing half-written stays.
  const auto fail = [&] {
    error = w->error_;
    ::unlink(path.c_str());
    return nullptr;
  };
  const std::string head =
      fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"{}\" ", viz::html_escape(suite));
  if (!w->write_at(0, head)) return fail();
  w->counts_at_ = static_cast<long>(head.size());
  w->cases_end_ = w->counts_at_ + static_cast<long>(counts_width) + 2;  // the field, then ">\n"
  if (!w->write_counts() || !w->write_at(w->cases_end_ - 2, ">\n" + closing)) return fail();
  return w;
}

junit_writer::~junit_writer() { ::close(fd_); }

bool junit_writer::write_at(long offset, const std::string& text) {
  if (!error_.empty()) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, offset + static_cast<long>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = fmt::format("cannot write {}: {}", path_, std::strerror(n < 0 ? errno : EIO));
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool junit_writer::write_counts() {
  std::string field = fmt::format("tests=\"{}\" failures=\"{}\" time=\"{:.3f}\"", tests_, failures_, seconds_);
  WEFT_ASSERT(field.size() <= counts_width, "the JUnit counts fit their field");
  field.resize(counts_width, ' ');
  return write_at(counts_at_, field);
}

bool junit_writer::add(const junit_case& c) {
  std::string text = fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.6f}\"",
                                 viz::html_escape(c.classname), viz::html_escape(c.name), c.seconds);
  if (c.failure) {
    text += fmt::format(">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                        viz::html_escape(c.failure->message), viz::html_escape(c.failure->details));
  } else {
    text += "/>\n";
  }
  ++tests_;
  failures_ += c.failure ? 1 : 0;
  seconds_ += c.seconds;
  // The case (over the old closing tag) and a new closing tag, then the counts.
  if (!write_at(cases_end_, text + closing)) {
    // Back to the last complete file: the closing tag where it was (those
    // bytes are already on disk, so rewriting them needs no new space).
    const std::string reason = error_;
    error_.clear();
    if (write_at(cases_end_, closing)) (void)::ftruncate(fd_, cases_end_ + static_cast<long>(closing.size()));
    error_ = reason;
    --tests_;
    failures_ -= c.failure ? 1 : 0;
    seconds_ -= c.seconds;
    return false;
  }
  cases_end_ += static_cast<long>(text.size());
  return write_counts();
}

}  // namespace weft::cli
