#include "props/registry.hpp"

#include "runtime/sys/assert.hpp"
#include "sim/core/schedule.hpp"

namespace weft::props {

namespace {
constexpr std::size_t name_length_max = 100;
}  // namespace

bool registry::claim(const std::string& name, const std::string& what, const std::string& where) {
  const std::string at = where.empty() ? "" : where + ": ";
  if (name.empty() || name.size() > name_length_max || !sim::valid_schedule_name(name)) {
    errors_.push_back(at + what + " name '" + name +
                      "' is not valid: use 1 to 100 of the characters A-Z a-z 0-9 _ . - /");
    return false;
  }
  if (const auto it = origin_.find(name); it != origin_.end()) {
    errors_.push_back(at + what + " '" + name + "' is registered twice" +
                      (it->second.empty() ? "" : " (first at " + it->second + ")"));
    return false;
  }
  origin_.emplace(name, where);
  return true;
}

bool registry::add(check c, const std::string& where) {
  if (!claim(c.name, "check", where)) return false;
  WEFT_ASSERT(static_cast<bool>(c.body), "a check needs a body");
  checks_.push_back(std::move(c));
  return true;
}

bool registry::add(sim::scenario s, const std::string& where) {
  if (!claim(s.name, "scenario", where)) return false;
  WEFT_ASSERT(static_cast<bool>(s.setup), "a scenario needs a setup");
  scenarios_.push_back(std::move(s));
  return true;
}

const check* registry::find_check(const std::string& name) const {
  for (const check& c : checks_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const sim::scenario* registry::find_scenario(const std::string& name) const {
  for (const sim::scenario& s : scenarios_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

registry& registrations() {
  static registry r;  // built on first use: safe from any static initialiser
  return r;
}

bool register_check(const char* name, const char* description, void (*body)(), const char* file, int line) {
  check c;
  c.name = name;
  c.description = description;
  c.body = body;
  return registrations().add(std::move(c), std::string(file) + ":" + std::to_string(line));
}

bool register_scenario(const char* name, const char* description, void (*setup)(sim::world&),
                       const sim::world_config& config, const char* file, int line) {
  sim::scenario s;
  s.name = name;
  s.kind = "scenario";
  s.description = description;
  s.config = config;
  s.setup = setup;
  return registrations().add(std::move(s), std::string(file) + ":" + std::to_string(line));
}

}  // namespace weft::props
