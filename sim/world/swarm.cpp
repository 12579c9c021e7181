#include "sim/world/swarm.hpp"

#include <array>

namespace weft::sim {
namespace {

// The datagram rates a swarm draw picks from, quietest first.
constexpr std::array<std::uint32_t, 3> rates = {0, 10'000, 100'000};

std::string on_off(bool on) { return on ? "on" : "off"; }

std::string rate(std::uint32_t per_million) {
  if (per_million == 0) return "none";
  return std::to_string(per_million / 10'000) + "%";
}

}  // namespace

swarm_settings draw_swarm(const std::function<std::uint64_t(std::uint64_t)>& draw) {
  swarm_settings s;
  s.partitions = draw(2) != 0;
  s.crashes = draw(2) != 0;
  s.latency_spikes = draw(2) != 0;
  s.chance = 1 + static_cast<unsigned>(draw(3));
  s.os_quirks = draw(2) != 0;
  s.loss_per_million = rates[draw(rates.size())];
  s.duplicate_per_million = rates[draw(rates.size())];
  return s;
}

std::string swarm_settings::describe() const {
  return "partitions " + on_off(partitions) + ", crashes " + on_off(crashes) + ", latency spikes " +
         on_off(latency_spikes) + "; each planned fault " + std::to_string(chance) + " in 4; os quirks " +
         on_off(os_quirks) + "; datagram loss " + rate(loss_per_million) + ", duplication " +
         rate(duplicate_per_million);
}

}  // namespace weft::sim
