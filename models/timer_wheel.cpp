// Model 5: the hierarchical timer wheel (runtime/time/wheel.hpp), shrunk to
// 2 levels of 4 slots (a 16-tick span) so every history fits.
//
// The environment — the time driver — inserts --threads timers with
// deadlines a few ticks ahead (some already due), cancels them, polls the
// wheel one call at a time until it returns nothing, and advances the clock
// one tick, up to the --bound horizon. The wheel's side follows the real
// algorithm: a timer goes to the lowest level whose slot boundaries separate
// its deadline from `elapsed`; polling takes the earliest occupied slot,
// moves `elapsed` to its start, fires what is due and cascades the rest.
//
// Invariants: no timer fires before its deadline; a cancelled timer never
// fires; once the driver has polled the wheel dry, no timer due at the
// current tick is still waiting (so each fires within the tick its deadline
// passes); `elapsed` never runs ahead of the clock. Liveness: the clock can
// always reach the horizon with every due timer fired.
#include <fmt/format.h>

#include "models/model.hpp"

namespace weft::models {
namespace {

constexpr int bits = 2;
constexpr int slots = 1 << bits;
constexpr int levels = 2;
constexpr int span = (1 << (bits * levels)) - 1;

enum : std::uint8_t { unused, waiting, expired, fired, cancelled };
enum : std::uint8_t { good = 0, early, fired_cancelled };

struct timer_wheel_model {
  int timers = 2;
  int horizon = 10;
  bool fire_whole_slot = false;     // bug: a slot above level 0 fires all its timers instead of cascading
  bool current_slot_first = false;  // bug: above level 0 the scan starts at the current (next-turn) slot

  struct state {
    std::uint8_t now = 0, elapsed = 0, drained = 1, bad = good, bad_timer = 0;
    std::uint8_t status[3] = {unused, unused, unused};
    std::uint8_t deadline[3] = {0, 0, 0};
    std::uint8_t level[3] = {0, 0, 0};
    std::uint8_t slot[3] = {0, 0, 0};
    std::uint8_t fired_at[3] = {0, 0, 0};
  };

  std::string title() const {
    return fmt::format("timer-wheel (levels={}, slots={}, timers={}, horizon={}){}{}", levels, slots, timers, horizon,
                       fire_whole_slot ? " [bug: upper-level slots fire without cascading]" : "",
                       current_slot_first ? " [bug: the next-turn slot is scanned first]" : "");
  }
  state initial() const { return {}; }

  static int slot_of(int tick, int level) { return (tick >> (bits * level)) & (slots - 1); }
  static int level_for(int elapsed, int when) {
    int masked = (elapsed ^ when) | (slots - 1);
    if (masked > span) masked = span;
    int significant = 0;
    while ((masked >> (significant + 1)) != 0) ++significant;
    return significant / bits;
  }
  static void link(state& s, int i, int level) {
    s.level[i] = static_cast<std::uint8_t>(level);
    s.slot[i] = static_cast<std::uint8_t>(slot_of(s.deadline[i], level));
    s.status[i] = waiting;
  }
  bool occupied(const state& s, int level, int slot) const {
    for (int i = 0; i < timers; ++i) {
      if (s.status[i] == waiting && s.level[i] == level && s.slot[i] == slot) return true;
    }
    return false;
  }

  struct expiration {
    int level, slot, deadline;
  };
  std::optional<expiration> earliest(const state& s) const {
    for (int level = 0; level < levels; ++level) {
      const int now_slot = slot_of(s.elapsed, level);
      // Above level 0 the current slot holds only timers of the next turn
      // (deadlines clamped to the end of the wheel): it is scanned last.
      const int start = level == 0 || current_slot_first ? now_slot : (now_slot + 1) % slots;
      for (int d = 0; d < slots; ++d) {
        const int slot = (start + d) % slots;
        if (!occupied(s, level, slot)) continue;
        const int level_range = 1 << (bits * (level + 1));
        const int slot_range = 1 << (bits * level);
        int deadline = (s.elapsed & ~(level_range - 1)) + slot * slot_range;
        if (slot < now_slot || (level > 0 && slot == now_slot)) deadline += level_range;
        return expiration{level, slot, deadline};
      }
    }
    return std::nullopt;
  }

  // One call of poll(now): returns the timer handed out, or -1.
  int poll(state& s) const {
    for (;;) {
      for (int i = 0; i < timers; ++i) {
        if (s.status[i] == expired) {
          s.status[i] = fired;
          s.fired_at[i] = s.now;
          if (s.deadline[i] > s.now && s.bad == good) {
            s.bad = early;
            s.bad_timer = static_cast<std::uint8_t>(i);
          }
          return i;
        }
      }
      const auto exp = earliest(s);
      if (!exp || exp->deadline > s.now) {
        if (s.now > s.elapsed) s.elapsed = s.now;
        return -1;
      }
      s.elapsed = static_cast<std::uint8_t>(exp->deadline);
      for (int i = 0; i < timers; ++i) {
        if (s.status[i] != waiting || s.level[i] != exp->level || s.slot[i] != exp->slot) continue;
        if (s.deadline[i] <= s.elapsed || (fire_whole_slot && exp->level > 0)) {
          s.status[i] = expired;
        } else {
          link(s, i, level_for(s.elapsed, s.deadline[i]));
        }
      }
    }
  }

