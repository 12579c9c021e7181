// The command's contract, row by row (tests/cli/contract.table): an argument
// vector, the exit status it must give, what its one stderr line (and its
// stdout) must say, and which files must or must not exist afterwards.
//
// The rules every row is held to:
//   - bad input: exit 2 and exactly one line on stderr, naming the input;
//   - a failed write: a non-zero exit and a line saying what was not written;
//   - a found bug: exit 1, even when something else went wrong as well;
//   - nothing the user made is deleted or overwritten without --force
//     (files made by `touch:` must read "keep me" afterwards, `=FILE`).
//
// Each row runs the real `weft` binary in a fresh directory, with a
// timeout (a hang fails the row). Rows that need a full disk run against a
// 64 KiB tmpfs filled to the last byte; where mounting is not allowed the
// row is skipped with a message saying so.
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

struct row {
  int line = 0;
  std::string name;
  int exit = 0;
  std::string stderr_pattern;  // "" for any
  std::string stdout_pattern;  // "" for any
  std::vector<std::string> args;
  std::vector<std::string> actions;  // setup (touch:, mkdir:, write:, head:, fill) and checks (+ - = ~ # slow: ...)
};

void PrintTo(const row& r, std::ostream* os) { *os << "contract.table:" << r.line; }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Words split on spaces; '...' quotes a word (may be empty or hold spaces).
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_quote = false, have = false;
  for (char c : text) {
    if (c == '\'') {
      in_quote = !in_quote;
      have = true;
    } else if (c == ' ' && !in_quote) {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = line.find(" | ", start)) != std::string::npos; start = at + 3) {
    out.push_back(trim(line.substr(start, at - start)));
  }
  out.push_back(trim(line.substr(start)));
  return out;
}

std::vector<row> load_rows() {
  std::ifstream in(WEFT_CONTRACT_TABLE);
  std::vector<row> rows;
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    if (trim(text).empty() || trim(text)[0] == '#') continue;
    const std::vector<std::string> f = fields_of(text);
    row r;
    r.line = n;
    if (f.size() != 6) {
      r.name = "BadRowAtLine" + std::to_string(n);
      r.exit = -1;
      rows.push_back(r);
      continue;
    }
    r.name = f[0];
    r.exit = std::stoi(f[1]);
    r.stderr_pattern = f[2] == "-" ? "" : f[2];
    r.stdout_pattern = f[3] == "-" ? "" : f[3];
    r.args = words(f[4]);
    if (f[5] != "-") r.actions = words(f[5]);
    rows.push_back(std::move(r));
  }
  return rows;
}

