// sim/instrument: which code is the program's, where thread_local storage
// lies, and how a code address is named ("file:line").
//
// The program's modules are the executable and any shared library outside
// the system's directories; their code segments and PT_TLS blocks come from
// dl_iterate_phdr. Code addresses are named with libbacktrace (GCC's,
// reading the binary's DWARF).
#include <backtrace.h>
#include <cxxabi.h>
#include <dlfcn.h>
#include <link.h>
#include <unwind.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sim/instrument/instrument.hpp"
#include "sim/instrument/real.hpp"

namespace weft::sim::instrument {
namespace {

// The program's own modules: the executable, and shared libraries that are
// not the system's (under /lib, /usr/lib: libc, libstdc++, ...).
bool program_module(const dl_phdr_info& info) noexcept {
  const std::string_view name = info.dlpi_name != nullptr ? info.dlpi_name : "";
  if (name.empty()) return true;  // the executable
  return !(name.starts_with("/lib") || name.starts_with("/usr/lib") || name.starts_with("linux-vdso"));
}

using ranges = std::vector<std::pair<std::uintptr_t, std::uintptr_t>>;

// The loadable segments of the program's modules whose flags include
// `flag` (PF_X: code; PF_W: static storage), as [begin, end).
template <ElfW(Word) flag>
ranges program_segments() {
  ranges out;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        if (!program_module(*info)) return 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_LOAD && (ph.p_flags & flag) != 0) {
            static_cast<ranges*>(data)->emplace_back(info->dlpi_addr + ph.p_vaddr,
                                                     info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
          }
        }
        return 0;
      },
      &out);
  return out;
}

// The program's code, once every module is loaded (the first question
// asked inside a run).
const ranges& code_ranges() {
  static std::atomic<const ranges*> once{nullptr};
  return computed_once(once, [] { return program_segments<PF_X>(); });
}

}  // namespace

const std::vector<std::pair<std::uintptr_t, std::uintptr_t>>& program_static_storage() {
  static std::atomic<const ranges*> once{nullptr};
  return computed_once(once, [] { return program_segments<PF_W>(); });
}

bool in_program_code(const void* pc) noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(pc);
  return std::any_of(code_ranges().begin(), code_ranges().end(),
                     [&](const auto& r) { return a >= r.first && a < r.second; });
}

const void* program_site(const void* pc) noexcept {
  if (in_program_code(pc)) return pc;
  // Called from a system library (libstdc++'s condition_variable::wait,
  // say): the first frame above that call that is the program's own.
  const internal_section inside;
  struct search {
    const void* caller;
    bool passed = false;
    const void* found = nullptr;
  } s{pc};
  _Unwind_Backtrace(
      [](_Unwind_Context* context, void* data) {
        auto& f = *static_cast<search*>(data);
        const auto ip = reinterpret_cast<const void*>(_Unwind_GetIP(context));
        if (!f.passed) {
          f.passed = ip == f.caller;
          return _URC_NO_REASON;
        }
        if (ip != nullptr && in_program_code(ip)) {
          f.found = ip;
          return _URC_END_OF_STACK;
        }
        return _URC_NO_REASON;
      },
      &s);
  return s.found != nullptr ? s.found : pc;
}

std::vector<tls_block> thread_local_blocks() {
  std::vector<tls_block> out;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        if (info->dlpi_tls_data == nullptr) return 0;
        tls_block b;
        b.instrumented = program_module(*info);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_TLS) {
            b.begin = reinterpret_cast<std::uintptr_t>(info->dlpi_tls_data);
            b.end = b.begin + ph.p_memsz;
          }
        }
        if (b.end > b.begin) static_cast<std::vector<tls_block>*>(data)->push_back(b);
        return 0;
      },
      &out);
  return out;
}

namespace {

// Called with symbolize()'s lock held.
backtrace_state* debug_info() {
  static backtrace_state* state = nullptr;
  if (state == nullptr) state = backtrace_create_state(nullptr, /*threaded=*/1, [](void*, const char*, int) {}, nullptr);
  return state;
}

// The innermost frame of an inline chain that is not a system header: the
// program's line, where a standard template was inlined into it.
struct site_search {
  std::string first;
  std::string program;
};

std::string describe(const char* file, int line, const char* function) {
  std::string s = file;
  constexpr std::string_view root = WEFT_SOURCE_DIR;
  if (s.starts_with(root)) s = s.substr(root.size());
  s += ":" + std::to_string(line);
  if (function != nullptr) {
    // An out-of-line function comes by its linkage name.
    int status = 0;
    char* readable = abi::__cxa_demangle(function, nullptr, nullptr, &status);
    s += std::string(" (") + (status == 0 && readable != nullptr ? readable : function) + ")";
    std::free(readable);
  }
  return s;
}

}  // namespace

std::string symbolize(const void* pc) {
  // A spin lock, not std::mutex: a simulated thread that reports a failure
  // must not reach a scheduling point (std::mutex is interposed).
  static std::atomic_flag busy = ATOMIC_FLAG_INIT;
  static std::atomic<const std::unordered_map<const void*, std::string>*> table{nullptr};
  auto& known = const_cast<std::unordered_map<const void*, std::string>&>(
      computed_once(table, [] { return std::unordered_map<const void*, std::string>{}; }));
  const internal_section inside;
  while (busy.test_and_set(std::memory_order_acquire)) {
  }
  struct release {
    ~release() { busy.clear(std::memory_order_release); }
  } held;
  if (auto it = known.find(pc); it != known.end()) return it->second;
  site_search found;
  backtrace_pcinfo(
      debug_info(), reinterpret_cast<std::uintptr_t>(pc) - 1,
      [](void* data, std::uintptr_t, const char* file, int line, const char* function) {
        auto& f = *static_cast<site_search*>(data);
        if (file == nullptr) return 0;
        if (f.first.empty()) f.first = describe(file, line, function);
        if (f.program.empty() && !std::string_view(file).starts_with("/usr/")) {
          f.program = describe(file, line, function);
          return 1;
        }
        return 0;
      },
      [](void*, const char*, int) {}, &found);
  std::string name = !found.program.empty() ? found.program : found.first;
  if (name.empty()) {
    Dl_info info{};
    char buf[64];
    if (dladdr(pc, &info) != 0 && info.dli_fname != nullptr) {
      std::snprintf(buf, sizeof buf, "+0x%zx",
                    static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(pc) -
                                             reinterpret_cast<std::uintptr_t>(info.dli_fbase)));
      name = std::string(info.dli_fname) + buf;
    } else {
      std::snprintf(buf, sizeof buf, "%p", pc);
      name = buf;
    }
  }
  known.emplace(pc, name);
  return name;
}

}  // namespace weft::sim::instrument
