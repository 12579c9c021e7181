#include "cli/known.hpp"

#include <fmt/format.h>

#include "examples/bugs/catalogue.hpp"
#include "examples/scenarios/registry.hpp"

namespace weft::cli {

known::known(std::string program, bool catalogue) : program_(std::move(program)), catalogue_(catalogue) {
  const props::registry& own = props::registrations();
  for (const props::check& c : own.checks()) all_.add(c);
  for (const sim::scenario& s : own.scenarios()) all_.add(s);
  if (!catalogue) return;
  for (const sim::scenario& s : examples::scenarios()) all_.add(s, "weft's catalogue");
  for (const props::check& c : examples::checks()) all_.add(c, "weft's catalogue");
}

std::string known::names_of_scenarios() const {
  std::string out;
  for (const sim::scenario& s : all_.scenarios()) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

std::string known::names_of_checks() const {
  std::string out;
  for (const props::check& c : all_.checks()) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

std::string known::unknown_hint() const {
  return catalogue_ ? fmt::format("see `{} list`", program_)
                    : fmt::format("see `{} list`; weft's own catalogue needs --catalogue", program_);
}

const sim::scenario* known::find_scenario(const std::string& name) const {
  if (!name.ends_with(swarm_suffix)) return all_.find_scenario(name);
  for (const sim::scenario& v : swarm_variants_) {
    if (v.name == name) return &v;
  }
  const sim::scenario* base = all_.find_scenario(name.substr(0, name.size() - swarm_suffix.size()));
  if (base == nullptr) return nullptr;
  sim::scenario& v = swarm_variants_.emplace_back(*base);
  v.name = name;
  v.config.swarm = true;
  return &v;
}

const sim::scenario* known::scenario_or_complain(const std::string& name) const {
  if (const sim::scenario* s = find_scenario(name)) return s;
  if (const props::check* c = all_.find_check(name)) {
    const char* what = c->kind == "check" ? "a check" : "a check of the bug catalogue";
    fmt::print(stderr, "weft: '{}' is {}, not a scenario: use `{} explore {}`\n", name, what, program_, name);
  } else if (all_.scenarios().empty()) {
    fmt::print(stderr, "weft: unknown scenario '{}' (this program registers none; {})\n", name, unknown_hint());
  } else {
    fmt::print(stderr, "weft: unknown scenario '{}' (known: {}; {})\n", name, names_of_scenarios(), unknown_hint());
  }
  return nullptr;
}

const props::check* known::check_or_complain(const std::string& name) const {
  if (const props::check* c = all_.find_check(name)) return c;
  if (find_scenario(name) != nullptr) {
    fmt::print(stderr, "weft: '{}' is a scenario, not a check: use `{} fuzz {}`\n", name, program_, name);
  } else if (all_.checks().empty()) {
    fmt::print(stderr, "weft: unknown check '{}' (this program registers none; {})\n", name, unknown_hint());
  } else {
    fmt::print(stderr, "weft: unknown check '{}' (known: {}; {})\n", name, names_of_checks(), unknown_hint());
  }
  return nullptr;
}

std::optional<props::program> known::explorable_or_complain(const std::string& name) const {
  if (const props::check* c = all_.find_check(name)) return props::program(*c);
  if (const sim::scenario* s = find_scenario(name)) return props::program(*s);
  std::string names = names_of_checks();
  const std::string scenarios = names_of_scenarios();
  if (!scenarios.empty()) names += (names.empty() ? "" : ", ") + scenarios;
  if (names.empty()) {
    fmt::print(stderr, "weft: unknown check or scenario '{}' (this program registers none; {})\n", name, unknown_hint());
  } else {
    fmt::print(stderr, "weft: unknown check or scenario '{}' (known: {}; {})\n", name, names, unknown_hint());
  }
  return std::nullopt;
}

}  // namespace weft::cli
