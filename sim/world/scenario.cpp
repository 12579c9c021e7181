#include "sim/world/scenario.hpp"

#include <charconv>
#include <cstdio>

#include "runtime/trace/jsonl.hpp"

namespace weft::sim {

seed_result run_seed(const scenario& s, std::uint64_t seed, bool keep_trace) {
  seed_result out;
  out.seed = seed;
  world w(seed, s.config);
  s.setup(w);
  out.report = w.run();
  std::vector<trace::event> events = w.trace();
  out.trace_hash = trace::trace_hash(events);
  if (keep_trace) out.trace = std::move(events);
  out.choices = w.choices();
  return out;
}

std::string divergence::describe() const {
  auto show = [](const std::optional<trace::event>& e) {
    return e ? trace::to_json_line(*e) : std::string("(trace ended)");
  };
  const std::int64_t t = first ? first->time_ns : (second ? second->time_ns : 0);
  char when[64];
  std::snprintf(when, sizeof when, "%.3f ms", static_cast<double>(t) / 1e6);
  return "first difference at event " + std::to_string(index) + " (virtual time " + when +
         "): run 1: " + show(first) + " | run 2: " + show(second);
}

std::optional<divergence> first_divergence(const std::vector<trace::event>& a,
                                           const std::vector<trace::event>& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const bool in_a = i < a.size();
    const bool in_b = i < b.size();
    if (in_a && in_b && a[i] == b[i]) continue;
    divergence d;
    d.index = i;
    if (in_a) d.first = a[i];
    if (in_b) d.second = b[i];
    return d;
  }
  return std::nullopt;
}

std::optional<divergence> check_determinism(const scenario& s, std::uint64_t seed) {
  const seed_result one = run_seed(s, seed, true);
  const seed_result two = run_seed(s, seed, true);
  return first_divergence(one.trace, two.trace);
}

std::string format_seed(std::uint64_t seed) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(seed));
  return buf;
}

std::optional<std::uint64_t> parse_seed(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    begin += 2;
    base = 16;
  }
  const auto [ptr, ec] = std::from_chars(begin, end, v, base);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

}  // namespace weft::sim