  void steps(const state& s, emitter<state>& out) const {
    if (s.bad != good) return;
    // The driver: insert, cancel, poll, tick.
    // A few ticks ahead (some already due), and the farthest the wheel
    // holds: the time driver clamps longer sleeps to elapsed + span.
    static constexpr int ahead[] = {0, 1, 3, 5, 9};
    for (int i = 0; i < timers; ++i) {
      if (s.status[i] == unused) {
        for (int k = 0; k <= 5; ++k) {
          const int d = k < 5 ? s.now + ahead[k] : s.elapsed + span;
          if (k < 5 && (d > horizon + 1 || d - s.elapsed > span)) continue;
          state n = s;
          n.deadline[i] = static_cast<std::uint8_t>(d);
          n.drained = 0;
          if (d <= s.elapsed) {
            n.status[i] = fired;  // insert refuses: the caller fires it at once
            n.fired_at[i] = s.now;
            out.add(0, fmt::format("insert timer{} deadline {}: already due, fire at once", i, d), n);
          } else {
            link(n, i, level_for(s.elapsed, d));
            out.add(0, fmt::format("insert timer{} deadline {} -> level {} slot {}", i, d, n.level[i], n.slot[i]), n);
          }
        }
      } else if (s.status[i] == waiting) {
        state n = s;
        n.status[i] = cancelled;
        out.add(0, fmt::format("cancel timer{}", i), n);
      }
    }
    if (!s.drained) {
      state n = s;
      const int got = poll(n);
      if (got < 0) n.drained = 1;
      out.add(0, got < 0 ? fmt::format("poll({}): nothing due, elapsed={}", s.now, n.elapsed)
                         : fmt::format("poll({}): fire timer{} (deadline {})", s.now, got, s.deadline[got]),
              n);
    } else if (s.now < horizon) {
      state n = s;
      ++n.now;
      n.drained = 0;
      out.add(0, fmt::format("clock tick to {}", n.now), n);
    }
  }

  std::optional<std::string> violation(const state& s) const {
    if (s.bad == early) {
      return fmt::format("timer{} fired at {} before its deadline {}", s.bad_timer, s.now, s.deadline[s.bad_timer]);
    }
    if (s.elapsed > s.now) return "the wheel's elapsed ran ahead of the clock";
    if (s.drained) {
      for (int i = 0; i < timers; ++i) {
        if (s.status[i] == waiting && s.deadline[i] <= s.now) {
          return fmt::format("timer{} (deadline {}) still waits after the wheel was polled dry at {}", i,
                             s.deadline[i], s.now);
        }
      }
    }
    return std::nullopt;
  }

  bool is_final(const state& s) const { return s.drained && s.now == horizon; }
  // (Timers due after the horizon may still wait at the end.)
  bool is_goal(const state& s) const { return is_final(s); }
  std::string goal_name() const { return "the clock reached the horizon with every due timer fired"; }

  std::string describe(const state& s) const {
    std::string out = fmt::format("now={} elapsed={}{}", s.now, s.elapsed, s.drained ? " drained" : "");
    static constexpr const char* st[] = {"unused", "waiting", "expired", "fired", "cancelled"};
    for (int i = 0; i < timers; ++i) {
      out += fmt::format(" | t{} {}", i, st[s.status[i]]);
      if (s.status[i] != unused) out += fmt::format(" d={}", s.deadline[i]);
      if (s.status[i] == waiting) out += fmt::format(" L{}S{}", s.level[i], s.slot[i]);
      if (s.status[i] == fired) out += fmt::format(" @{}", s.fired_at[i]);
    }
    return out;
  }
  std::string actor_name(int) const { return "driver"; }
};

model_entry entry(std::string name, std::string kind, std::string description, bool whole_slot,
                  bool current_first = false) {
  return model_entry{std::move(name), std::move(kind), std::move(description), "timers", "horizon (ticks)", 2, 3,
                     12, 20,
                     [whole_slot, current_first](int threads, int bound) -> std::unique_ptr<model> {
                       timer_wheel_model m;
                       m.timers = threads;
                       m.horizon = bound;
                       m.fire_whole_slot = whole_slot;
                       m.current_slot_first = current_first;
                       return std::make_unique<typed_model<timer_wheel_model>>(m);
                     }};
}

}  // namespace

void add_timer_wheel_models(std::vector<model_entry>& out) {
  out.push_back(entry("timer-wheel", "model",
                      "timer wheel: never early, fires within the tick its deadline passes, cancel removes", false));
  out.push_back(entry("timer-wheel-bug-fire-whole-slot", "model-bug",
                      "an expiring upper-level slot fires all its timers instead of cascading: some fire early",
                      true));
  out.push_back(entry("timer-wheel-bug-next-turn-slot-first", "model-bug",
                      "a clamped deadline in the top level's current slot hides earlier timers of that level",
                      false, true));
}

}  // namespace weft::models
