#include "sim/world/faults.hpp"

#include <algorithm>
#include <memory>
#include <tuple>

#include "runtime/sys/assert.hpp"

namespace weft::sim {
namespace {

std::uint64_t draw(world& w, std::uint64_t n) { return w.choose(n, choice_kind::fault); }

std::chrono::nanoseconds draw_between(world& w, std::chrono::nanoseconds lo, std::chrono::nanoseconds hi) {
  if (hi <= lo) return lo;
  // Drawn in microseconds: fine enough, and keeps the choice small.
  const auto lo_us = std::chrono::duration_cast<std::chrono::microseconds>(lo).count();
  const auto hi_us = std::chrono::duration_cast<std::chrono::microseconds>(hi).count();
  if (hi_us <= lo_us) return lo;
  return std::chrono::microseconds(lo_us + static_cast<std::int64_t>(
                                               draw(w, static_cast<std::uint64_t>(hi_us - lo_us) + 1)));
}

std::string format_duration(std::chrono::nanoseconds d) {
  const auto ns = d.count();
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns < 1'000'000) return std::to_string(ns / 1'000) + "us";
  // Milliseconds with the microseconds as a fraction: "89.954ms".
  std::string frac = std::to_string((ns / 1'000) % 1'000);
  frac.insert(0, 3 - frac.size(), '0');
  while (frac.back() == '0') frac.pop_back();
  return std::to_string(ns / 1'000'000) + "." + frac + "ms";
}

}  // namespace

fault_plan plan_faults(world& w, const fault_plan_config& config) {
  std::vector<host_id> pool;
  if (config.hosts.empty()) {
    for (host_id h = 1; h <= w.host_count(); ++h) pool.push_back(h);
  } else {
    for (const std::string& name : config.hosts) pool.push_back(w.id_of(name));
  }
  WEFT_ASSERT(config.min_duration <= config.max_duration, "fault_plan_config: min_duration > max_duration");
  fault_plan plan;
  // Optional plans: whether this fault happens, drawn before its details.
  // Under swarm every plan is optional, with the swarm's chance, and a fault
  // of a kind the swarm turned off never happens.
  const swarm_settings* swarm = w.swarm();
  const auto happens = [&](bool kind_on) {
    if (swarm != nullptr) return draw(w, 4) >= 4 - swarm->chance && kind_on;
    return !config.optional || draw(w, 4) != 0;
  };
  const auto start = [&] { return draw_between(w, std::chrono::nanoseconds(0), config.horizon); };
  const auto length = [&] { return draw_between(w, config.min_duration, config.max_duration); };
  // Two distinct hosts from the pool.
  const auto pair = [&] {
    const std::size_t i = draw(w, pool.size());
    std::size_t j = draw(w, pool.size() - 1);
    if (j >= i) ++j;
    return std::pair{pool[i], pool[j]};
  };
  if (pool.size() >= 2) {
    for (unsigned i = 0; i < config.partitions; ++i) {
      planned_fault f;
      f.happens = happens(swarm == nullptr || swarm->partitions);
      f.what = draw(w, 2) == 0 ? planned_fault::kind::partition_both : planned_fault::kind::partition_one_way;
      std::tie(f.a, f.b) = pair();
      f.at = start();
      f.duration = length();
      plan.faults.push_back(f);
    }
  }
  if (!pool.empty()) {
    for (unsigned i = 0; i < config.crashes; ++i) {
      planned_fault f;
      f.happens = happens(swarm == nullptr || swarm->crashes);
      f.what = planned_fault::kind::crash;
      f.a = pool[draw(w, pool.size())];
      f.at = start();
      f.duration = config.restart ? length() : std::chrono::nanoseconds(0);
      plan.faults.push_back(f);
    }
  }
  if (pool.size() >= 2) {
    for (unsigned i = 0; i < config.latency_spikes; ++i) {
      planned_fault f;
      f.happens = happens(swarm == nullptr || swarm->latency_spikes);
      f.what = planned_fault::kind::latency_spike;
      std::tie(f.a, f.b) = pair();
      f.at = start();
      f.duration = length();
      const unsigned top = std::max(2u, config.max_spike_factor);
      f.factor = 2 + static_cast<unsigned>(draw(w, top - 1));
      plan.faults.push_back(f);
    }
  }
  return plan;
}

void apply(world& w, const fault_plan& plan) {
  for (const planned_fault& f : plan.faults) {
    if (!f.happens) continue;
    const host_id a = f.a;
    const host_id b = f.b;
    switch (f.what) {
      case planned_fault::kind::partition_one_way:
        w.at(f.at, [&w, a, b] { w.partition(a, b); });
        w.at(f.at + f.duration, [&w, a, b] { w.heal(a, b); });
        break;
      case planned_fault::kind::partition_both:
        w.at(f.at, [&w, a, b] { w.partition_both(a, b); });
        w.at(f.at + f.duration, [&w, a, b] { w.heal_both(a, b); });
        break;
      case planned_fault::kind::crash:
        w.at(f.at, [&w, a] { w.crash(a); });
        if (f.duration.count() > 0) w.at(f.at + f.duration, [&w, a] { w.restart(a); });
        break;
      case planned_fault::kind::latency_spike: {
        const unsigned factor = f.factor;
        // The link's settings are read when the spike starts and restored
        // when it ends (a later change in between is overwritten).
        auto saved = std::make_shared<link_config>();
        w.at(f.at, [&w, a, b, factor, saved] {
          w.note_fault();
          *saved = w.net().link_settings(a, b);
          link_config spiked = *saved;
          spiked.latency_min *= factor;
          spiked.latency_max *= factor;
          w.net().set_link(a, b, spiked);
        });
        w.at(f.at + f.duration, [&w, a, b, saved] { w.net().set_link(a, b, *saved); });
        break;
      }
    }
  }
}

std::string fault_plan::describe(const world& w) const {
  std::string out;
  for (const planned_fault& f : faults) {
    if (!f.happens) continue;
    out += "at " + format_duration(f.at) + ": ";
    switch (f.what) {
      case planned_fault::kind::partition_one_way:
        out += "partition " + w.name_of(f.a) + " -> " + w.name_of(f.b) + " for " + format_duration(f.duration);
        break;
      case planned_fault::kind::partition_both:
        out += "partition " + w.name_of(f.a) + " <-> " + w.name_of(f.b) + " for " + format_duration(f.duration);
        break;
      case planned_fault::kind::crash:
        out += "crash " + w.name_of(f.a) +
               (f.duration.count() > 0 ? ", restart after " + format_duration(f.duration) : ", no restart");
        break;
      case planned_fault::kind::latency_spike:
        out += "latency x" + std::to_string(f.factor) + " on " + w.name_of(f.a) + " -> " + w.name_of(f.b) +
               " for " + format_duration(f.duration);
        break;
    }
    out += '\n';
  }
  return out;
}

}  // namespace weft::sim
