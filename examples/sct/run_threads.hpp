// Spawns `n` simulated threads running body(i) and joins them all.
#pragma once

#include <string>
#include <vector>

#include "runtime/sys/thread.hpp"

namespace weft::examples::sct {

template <class Body>
void run_threads(int n, Body body) {
  std::vector<sys::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) threads.emplace_back("t" + std::to_string(i), [&body, i] { body(i); });
  for (sys::thread& t : threads) t.join();
}

}  // namespace weft::examples::sct
