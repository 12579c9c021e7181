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
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace weft::sim {

using thread_id = std::uint32_t;
inline constexpr thread_id no_thread = ~thread_id{0};

enum class choice_kind : std::uint8_t {
  thread,   // which runnable simulated thread runs next
  random,   // a draw the program asked for (sim::random)
  latency,  // a network delay
  drop,     // whether a message is lost
  fault,    // whether / which fault fires
  buggify,  // whether a sim::buggify() point fires
  os,       // an OS quirk of the simulated kernel (short read, late event, ...)
  memory,   // weak memory: which store a load reads, where a store goes in
            // modification order (0: the newest / the end; sim/core/memory.hpp)
};

std::string_view choice_kind_name(choice_kind k) noexcept;

// One decision. For a thread choice the value is the chosen thread's id
// (stable across replays of the same program), not its position among the
// runnable threads; for every other kind it is a number in [0, options).
struct choice {
  choice_kind kind = choice_kind::thread;
  std::uint64_t options = 0;  // how many there were (0 when parsed from a schedule)
  std::uint64_t value = 0;

  friend bool operator==(const choice&, const choice&) = default;
};

class decision_source {
 public:
  virtual ~decision_source() = default;
  // A value in [0, options), options >= 2. `kind` says what it is for, so
  // strategies can treat thread picks apart from data choices.
  virtual std::uint64_t choose(std::uint64_t options, choice_kind kind) = 0;
  // Which of `runnable` (two or more, ascending ids) runs next. `current` is
  // the thread that reached the scheduling point if it may go on running
  // (picking another is then a preemption), else no_thread. The default
  // draws a position with choose().
  virtual thread_id pick_thread(std::span<const thread_id> runnable, thread_id current) {
    (void)current;
    return runnable[choose(runnable.size(), choice_kind::thread)];
  }
  // Told just before the pick that follows an explicit yield (a spin loop's
  // hint, sys::yield_thread): `who` asked to let others run, so that pick
  // has current == no_thread (switching is not a preemption), and a
  // strategy that favours the running thread should not favour this one.
  virtual void yielded(thread_id who) { (void)who; }
  // Which of `candidates` (two or more, ascending) a primitive picks — the
  // waiter a notify_one wakes — from inside a running thread's operation.
  // Recorded as a thread choice; only partial-order reduction tells it
  // apart from a scheduling decision.
  virtual thread_id pick_among(std::span<const thread_id> candidates) { return pick_thread(candidates, no_thread); }
  // Told before a scheduling point at which `who` reads an object it read
  // just before, with nothing written anywhere since: it spins without
  // progress (a flag loop, a failed CAS retried). Strategies that keep a
  // thread running by priority should let others run, as after a yield;
  // exhaustive ones must not prune on it.
  virtual void spinning(thread_id who) { (void)who; }
  // Whether runs under this source should record segments (sim::segment).
  virtual bool wants_segments() const { return false; }
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

// Replays a recorded choice sequence exactly. A choice asked that does not
// match the recording (another kind, a value out of range, a thread that is
// not runnable), or one past its end, means the program no longer behaves
// as when it was recorded: it throws schedule_mismatch, and the executor
// ends the run there with outcome::mismatch instead of wandering off.
class replay_source final : public decision_source {
 public:
  explicit replay_source(std::vector<choice> choices) : choices_(std::move(choices)) {}
  std::uint64_t choose(std::uint64_t options, choice_kind kind) override;
  thread_id pick_thread(std::span<const thread_id> runnable, thread_id current) override;
  std::size_t position() const noexcept { return next_; }
  bool exhausted() const noexcept { return next_ == choices_.size(); }

 private:
  const choice& next(choice_kind kind, std::uint64_t options);
  std::vector<choice> choices_;
  std::size_t next_ = 0;
};

// Why a replay stopped. The executor adds the step and thread names.
class schedule_mismatch : public std::exception {
 public:
  schedule_mismatch(std::size_t position, std::string detail, std::vector<thread_id> runnable = {})
      : position_(position), detail_(std::move(detail)), runnable_(std::move(runnable)) {}
  const char* what() const noexcept override { return detail_.c_str(); }
  std::size_t position() const noexcept { return position_; }   // the choice's index
  const std::string& detail() const noexcept { return detail_; }  // "expected thread 3" ...
  const std::vector<thread_id>& runnable() const noexcept { return runnable_; }

 private:
  std::size_t position_;
  std::string detail_;
  std::vector<thread_id> runnable_;
};

// Wraps another source and records every choice it makes.
class recording_source final : public decision_source {
 public:
  explicit recording_source(decision_source& inner) noexcept : inner_(inner) {}
  std::uint64_t choose(std::uint64_t options, choice_kind kind) override;
  thread_id pick_thread(std::span<const thread_id> runnable, thread_id current) override;
  void yielded(thread_id who) override { inner_.yielded(who); }
  void spinning(thread_id who) override { inner_.spinning(who); }
  thread_id pick_among(std::span<const thread_id> candidates) override;
  bool wants_segments() const override { return inner_.wants_segments(); }
  const std::vector<choice>& choices() const noexcept { return choices_; }

 private:
  decision_source& inner_;
  std::vector<choice> choices_;
};

}  // namespace weft::sim
