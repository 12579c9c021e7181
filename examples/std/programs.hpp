// The plain-C++ catalogue: classic concurrency bugs written only with the
// standard library (std::thread, std::mutex, std::condition_variable,
// std::atomic, plain memory) — no weft type anywhere — each with its fixed
// twin. Built with weft_instrument (cmake/WeftHelpers.cmake), they run
// unchanged under the explorer; examples/std/checks.cpp registers them as
// the checks "std-NAME" and "std-NAME-fixed". A bug shows as a failed
// assert(), a deadlock or a data race, exactly as it would for real, only
// reproducibly.
#pragma once

namespace stdbugs {

struct program {
  const char* name;         // "lost-update": the checks are std-lost-update and std-lost-update-fixed
  const char* description;  // what goes wrong, one line
  void (*bug)();
  void (*fixed)();
  bool weak_memory;  // a bug of the C++ memory model: explore with --memory weak
};

// Every program of the catalogue, in a fixed order; `count` is set.
const program* programs(int& count);

}  // namespace stdbugs