// The placeholders a row may use.
std::string expand(std::string s, const std::string& full_dir) {
  const std::pair<std::string, std::string> vars[] = {
      {"{data}", WEFT_TEST_DATA}, {"{porcupine}", WEFT_PORCUPINE_DATA}, {"{full}", full_dir}};
  for (const auto& [key, value] : vars) {
    for (std::size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  }
  for (std::size_t at; (at = s.find("\\n")) != std::string::npos;) s.replace(at, 2, "\n");
  return s;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct outcome {
  int exit = -1;
  std::string out, err;
  double seconds = 0;
  bool timed_out = false;
};

struct run_options {
  int signal = 0;             // sent after signal_after seconds
  double signal_after = 0;
  bool close_stdout = false;  // the reader of stdout goes away at once
  double timeout = 120;
};

// The binary under test: this build's weft, or $WEFT_CONTRACT_BINARY (to hold
// another build, an installed one or an older one to the same contract).
const char* weft_binary() {
  const char* other = std::getenv("WEFT_CONTRACT_BINARY");
  return other != nullptr && *other != '\0' ? other : WEFT_BINARY;
}

outcome run_weft(const std::vector<std::string>& args, const fs::path& dir, const run_options& o) {
  const fs::path out_file = dir / ".stdout", err_file = dir / ".stderr";
  int pipefd[2] = {-1, -1};
  if (o.close_stdout && ::pipe(pipefd) != 0) return {};
  const auto start = clock_type::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(125);
    const int out = o.close_stdout ? pipefd[1] : ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    // The child must not hold the read end either: with a reader alive,
    // writes fill the pipe and block instead of failing with EPIPE.
    if (o.close_stdout) ::close(pipefd[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(weft_binary()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(weft_binary(), argv.data());
    ::_exit(126);
  }
  if (o.close_stdout) {
    ::close(pipefd[0]);  // nobody reads: weft's writes to stdout fail with EPIPE
    ::close(pipefd[1]);
  }
  outcome r;
  int status = 0;
  bool signalled = false;
  for (;;) {
    if (::waitpid(pid, &status, WNOHANG) == pid) break;
    const double t = std::chrono::duration<double>(clock_type::now() - start).count();
    if (o.signal != 0 && !signalled && t >= o.signal_after) {
      ::kill(pid, o.signal);
      signalled = true;
    }
    if (t > o.timeout) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      r.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = o.close_stdout ? std::string() : read_file(out_file);
  r.err = read_file(err_file);
  fs::remove(out_file);
  fs::remove(err_file);
  return r;
}

// A 64 KiB tmpfs, filled: every write to it fails with ENOSPC.
class full_disk {
 public:
  explicit full_disk(const fs::path& at) : dir_(at) {
    fs::create_directories(dir_);
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") == 0;
    if (!mounted_) why_ = std::strerror(errno);
  }
  ~full_disk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ready() const { return mounted_; }
  const std::string& why() const { return why_; }
  void fill() {
    std::ofstream f(dir_ / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    while (f.write(block.data(), static_cast<std::streamsize>(block.size()))) f.flush();
  }

 private:
  fs::path dir_;
  bool mounted_ = false;
  std::string why_;
};

// Paths matching PATTERN ('*' matches within one component), searched from
// the last folder before the first '*' (`dir` for relative patterns).
std::vector<fs::path> glob(const fs::path& dir, const std::string& pattern) {
  const std::size_t star = pattern.find('*');
  const std::size_t slash = pattern.rfind('/', star);
  const fs::path base = slash == std::string::npos ? dir : fs::path(pattern.substr(0, slash)).is_absolute()
                                                             ? fs::path(pattern.substr(0, slash))
                                                             : dir / pattern.substr(0, slash);
  const std::string rest = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
  std::string re = "^";
  for (char c : rest) {
    if (c == '*') {
      re += "[^/]*";
    } else if (std::strchr(".^$|()[]{}+?\\", c) != nullptr) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  const std::regex matcher(re + "$");
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(base, ec); it != fs::recursive_directory_iterator(); ++it) {
    if (std::regex_match(fs::relative(it->path(), base).string(), matcher)) out.push_back(it->path());
  }
  return out;
}

// regex_search of PATTERN in TEXT, where "(.|\n)*" in the pattern (any text,
// across lines) is handled here: the pieces between those are searched for
// in order. libstdc++'s regex recurses once per character such a loop eats
// and overflows the stack on a large file.
bool search(const std::string& text, std::string pattern) {
  // Actions have their "\n" expanded already; patterns from fields not.
  for (std::size_t at; (at = pattern.find("(.|\n)*")) != std::string::npos;) pattern.replace(at, 6, "(.|\\n)*");
  const std::string any = "(.|\\n)*";
  std::size_t from = 0;
  std::size_t at = 0;
  for (bool first = true;; first = false) {
    const std::size_t next = pattern.find(any, from);
    const std::string piece = pattern.substr(from, next == std::string::npos ? std::string::npos : next - from);
    std::smatch m;
    const auto begin = text.begin() + static_cast<std::ptrdiff_t>(at);
    const auto flags = first ? std::regex_constants::match_default : std::regex_constants::match_prev_avail;
    if (!std::regex_search(begin, text.end(), m, std::regex(piece), flags)) return false;
    at += static_cast<std::size_t>(m.position(0) + m.length(0));
    if (next == std::string::npos) return true;
    from = next + any.size();
  }
}

class Contract : public testing::TestWithParam<row> {};

void setup(const row& r, const fs::path& dir, const std::string& full, full_disk* disk, run_options& o) {
  for (const std::string& a0 : r.actions) {
    const std::string a = expand(a0, full);
    if (a.starts_with("touch:")) {
      std::ofstream(dir / a.substr(6)) << "keep me\n";
    } else if (a.starts_with("mkdir:")) {
      fs::create_directories(dir / a.substr(6));
    } else if (a.starts_with("write:")) {
      const auto colon = a.find(':', 6);
      std::ofstream(dir / a.substr(6, colon - 6), std::ios::binary) << a.substr(colon + 1);
    } else if (a.starts_with("head:")) {  // head:SOURCE:DEST:LINES
      const auto c1 = a.find(':', 5), c2 = a.find(':', c1 + 1);
      std::ifstream in(a.substr(5, c1 - 5));
      std::ofstream out(dir / a.substr(c1 + 1, c2 - c1 - 1));
      std::string line;
      for (int n = std::stoi(a.substr(c2 + 1)); n > 0 && std::getline(in, line); --n) out << line << '\n';
    } else if (a == "fill" && disk != nullptr) {
      disk->fill();
    } else if (a.starts_with("signal:")) {  // signal:INT:0.5
      const auto c = a.find(':', 7);
      o.signal = a.substr(7, c - 7) == "TERM" ? SIGTERM : SIGINT;
      o.signal_after = std::stod(a.substr(c + 1));
    } else if (a == "close-stdout") {
      o.close_stdout = true;
    }
  }
}

// Every action is one the harness knows: a typo (or an unquoted space) must
// not turn a check into nothing.
bool known_action(const std::string& a) {
  static const char* const prefixes[] = {"touch:", "mkdir:", "write:", "head:", "signal:", "slow:", "fast:",
                                         "+",      "-",      "=",      "~",     "#"};
  if (a == "fill" || a == "close-stdout" || a == "lines:any") return true;
  for (const char* p : prefixes) {
    if (a.starts_with(p) && a.size() > std::strlen(p)) return true;
  }
  return false;
}

void check_files(const row& r, const fs::path& dir, const std::string& full, const outcome& got) {
  for (const std::string& a0 : r.actions) {
    const std::string a = expand(a0, full);
    const std::string path = a.size() > 1 ? a.substr(1) : "";
    const fs::path p = path.starts_with("/") ? fs::path(path) : dir / path;
    if (a[0] == '+') { EXPECT_TRUE(fs::exists(p)) << path << " should exist"; }
    if (a[0] == '-' && path.find('*') == std::string::npos) { EXPECT_FALSE(fs::exists(p)) << path << " should not exist"; }
    if (a[0] == '-' && path.find('*') != std::string::npos) {
      EXPECT_TRUE(glob(dir, path).empty()) << path << " should match nothing";
    }
    if (a[0] == '=') { EXPECT_EQ(read_file(p), "keep me\n") << path << " was changed"; }
    if (a[0] == '~') {  // ~FILE~REGEX
      const auto tilde = a.find('~', 1);
      const std::string content = read_file(dir / a.substr(1, tilde - 1));
      EXPECT_TRUE(search(content, a.substr(tilde + 1))) << a.substr(1, tilde - 1) << ":\n"
                                                                               << content.substr(0, 2000);
    }
    if (a[0] == '#') {  // #PATTERN=N
      const auto eq = a.rfind('=');
      EXPECT_EQ(glob(dir, a.substr(1, eq - 1)).size(), std::stoul(a.substr(eq + 1))) << a;
    }
    if (a.starts_with("slow:")) { EXPECT_GE(got.seconds, std::stod(a.substr(5))) << "finished too early"; }
    if (a.starts_with("fast:")) { EXPECT_LE(got.seconds, std::stod(a.substr(5))) << "took too long"; }
  }
}

TEST_P(Contract, Row) {
  const row& r = GetParam();
  ASSERT_GE(r.exit, 0) << WEFT_CONTRACT_TABLE << ":" << r.line << ": a row has six fields separated by ' | '";
  for (const std::string& a : r.actions) {
    ASSERT_TRUE(known_action(a)) << WEFT_CONTRACT_TABLE << ":" << r.line << ": unknown action '" << a
                                 << "' (quote actions that hold spaces)";
  }
  if (r.exit == 1 || r.exit == 0) {
    ASSERT_TRUE(std::none_of(r.actions.begin(), r.actions.end(), [](const std::string& a) { return a == "lines:any"; }))
        << "lines:any is for exit 2 rows";
  }
  const fs::path dir = fs::temp_directory_path() / ("weft-contract-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string full = (dir / "full").string();
  bool needs_disk = false;
  for (const std::string& a : r.actions) needs_disk = needs_disk || a.find("{full}") != std::string::npos;
  for (const std::string& a : r.args) needs_disk = needs_disk || a.find("{full}") != std::string::npos;
  std::unique_ptr<full_disk> disk;
  if (needs_disk) {
    disk = std::make_unique<full_disk>(full);
    if (!disk->ready()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk->why() << "): full-disk row skipped";
  }
  run_options o;
  setup(r, dir, full, disk.get(), o);
  std::vector<std::string> args;
  for (const std::string& a : r.args) args.push_back(expand(a, full));
  const outcome got = run_weft(args, dir, o);
  const std::string where = std::string(WEFT_CONTRACT_TABLE) + ":" + std::to_string(r.line);
  ASSERT_FALSE(got.timed_out) << where << ": hung";
  EXPECT_EQ(got.exit, r.exit) << where << "\nstdout: " << got.out << "\nstderr: " << got.err;
  std::string err = got.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  const bool any_lines = std::find(r.actions.begin(), r.actions.end(), "lines:any") != r.actions.end();
  if (r.exit == 2 && !any_lines) {
    EXPECT_TRUE(!err.empty() && err.find('\n') == std::string::npos) << where << ": bad input must say one line, got:\n"
                                                                     << got.err;
  }
  if (!r.stderr_pattern.empty()) {
    EXPECT_TRUE(search(err, r.stderr_pattern)) << where << ": stderr:\n" << got.err;
  }
  if (!r.stdout_pattern.empty()) {
    EXPECT_TRUE(search(got.out, r.stdout_pattern)) << where << ": stdout:\n" << got.out;
  }
  check_files(r, dir, full, got);
  disk.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

INSTANTIATE_TEST_SUITE_P(Cli, Contract, testing::ValuesIn(load_rows()),
                         [](const testing::TestParamInfo<row>& p) { return p.param.name; });

}  // namespace
