#include "props/strategy.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>
#include <utility>

#include "runtime/sys/assert.hpp"

namespace weft::props {

std::string strategy_spec::text() const {
  switch (which) {
    case kind::random: return "random";
    case kind::pct: return "pct:" + std::to_string(depth);
    case kind::dfs: return "dfs:" + std::to_string(depth);
    case kind::dpor: return "dpor";
    case kind::pos: return "pos";
    case kind::replay: return "replay:" + schedule;
    case kind::portfolio: return "portfolio";
  }
  return "?";
}

namespace {

std::optional<unsigned> parse_depth(std::string_view text) {
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<strategy_spec> parse_strategy(std::string_view text, std::string& error) {
  strategy_spec s;
  if (text == "random") {
    s.which = strategy_spec::kind::random;
    return s;
  }
  if (text == "dpor" || text == "pos") {
    s.which = text == "dpor" ? strategy_spec::kind::dpor : strategy_spec::kind::pos;
    return s;
  }
  if (text == "portfolio") {
    s.which = strategy_spec::kind::portfolio;
    return s;
  }
  if (text.starts_with("replay:")) {
    s.which = strategy_spec::kind::replay;
    s.schedule = std::string(text.substr(7));
    return s;
  }
  for (const auto& [prefix, which, low, high] :
       {std::tuple{std::string_view("pct:"), strategy_spec::kind::pct, 1u, 16u},
        std::tuple{std::string_view("dfs:"), strategy_spec::kind::dfs, 0u, 8u}}) {
    if (!text.starts_with(prefix)) continue;
    const std::optional<unsigned> d = parse_depth(text.substr(prefix.size()));
    if (!d || *d < low || *d > high) {
      error = "invalid strategy '" + std::string(text) + "': " + std::string(prefix) + "N needs N in " +
              std::to_string(low) + ".." + std::to_string(high);
      return std::nullopt;
    }
    s.which = which;
    s.depth = *d;
    return s;
  }
  error = "unknown strategy '" + std::string(text) + "' (known: random, pct:D, pos, dfs:P, dpor, replay:SCHEDULE, portfolio)";
  return std::nullopt;
}

// ---- pct ----

pct_source::pct_source(std::uint64_t seed, unsigned depth, std::uint64_t expected_steps)
    : rng_(seed), depth_(depth) {
  const std::uint64_t k = std::max<std::uint64_t>(expected_steps, 2);
  for (unsigned i = 1; i < depth; ++i) change_points_.push_back(1 + rng_.choose(k, sim::choice_kind::random));
  std::sort(change_points_.begin(), change_points_.end());
}

std::int64_t& pct_source::priority_of(sim::thread_id t) {
  if (t >= priorities_.size()) priorities_.resize(t + 1);
  if (!priorities_[t]) {
    // Initial priorities are random and far above every change point's.
    priorities_[t] = static_cast<std::int64_t>(rng_.next() >> 2) + 1'000'000;
  }
  return *priorities_[t];
}

std::uint64_t pct_source::choose(std::uint64_t options, sim::choice_kind kind) {
  return rng_.choose(options, kind);
}

sim::thread_id pct_source::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  ++steps_;
  // At a change point the thread that was running drops below all others.
  while (next_change_ < change_points_.size() && change_points_[next_change_] <= steps_) {
    if (current != sim::no_thread) {
      priority_of(current) = static_cast<std::int64_t>(depth_) - static_cast<std::int64_t>(next_change_) - 1;
    }
    ++next_change_;
  }
  sim::thread_id best = runnable[0];
  for (const sim::thread_id t : runnable) {
    if (priority_of(t) > priority_of(best)) best = t;
  }
  return best;
}

std::uint64_t fixed_choice(std::size_t position, std::uint64_t options) noexcept {
  std::uint64_t x = position * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
  x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ull;
  return (x ^ (x >> 29)) % options;
}

// ---- dfs ----

dfs_explorer::dfs_explorer(unsigned max_preemptions) : max_bound_(max_preemptions) {}

void dfs_explorer::begin_run() {
  depth_ = 0;
  run_preemptions_ = 0;
  yielder_ = sim::no_thread;
  ++runs_;
}

std::uint64_t dfs_explorer::take(node&& fresh) {
  if (depth_ < path_.size()) {
    node& n = path_[depth_];
    ++depth_;
    run_preemptions_ += n.cost[n.taken];
    return n.alternatives[n.taken];
  }
  fresh.preemptions_before = run_preemptions_;
  path_.push_back(std::move(fresh));
  ++depth_;
  return path_.back().alternatives[0];  // cost 0 first: see pick_thread
}

std::uint64_t dfs_explorer::choose(std::uint64_t options, sim::choice_kind kind) {
  node n;
  if (options <= 4 || kind == sim::choice_kind::memory) {  // memory choices are bounded by the store history
    for (std::uint64_t v = 0; v < options; ++v) {
      n.alternatives.push_back(v);
      n.cost.push_back(0);
    }
  } else {
    n.alternatives.push_back(fixed_choice(depth_, options));  // too wide to enumerate
    n.cost.push_back(0);
  }
  if (depth_ < path_.size()) {
    WEFT_ASSERT(path_[depth_].alternatives.size() == n.alternatives.size(),
                "dfs: the program made a different choice on re-execution (is it deterministic?)");
  }
  return take(std::move(n));
}

sim::thread_id dfs_explorer::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  if (depth_ < path_.size()) {
    yielder_ = sim::no_thread;
    const node& n = path_[depth_];
    const auto t = static_cast<sim::thread_id>(n.alternatives[n.taken]);
    if (std::find(runnable.begin(), runnable.end(), t) == runnable.end()) {
      throw sim::schedule_mismatch(depth_, "dfs: thread " + std::to_string(t) +
                                               " is not runnable on re-execution (is the program deterministic?)",
                                   std::vector<sim::thread_id>(runnable.begin(), runnable.end()));
    }
    return static_cast<sim::thread_id>(take(node{}));
  }
  node n;
  n.is_thread = true;
  const bool may_go_on = may_continue(runnable, current);
  if (may_go_on) {
    n.alternatives.push_back(current);
    n.cost.push_back(0);
  }
  const sim::thread_id yielder = std::exchange(yielder_, sim::no_thread);
  for (const sim::thread_id t : runnable) {
    if (may_go_on && t == current) continue;
    if (t == yielder) continue;  // yields let the others run
    const unsigned cost = may_go_on ? 1 : 0;
    if (run_preemptions_ + cost > bound_) continue;
    n.alternatives.push_back(t);
    n.cost.push_back(cost);
  }
  return static_cast<sim::thread_id>(take(std::move(n)));
}

bool dfs_explorer::end_run() {
  // Runs end early on failure, so the path may be longer than this run:
  // what lies past the run's last choice is stale.
  path_.resize(std::min(path_.size(), depth_));
  while (!path_.empty() && path_.back().taken + 1 >= path_.back().alternatives.size()) path_.pop_back();
  if (path_.empty()) {
    if (bound_ >= max_bound_) return false;
    ++bound_;  // the next round: exactly one more preemption
    return true;
  }
  ++path_.back().taken;
  return true;
}

// ---- lenient replay ----

namespace {

bool own_stream(sim::choice_kind k) noexcept { return k == sim::choice_kind::drop; }

// What a lenient replay answers when the recorded choices do not say: the
// quietest value. For most kinds that is 0; for the kernel's quirks and
// for datagram loss and duplication (drawn as "fires when below the
// rate") it is the last value, so that a shrink edit which moves the
// choices after it does not turn every later datagram into a loss or
// every later read into a quirk.
std::uint64_t quiet_value(std::uint64_t options, sim::choice_kind kind) noexcept {
  const bool fires_low = kind == sim::choice_kind::drop || kind == sim::choice_kind::os;
  return fires_low && options > 0 ? options - 1 : 0;
}

}  // namespace

const sim::choice* lenient_source::next_for(sim::choice_kind kind) {
  const bool own = own_stream(kind);
  std::size_t& cursor = own ? drops_next_ : next_;
  while (cursor < choices_.size()) {
    const sim::choice& c = choices_[cursor++];
    if (own ? c.kind == kind : !own_stream(c.kind)) return &c;
  }
  return nullptr;
}

std::uint64_t lenient_source::choose(std::uint64_t options, sim::choice_kind kind) {
  std::uint64_t v = quiet_value(options, kind);
  if (const sim::choice* c = next_for(kind); c != nullptr && c->kind == kind && c->value < options) v = c->value;
  recorded_.push_back(sim::choice{kind, options, v});
  preempted_.push_back(false);
  return v;
}

sim::thread_id lenient_source::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  const bool may_go_on = may_continue(runnable, current);
  const sim::thread_id yielder = std::exchange(yielder_, sim::no_thread);
  sim::thread_id fallback = may_go_on ? current : runnable[0];
  if (!may_go_on && yielder != sim::no_thread) {
    // Yields let the others run, in turn: the next id after the yielder,
    // cyclically, so that spinners cannot pass the turn between two of them.
    const auto after = std::upper_bound(runnable.begin(), runnable.end(), yielder);
    fallback = after != runnable.end() ? *after : runnable[0];
  }
  sim::thread_id t = fallback;
  if (const sim::choice* c = next_for(sim::choice_kind::thread)) {
    if (c->kind == sim::choice_kind::thread && c->value != yield_current &&
        std::find(runnable.begin(), runnable.end(), static_cast<sim::thread_id>(c->value)) != runnable.end()) {
      t = static_cast<sim::thread_id>(c->value);
    }
  }
  const bool pre = may_go_on && t != current;
  preemptions_ += pre ? 1 : 0;
  recorded_.push_back(sim::choice{sim::choice_kind::thread, runnable.size(), t});
  preempted_.push_back(pre);
  return t;
}

// ---- counting ----

std::uint64_t counting_source::choose(std::uint64_t options, sim::choice_kind kind) {
  const std::uint64_t v = inner_.choose(options, kind);
  record(kind, options, v);
  return v;
}

sim::thread_id counting_source::pick_thread(std::span<const sim::thread_id> runnable, sim::thread_id current) {
  const sim::thread_id t = inner_.pick_thread(runnable, current);
  ++thread_choices_;
  const bool may_go_on = may_continue(runnable, current);
  if (may_go_on && t != current) ++preemptions_;
  record(sim::choice_kind::thread, runnable.size(), t);
  return t;
}

}  // namespace weft::props
