#include "runtime/sys/real/thread.hpp"

#include <pthread.h>

#include <utility>

namespace weft::sys {

thread::thread(std::string name, std::function<void()> body)
    : inner_([name = std::move(name), body = std::move(body)]() mutable {
        // Linux limits thread names to 15 bytes plus the terminator.
        const std::string short_name = name.substr(0, 15);
        pthread_setname_np(pthread_self(), short_name.c_str());
        body();
      }) {}

void spin_hint() noexcept { __builtin_ia32_pause(); }

void yield_thread() noexcept { std::this_thread::yield(); }

unsigned hardware_concurrency() noexcept {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace weft::sys
