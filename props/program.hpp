// props::program: what the explorer runs once per schedule.
//
// Either a thread-level body — run as the thread "main" of a bare
// executor in which every sys operation is a scheduling point — or a whole
// world scenario: hosts on their own runtimes, the simulated network, the
// scenario's faults and timed events, at the scenario's own preemption
// granularity. Both draw every choice (thread switches, latencies, drops,
// duplicates, fault plans, buggify, sim::random) from the one decision
// source, so every strategy, the schedule format, replay and shrinking
// work on either unchanged.
//
// A program refers to its body or scenario; both must outlive it.
#pragma once

#include <cstdint>
#include <functional>

#include "props/registry.hpp"
#include "runtime/sys/assert.hpp"
#include "sim/world/scenario.hpp"

namespace weft::props {

class program {
 public:
  program(const std::function<void()>& body) noexcept : body_(&body) {}      // NOLINT: implicit on purpose
  program(const sim::scenario& world) noexcept : world_(&world) {}          // NOLINT: implicit on purpose
  // A registered check, as it asks to be explored (weak memory, defects).
  program(const check& c) noexcept  // NOLINT: implicit on purpose
      : body_(&c.body), weak_(c.weak_memory), defects_(c.defects) {}

  bool is_world() const noexcept { return world_ != nullptr; }
  const std::function<void()>& body() const {
    WEFT_ASSERT(body_ != nullptr, "program::body() of a world scenario");
    return *body_;
  }
  bool weak_memory() const noexcept { return weak_; }
  std::uint32_t defects() const noexcept { return defects_; }
  const sim::scenario& world() const {
    WEFT_ASSERT(world_ != nullptr, "program::world() of a thread-level body");
    return *world_;
  }

 private:
  const std::function<void()>* body_ = nullptr;
  const sim::scenario* world_ = nullptr;
  bool weak_ = false;
  std::uint32_t defects_ = 0;
};

}  // namespace weft::props
