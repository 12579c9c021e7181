// sim/instrument: a simulated thread that crashes (SIGSEGV, SIGBUS, SIGFPE,
// SIGILL) ends its run as outcome::crash, naming the faulting line, instead
// of taking the explorer down with it: the handler runs on an alternate
// stack and leaves through executor::fail, which never returns to the
// thread (SA_NODEFER, so the signal is not left blocked). A fault anywhere
// else — outside a run, in the driver, in weft's own bookkeeping — gets
// the action that was installed before.
//
// Not async-signal-safe in general: the report is built with the
// allocator. A fault inside malloc itself (a corrupted heap) may hang
// instead of being reported.
#include <signal.h>
#include <ucontext.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/instrument/instrument.hpp"

namespace weft::sim::instrument {
namespace {

constexpr std::array<int, 4> crash_signals = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
std::array<struct sigaction, 4> previous{};

const char* describe(int sig) noexcept {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    default: return "SIGILL (illegal instruction)";
  }
}

void on_crash(int sig, siginfo_t* info, void* context) {
  executor* ex = executor::current();
  if (ex != nullptr && ex->current_thread() != no_thread && internal_depth == 0) {
    const auto* uc = static_cast<const ucontext_t*>(context);
    const auto pc = reinterpret_cast<const void*>(uc->uc_mcontext.gregs[REG_RIP]);
    char address[32];
    std::snprintf(address, sizeof address, "%p", info->si_addr);
    ex->fail(outcome::crash, std::string(describe(sig)) + " at " + symbolize(static_cast<const char*>(pc) + 1) +
                                 " (address " + address + ") on thread " + std::to_string(ex->current_thread()) +
                                 " '" + ex->thread_name(ex->current_thread()) + "'");
  }
  // Not ours: what was installed before, on the same instruction again.
  for (std::size_t i = 0; i < crash_signals.size(); ++i) {
    if (crash_signals[i] == sig) sigaction(sig, &previous[i], nullptr);
  }
}

}  // namespace

void catch_crashes() {
  thread_local bool stack_ready = false;
  if (!stack_ready) {  // each OS thread that runs runs needs its own alternate stack
    stack_ready = true;
    stack_t st{};
    st.ss_size = 64 * 1024;
    st.ss_sp = std::malloc(st.ss_size);  // kept for the thread's life
    sigaltstack(&st, nullptr);
  }
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  struct sigaction sa {};
  sa.sa_sigaction = &on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < crash_signals.size(); ++i) sigaction(crash_signals[i], &sa, &previous[i]);
}

}  // namespace weft::sim::instrument
