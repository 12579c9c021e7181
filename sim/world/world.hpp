// sim::world: hosts running the real weft runtime on a simulated network,
// in virtual time, every choice drawn from one seed.
//
//   sim::world w(seed);
//   w.host("server", [] () -> rt::task<> { ... serve ... });
//   w.client("client", [] () -> rt::task<> { ... talk to "server" ... });
//   w.at(50ms, [&] { w.partition_both("server", "client"); });
//   sim::run_report r = w.run();        // until every client's main returns
//   if (!r.ok()) { ... r.message, w.trace() ... }
//
// Each host (and client) runs its own runtime — multi_thread with
// `workers` simulated workers, or current_thread — on simulated threads of
// its own executor group, with the network as its reactor and the virtual
// clock as its clock. A run ends when every client's main has returned:
// the hosts are then stopped (their mains cancelled, their runtimes shut
// down). It fails at the first failed assertion or exception escaping a
// main, at a deadlock, at the step bound, or at the virtual time limit.
//
// Faults (crash, restart, pause, partition, ...) may be called from the
// test before or between runs, from timed events (at()), and from tasks
// inside the world.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/task/task.hpp"
#include "runtime/trace/event.hpp"
#include "sim/core/decision.hpp"
#include "sim/core/executor.hpp"
#include "sim/net/network.hpp"
#include "sim/world/swarm.hpp"

namespace weft::sim {

struct world_config {
  // Workers per host: 0 runs each host on a current_thread runtime.
  std::size_t workers = 2;
  granularity preemption = granularity::blocking_only;
  network_config net;
  // Virtual time after which the run fails with outcome::timeout (0: none).
  std::chrono::nanoseconds time_limit = std::chrono::seconds(600);
  std::uint64_t max_steps = 50'000'000;
  // Record runtime and world events (kept in memory).
  bool trace = true;
  std::size_t trace_capacity = 1u << 22;
  // sim::buggify() points: off, or enabled per site with 1/4 probability
  // and then firing 1/4 of the times reached (FoundationDB's rule).
  bool buggify = false;
  // Deliberate defects of the runtime (runtime/sys/defect.hpp, one bit per
  // sys::defect) switched on for this run: how the reactor-bug scenarios
  // show that the world can see a broken reactor.
  std::uint32_t defects = 0;
  // Swarm testing (sim/world/swarm.hpp): the run first draws which fault
  // kinds are on and how often; sim::plan_faults and the network follow it.
  bool swarm = false;
};

struct host_options {
  std::optional<std::size_t> workers;  // overrides world_config::workers
  std::chrono::nanoseconds clock_skew{0};
  std::int64_t clock_drift_ppm = 0;
};

using host_main = std::function<rt::task<>()>;

class world {
 public:
  explicit world(std::uint64_t seed, world_config config = {});
  // With any decision source (replay, exploration strategies).
  world(std::unique_ptr<decision_source> source, world_config config = {});
  // With a decision source the caller owns and keeps alive past the world
  // (the explorer's strategies).
  world(decision_source& source, world_config config = {});
  world(const world&) = delete;
  world& operator=(const world&) = delete;
  ~world();

  // A host runs `main` until it returns or the run ends; after a crash and
  // restart, `main` runs again from the start.
  host_id host(std::string name, host_main main, host_options options = {});
  // A client is a host whose main's return counts towards the end of the run.
  host_id client(std::string name, host_main main, host_options options = {});

  // Runs until every client has finished (then stops the hosts), or failure.
  run_report run();
  // Runs for `d` of virtual time (or until the run is over).
  run_report run_for(std::chrono::nanoseconds d);
  // One scheduling step; false once the run is over.
  bool step();

  // Runs `fn` when virtual time reaches start + `after` (in the driver).
  void at(std::chrono::nanoseconds after, std::function<void()> fn);

