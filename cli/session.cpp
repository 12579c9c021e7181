#include "cli/session.hpp"

#include <unistd.h>

#include <csignal>
#include <filesystem>

#include <fmt/format.h>

namespace weft::cli {
namespace {

std::atomic<bool> stop_flag{false};
std::atomic<int> stop_signal{0};
int status_so_far = 2;

extern "C" void on_stop_signal(int sig) {
  stop_signal.store(sig, std::memory_order_relaxed);
  stop_flag.store(true, std::memory_order_relaxed);
}

}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

const std::atomic<bool>& interrupted() { return stop_flag; }
int interrupting_signal() { return stop_signal.load(std::memory_order_relaxed); }

void note_status(int status) { status_so_far = status; }
int noted_status() { return status_so_far; }

std::string make_output_dir(const std::string& dir, const char* flag) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (std::filesystem::exists(dir, ec)) return fmt::format("{} {}: exists and is not a directory", flag, dir);
  std::filesystem::create_directories(dir, ec);
  if (ec) return fmt::format("{} {}: cannot create it: {}", flag, dir, ec.message());
  return {};
}

progress_line::progress_line() : tty_(::isatty(STDERR_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

void progress_line::update(const std::string& text) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < (tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000))) return;
  last_ = now;
  shown_ = true;
  if (tty_) {
    fmt::print(stderr, "\r{}", text);
  } else {
    fmt::print(stderr, "{}\n", text);
  }
}

void progress_line::finish(const std::string& text) {
  if (tty_) {
    fmt::print(stderr, "\r{}\n", text);
  } else {
    fmt::print(stderr, "{}\n", text);
  }
  shown_ = true;
}

}  // namespace weft::cli
