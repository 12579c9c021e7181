// Checks and scenarios registered by name: what `weft list` shows, `weft
// explore` / `weft replay` search, and `weft run` / `weft fuzz` run.
//
// In your own program (see <weft/cli.hpp> and weft::cli_main):
//
//   WEFT_CHECK("pool-two-acquires", "two tasks acquire from a pool of one") {
//     // a thread-level body: runs as the simulated thread "main" of a fresh
//     // world per schedule, every sys operation a scheduling point
//   }
//
//   WEFT_SCENARIO("pool-service", "clients through a pool to a database") {
//     world.host("db", ...);       // `world` is this seed's sim::world
//     world.client("app", ...);
//   }
//
//   WEFT_SCENARIO_WITH("pool-service-1w", "...", one_worker_config()) { ... }
//
// Registrations run before main() and are kept in one registry per program,
// in registration order. Names are unique across checks and scenarios and
// use the characters a schedule may hold ([A-Za-z0-9_.-/], at most 100);
// a bad or repeated name is recorded as an error that the command reports
// (exit 2) before doing anything else.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/world/scenario.hpp"

namespace weft::props {

// A thread-level program to explore.
struct check {
  std::string name;
  std::string kind = "check";  // "check"; the built-in catalogue: "bug" or "fixed"
  std::string description;     // one line
  std::function<void()> body;  // runs as the simulated thread "main"
  bool weak_memory = false;    // explored under the C++ memory model (sim/core/memory.hpp)
  std::uint32_t defects = 0;   // the runtime's deliberate defects switched on (runtime/sys/defect.hpp)
};

class registry {
 public:
  // Each returns false (and records why in errors()) for a bad or repeated
  // name; `where` is "file:line" of the registration.
  bool add(check c, const std::string& where = "");
  bool add(sim::scenario s, const std::string& where = "");

  const std::vector<check>& checks() const noexcept { return checks_; }
  const std::vector<sim::scenario>& scenarios() const noexcept { return scenarios_; }
  const check* find_check(const std::string& name) const;
  const sim::scenario* find_scenario(const std::string& name) const;
  const std::vector<std::string>& errors() const noexcept { return errors_; }

 private:
  bool claim(const std::string& name, const std::string& what, const std::string& where);

  std::vector<check> checks_;
  std::vector<sim::scenario> scenarios_;
  std::map<std::string, std::string> origin_;  // name -> where it was registered
  std::vector<std::string> errors_;
};

// The program's own registrations (WEFT_CHECK, WEFT_SCENARIO).
registry& registrations();

// What the macros call. Return a value only so that they can run at static
// initialisation.
bool register_check(const char* name, const char* description, void (*body)(), const char* file, int line);
bool register_scenario(const char* name, const char* description, void (*setup)(sim::world&),
                       const sim::world_config& config, const char* file, int line);

}  // namespace weft::props

#define WEFT_REGISTRY_CONCAT_(a, b) a##b
#define WEFT_REGISTRY_CONCAT(a, b) WEFT_REGISTRY_CONCAT_(a, b)

#define WEFT_CHECK(name, description)                                                                 \
  static void WEFT_REGISTRY_CONCAT(weft_check_body_, __LINE__)();                                     \
  [[maybe_unused]] static const bool WEFT_REGISTRY_CONCAT(weft_check_registered_, __LINE__) =         \
      ::weft::props::register_check((name), (description), &WEFT_REGISTRY_CONCAT(weft_check_body_, __LINE__), \
                                    __FILE__, __LINE__);                                              \
  static void WEFT_REGISTRY_CONCAT(weft_check_body_, __LINE__)()

#define WEFT_SCENARIO(name, description) WEFT_SCENARIO_WITH(name, description, ::weft::sim::world_config{})

#define WEFT_SCENARIO_WITH(name, description, config)                                                      \
  static void WEFT_REGISTRY_CONCAT(weft_scenario_setup_, __LINE__)(::weft::sim::world & world);            \
  [[maybe_unused]] static const bool WEFT_REGISTRY_CONCAT(weft_scenario_registered_, __LINE__) =           \
      ::weft::props::register_scenario((name), (description), &WEFT_REGISTRY_CONCAT(weft_scenario_setup_, __LINE__), \
                                        (config), __FILE__, __LINE__);                                     \
  static void WEFT_REGISTRY_CONCAT(weft_scenario_setup_, __LINE__)([[maybe_unused]] ::weft::sim::world & world)
