#include "props/test_command.hpp"

#include <filesystem>
#include <system_error>

#include "props/parse.hpp"

namespace weft::props {

std::string shell_quote(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_./:=@%+,-") == std::string::npos;
  if (plain) return text;
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string this_test_command(const std::string& full_test_name) {
  std::error_code ec;
  std::string exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec || exe.empty()) exe = "<this test binary>";
  return shell_quote(exe) + " " + shell_quote("--gtest_filter=" + full_test_name);
}

std::string test_output_dir() { return env_value("WEFT_TRACE_DIR").value_or("weft-out"); }

}  // namespace weft::props
