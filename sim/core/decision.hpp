// The one source of nondeterminism in the simulated world.
//
// Every choice the world makes — which thread runs next, a message latency,
// whether a packet drops, whether a fault fires — is asked of a
// decision_source. A run is therefore a function of the source: a seeded
// PRNG gives a reproducible random run, a recorded choice sequence replays
// one exactly, and the exploration strategies (PCT, bounded DFS) are just
// other sources.
//
// Only choices among two or more options are asked; a forced move is not a
// decision and is not recorded, which keeps choice sequences short.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace weft::sim {

enum class choice_kind : std::uint8_t {
  thread,   // which runnable simulated thread runs next
  random,   // a draw the program asked for (sim::random)
  latency,  // a network delay
  drop,     // whether a message is lost
  fault,    // whether / which fault fires
  buggify,  // whether a sim::buggify() point fires
};

std::string_view choice_kind_name(choice_kind k) noexcept;

struct choice {
  choice_kind kind = choice_kind::thread;
  std::uint64_t options = 0;  // n: the value is in [0, n)
  std::uint64_t value = 0;

  friend bool operator==(const choice&, const choice&) = default;
};

class decision_source {
 public:
  virtual ~decision_source() = default;
  // A value in [0, options), options >= 2. `kind` says what it is for, so
  // strategies can treat thread picks apart from data choices.
  virtual std::uint64_t choose(std::uint64_t options, choice_kind kind) = 0;
};

// A seeded pseudo-random source (xoshiro256** seeded through splitmix64).
// The same seed gives the same sequence on every machine.
class random_source final : public decision_source {
 public:
  explicit random_source(std::uint64_t seed) noexcept;
  std::uint64_t choose(std::uint64_t options, choice_kind kind) override;
  std::uint64_t next() noexcept;

 private:
  std::uint64_t s_[4];
};

// Replays a recorded choice sequence. A choice asked that does not match the
// recording (another kind or number of options), or one past its end, means
// the program no longer behaves as when it was recorded: choose() throws
// schedule_mismatch naming the step.
class replay_source final : public decision_source {
 public:
  explicit replay_source(std::vector<choice> choices) : choices_(std::move(choices)) {}
  std::uint64_t choose(std::uint64_t options, choice_kind kind) override;
  std::size_t position() const noexcept { return next_; }
  bool exhausted() const noexcept { return next_ == choices_.size(); }

 private:
  std::vector<choice> choices_;
  std::size_t next_ = 0;
};

class schedule_mismatch : public std::exception {
 public:
  explicit schedule_mismatch(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

// Wraps another source and records every choice it makes.
class recording_source final : public decision_source {
 public:
  explicit recording_source(decision_source& inner) noexcept : inner_(inner) {}
  std::uint64_t choose(std::uint64_t options, choice_kind kind) override;
  const std::vector<choice>& choices() const noexcept { return choices_; }

 private:
  decision_source& inner_;
  std::vector<choice> choices_;
};

}  // namespace weft::sim