  // ---- faults ----
  void crash(host_id h);
  void restart(host_id h);
  void pause(host_id h);
  void resume(host_id h);
  void partition(host_id from, host_id to) { note_fault(); net_->partition(from, to); }
  void partition_both(host_id a, host_id b) { note_fault(); net_->partition_both(a, b); }
  void isolate(host_id h) { note_fault(); net_->isolate(h); }
  void heal(host_id from, host_id to) { net_->heal(from, to); }
  void heal_both(host_id a, host_id b) { net_->heal_both(a, b); }
  void heal_all() { net_->heal_all(); }
  void hold(host_id from, host_id to) { net_->hold(from, to); }
  void release(host_id from, host_id to) { net_->release(from, to); }
  // Faults that struck so far: crashes, pauses, partitions, isolations
  // (each call counts, whether or not it changed anything) and whatever a
  // fault plan notes (latency spikes). What a shrunk world run has fewest of.
  std::size_t faults() const noexcept { return faults_; }
  void note_fault() noexcept { ++faults_; }
  host_id id_of(const std::string& name) const;
  const std::string& name_of(host_id h) const;
  std::size_t host_count() const noexcept { return hosts_.size(); }

  // ---- observation ----
  network& net() noexcept { return *net_; }
  executor& exec() noexcept { return *exec_; }
  const world_config& config() const noexcept { return config_; }
  std::vector<trace::event> trace() const;
  std::uint64_t trace_hash() const;
  // Writes the trace as JSON Lines, whole or not at all; "" on success,
  // else one line saying why ("cannot write x.jsonl: No space left on device").
  std::string save_trace(const std::string& path) const;
  std::chrono::nanoseconds now() const;  // virtual time since the start
  bool finished(host_id h) const;        // its main returned (clients) or it was stopped
  std::size_t restarts(host_id h) const;

  // A value in [0, n) from the decision source (n >= 1).
  std::uint64_t random(std::uint64_t n) { return choose(n, choice_kind::random); }
  // The same, recorded as a choice of kind `k` (fault plans use `fault`).
  std::uint64_t choose(std::uint64_t n, choice_kind k);
  bool buggify_enabled() const noexcept { return config_.buggify; }
  // This run's swarm draw (null unless world_config::swarm).
  const swarm_settings* swarm() const noexcept { return swarm_ ? &*swarm_ : nullptr; }
  // sim::buggify()'s decision for the site file:line (see below).
  bool buggify_at(const char* file, int line);

  // The world the calling simulated thread belongs to (null outside one).
  static world* current() noexcept;

  struct host_record;

 private:
  host_id add(std::string name, host_main main, host_options options, bool is_client);
  void host_thread(host_record& h);
  void stop_hosts();
  void after_step();
  void run_on_sim_thread(std::string what, std::function<void()> fn);

  world_config config_;
  std::unique_ptr<decision_source> owned_source_;  // null when the caller owns it
  std::unique_ptr<recording_source> recorder_;
  std::unique_ptr<executor> exec_;
  std::unique_ptr<network> net_;
  class world_sink;
  std::unique_ptr<world_sink> sink_;
  std::vector<std::unique_ptr<host_record>> hosts_;
  bool stopping_ = false;
  std::size_t faults_ = 0;
  std::optional<swarm_settings> swarm_;
  std::int64_t start_ns_ = 0;
  std::map<std::pair<std::string, int>, bool> buggify_sites_;

 public:
  // The choices made so far (a replayable schedule).
  const std::vector<choice>& choices() const;
};

// FoundationDB's BUGGIFY: true when this point should misbehave now. Each
// call site (by file and line) is enabled or not once per run (1 in 4),
// and an enabled one fires 1 in 4 times. Always false outside a world or
// when the world's buggify is off.
bool buggify(const char* file = __builtin_FILE(), int line = __builtin_LINE());

// A value in [0, n) from the current world's decision source (the only
// randomness a simulated program should use). Outside a world: 0.
std::uint64_t random(std::uint64_t n);

}  // namespace weft::sim
