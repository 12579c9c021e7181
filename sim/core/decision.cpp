#include "sim/core/decision.hpp"

#include <array>

#include "runtime/sys/assert.hpp"

namespace weft::sim {

std::string_view choice_kind_name(choice_kind k) noexcept {
  static constexpr std::array<std::string_view, 8> names = {"thread", "random",  "latency", "drop",
                                                            "fault",  "buggify", "os",      "memory"};
  const auto i = static_cast<std::size_t>(k);
  return i < names.size() ? names[i] : std::string_view("unknown");
}

namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

__extension__ using u128 = unsigned __int128;

}  // namespace

random_source::random_source(std::uint64_t seed) noexcept {
  std::uint64_t x = seed;
  for (std::uint64_t& word : s_) word = splitmix64(x);
}

std::uint64_t random_source::next() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t random_source::choose(std::uint64_t options, choice_kind) {
  WEFT_ASSERT(options >= 2, "a choice needs at least two options");
  // Lemire's nearly divisionless bounded draw, made exact by rejection.
  const std::uint64_t threshold = (0 - options) % options;
  for (;;) {
    const u128 m = static_cast<u128>(next()) * options;
    if (static_cast<std::uint64_t>(m) >= threshold) {
      return static_cast<std::uint64_t>(m >> 64);
    }
  }
}

const choice& replay_source::next(choice_kind kind, std::uint64_t options) {
  if (next_ >= choices_.size()) {
    throw schedule_mismatch(next_, "the schedule ended, but the program asked for a " +
                                       std::string(choice_kind_name(kind)) + " choice among " +
                                       std::to_string(options));
  }
  const choice& c = choices_[next_];
  if (c.kind != kind) {
    throw schedule_mismatch(next_, "the schedule has a " + std::string(choice_kind_name(c.kind)) +
                                       " choice here, the program asked for a " +
                                       std::string(choice_kind_name(kind)) + " choice among " +
                                       std::to_string(options));
  }
  return c;
}

std::uint64_t replay_source::choose(std::uint64_t options, choice_kind kind) {
  const choice& c = next(kind, options);
  if (c.value >= options || (c.options != 0 && c.options != options)) {
    throw schedule_mismatch(next_, "the schedule chose " + std::to_string(c.value) + " of " +
                                       (c.options != 0 ? std::to_string(c.options) : std::string("?")) +
                                       ", the program offered " + std::to_string(options) + " " +
                                       std::string(choice_kind_name(kind)) + " options");
  }
  ++next_;
  return c.value;
}

thread_id replay_source::pick_thread(std::span<const thread_id> runnable, thread_id) {
  const choice& c = next(choice_kind::thread, runnable.size());
  for (thread_id t : runnable) {
    if (t == c.value) {
      ++next_;
      return t;
    }
  }
  throw schedule_mismatch(next_, "expected thread " + std::to_string(c.value),
                          std::vector<thread_id>(runnable.begin(), runnable.end()));
}

std::uint64_t recording_source::choose(std::uint64_t options, choice_kind kind) {
  const std::uint64_t v = inner_.choose(options, kind);
  WEFT_ASSERT(v < options, "decision source returned a value out of range");
  choices_.push_back(choice{kind, options, v});
  return v;
}

thread_id recording_source::pick_thread(std::span<const thread_id> runnable, thread_id current) {
  const thread_id t = inner_.pick_thread(runnable, current);
  choices_.push_back(choice{choice_kind::thread, runnable.size(), t});
  return t;
}

thread_id recording_source::pick_among(std::span<const thread_id> candidates) {
  const thread_id t = inner_.pick_among(candidates);
  choices_.push_back(choice{choice_kind::thread, candidates.size(), t});
  return t;
}

}  // namespace weft::sim
