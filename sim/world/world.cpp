#include "sim/world/world.hpp"

#include <fstream>
#include <map>
#include <stdexcept>

#include "runtime/runtime.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/trace/jsonl.hpp"
#include "runtime/trace/whole_file.hpp"
#include "runtime/trace/memory_sink.hpp"
#include "sim/core/sync.hpp"

namespace weft::sim {
namespace {

thread_local world* current_world = nullptr;

// Installs a world as the current one for the duration of a call.
class world_scope {
 public:
  explicit world_scope(world* w) noexcept : prev_(current_world) { current_world = w; }
  world_scope(const world_scope&) = delete;
  world_scope& operator=(const world_scope&) = delete;
  ~world_scope() { current_world = prev_; }

 private:
  world* prev_;
};

}  // namespace

// Stamps every event with virtual time (since the world's start) and the
// simulated thread that recorded it.
class world::world_sink final : public trace::sink {
 public:
  world_sink(executor& ex, std::size_t capacity) : ex_(ex), inner_(capacity) {}
  void record(const trace::event& e) noexcept override {
    trace::event copy = e;
    copy.time_ns = ex_.global_now_ns() - start_ns;
    const thread_id t = ex_.current_thread();
    copy.thread = t == no_thread ? -1 : static_cast<std::int32_t>(t);
    inner_.record(copy);
  }
  std::vector<trace::event> events() const { return inner_.events(); }
  std::int64_t start_ns = 0;

 private:
  executor& ex_;
  trace::memory_sink inner_;
};

struct world::host_record {
  host_id id = 0;
  std::string name;
  host_main main;
  host_options options;
  bool is_client = false;
  bool finished = false;
  bool crashed = false;         // waiting for restart
  bool crash_requested = false; // the current incarnation must stop now
  bool stop_requested = false;  // the run is ending
  std::size_t restarts = 0;
  sim_parker wakeup;            // the host thread waits here between incarnations
  rt::notify* stop_signal = nullptr;  // the running incarnation's; null between them
};

world::world(std::uint64_t seed, world_config config)
    : world(std::make_unique<random_source>(seed), config) {}

world::world(std::unique_ptr<decision_source> source, world_config config) : world(*source, config) {
  owned_source_ = std::move(source);
}

world::world(decision_source& source, world_config config) : config_(config) {
  recorder_ = std::make_unique<recording_source>(source);
  executor_options opts;
  opts.preemption = config_.preemption;
  opts.max_steps = config_.max_steps;
  opts.defects = config_.defects;
  opts.record_segments = source.wants_segments();  // pos and dpor read what each thread touched
  exec_ = std::make_unique<executor>(*recorder_, opts);
  if (config_.swarm) {
    // First of all the run's choices, and before the network exists: the
    // draw decides its quirks and datagram rates.
    swarm_ = draw_swarm([this](std::uint64_t n) { return exec_->choose(n, choice_kind::fault); });
    if (!swarm_->os_quirks) config_.net.quirks = os_quirks::none();
    config_.net.default_link.loss_per_million = swarm_->loss_per_million;
    config_.net.default_link.duplicate_per_million = swarm_->duplicate_per_million;
  }
  net_ = std::make_unique<network>(*exec_, config_.net);
  start_ns_ = exec_->global_now_ns();
  if (config_.trace) {
    sink_ = std::make_unique<world_sink>(*exec_, config_.trace_capacity);
    sink_->start_ns = start_ns_;
    net_->set_trace(sink_.get());
    exec_->set_clock_observer([this](std::int64_t from, std::int64_t to) {
      net_->emit(trace::kind::clock_jump, 0, from - start_ns_, to - start_ns_);
    });
  }
}

world::~world() {
  // Threads still alive are abandoned by the executor (never unwound). The
  // network and the hosts hold wakers, whose release touches the sim
  // flavour of runtime/sys: tear them down with the executor installed.
  exec_->finish();
  const executor::scope installed(*exec_);
  hosts_.clear();
  sink_.reset();
  net_.reset();
}

world* world::current() noexcept { return current_world; }

const std::vector<choice>& world::choices() const { return recorder_->choices(); }

host_id world::host(std::string name, host_main main, host_options options) {
  return add(std::move(name), std::move(main), options, false);
}

host_id world::client(std::string name, host_main main, host_options options) {
  return add(std::move(name), std::move(main), options, true);
}

host_id world::add(std::string name, host_main main, host_options options, bool is_client) {
  const host_id id = net_->add_host(name);
  auto rec = std::make_unique<host_record>();
  rec->id = id;
  rec->name = std::move(name);
  rec->main = std::move(main);
  rec->options = options;
  rec->is_client = is_client;
  host_record* r = rec.get();
  hosts_.push_back(std::move(rec));
  exec_->set_group_clock(id, options.clock_skew.count(), options.clock_drift_ppm);
  exec_->spawn_in(id, r->name + "/main", [this, r] { host_thread(*r); });
  return id;
}

host_id world::id_of(const std::string& name) const {
  if (auto id = net_->host_by_name(name)) return *id;
  throw std::invalid_argument("weft: no host named '" + name + "'");
}

const std::string& world::name_of(host_id h) const { return hosts_.at(h - 1)->name; }

void world::host_thread(host_record& h) {
  std::string failure;
  for (;;) {
    while (h.crashed && !h.stop_requested) h.wakeup.park();
    if (h.stop_requested) break;
    h.crash_requested = false;
    {
      const std::size_t workers = h.options.workers.value_or(config_.workers);
      rt::builder b = workers == 0 ? rt::builder::current_thread() : rt::builder::multi_thread();
      if (workers > 0) b.worker_threads(workers);
      const host_id id = h.id;
      b.host(id).thread_name(h.name).reactor([this, id] { return net_->make_reactor(id); });
      if (sink_) b.trace(sink_.get());
      rt::notify stop;  // crash() and stop_hosts() signal it
      h.stop_signal = &stop;
      rt::runtime runtime = b.build();
      try {
        // The main runs as a task under a small supervisor that cancels it
        // when the host crashes or the run ends. block_on drives either
        // flavour of runtime (current_thread runs only inside it).
        runtime.block_on([](host_record* hr, rt::notify* halt) -> rt::task<> {
          rt::join_handle<void> root = rt::spawn(hr->main());
          auto r = co_await rt::select(root, halt->notified());
          if (r.index() == 1) {
            root.abort();
            co_await root;  // throws cancelled_error, unless main finished first
          }
        }(&h, &stop));
      } catch (const rt::cancelled_error&) {
        // crashed or stopped
      } catch (const std::exception& e) {
        failure = "main of '" + h.name + "' threw: " + e.what();
      } catch (...) {
        failure = "main of '" + h.name + "' threw a non-standard exception";
      }
      h.stop_signal = nullptr;
    }  // the runtime shuts down here: every task of this incarnation is dropped
    if (!failure.empty()) break;
    if (h.crashed && !h.stop_requested) continue;  // wait for a restart
    break;
  }
  h.finished = true;
  if (!failure.empty()) exec_->fail(outcome::exception, failure);
}

void world::crash(host_id id) {
  const executor::scope installed(*exec_);  // callable from the test, too
  host_record& h = *hosts_.at(id - 1);
  if (h.crashed || h.finished) return;
  note_fault();
  h.crashed = true;
  h.crash_requested = true;
  net_->crash(id);
  if (h.stop_signal != nullptr) h.stop_signal->notify_one();
}

void world::restart(host_id id) {
  const executor::scope installed(*exec_);
  host_record& h = *hosts_.at(id - 1);
  if (!h.crashed || h.finished) return;
  h.crashed = false;
  ++h.restarts;
  net_->restart(id);
  h.wakeup.unpark();
}

void world::pause(host_id id) {
  note_fault();
  exec_->pause_group(id);
  net_->emit(trace::kind::pause, id);
}

void world::resume(host_id id) {
  exec_->resume_group(id);
  net_->emit(trace::kind::resume, id);
}

void world::stop_hosts() {
  stopping_ = true;
  for (auto& h : hosts_) {
    if (h->finished) continue;
    h->stop_requested = true;
    exec_->resume_group(h->id);  // a paused host must run to stop
    if (h->stop_signal != nullptr) h->stop_signal->notify_one();
    h->wakeup.unpark();
  }
}

void world::after_step() {
  if (!stopping_) {
    bool clients_done = true;
    bool any_client = false;
    for (const auto& h : hosts_) {
      if (!h->is_client) continue;
      any_client = true;
      clients_done = clients_done && h->finished;
    }
    if (any_client && clients_done) {
      // Stopping wakes tasks, which takes the runtimes' locks: done on a
      // simulated thread of its own, since a host thread preempted at
      // every operation may hold one of them right now.
      stopping_ = true;
      exec_->spawn("world-stop", [this] { stop_hosts(); });
    }
  }
  if (config_.time_limit.count() > 0 && !exec_->over() &&
      exec_->global_now_ns() - start_ns_ > config_.time_limit.count()) {
    exec_->fail(outcome::timeout, "timeout: the run passed its virtual time limit of " +
                                      std::to_string(config_.time_limit.count() / 1'000'000) + " ms");
  }
}

bool world::step() {
  const world_scope scope(this);
  const executor::scope installed(*exec_);
  const bool more = exec_->step();
  after_step();
  return more && !exec_->over();
}

run_report world::run() {
  const world_scope scope(this);
  const executor::scope installed(*exec_);
  while (exec_->step()) {
    after_step();
    if (exec_->over()) break;
  }
  run_report r = exec_->finish();
  r.end_time_ns -= start_ns_;
  return r;
}

run_report world::run_for(std::chrono::nanoseconds d) {
  const world_scope scope(this);
  const executor::scope installed(*exec_);
  const std::int64_t limit = exec_->global_now_ns() + d.count();
  while (!exec_->over() && exec_->global_now_ns() < limit) {
    run_report r = exec_->run_until(limit);
    (void)r;
    after_step();
    if (exec_->global_now_ns() >= limit) break;
  }
  run_report r = exec_->over() ? exec_->finish() : run_report{};
  r.end_time_ns = exec_->global_now_ns() - start_ns_;
  return r;
}

void world::at(std::chrono::nanoseconds after, std::function<void()> fn) {
  exec_->at(start_ns_ + after.count(), [this, fn = std::move(fn)] {
    const world_scope scope(this);
    fn();
  });
}

std::vector<trace::event> world::trace() const { return sink_ ? sink_->events() : std::vector<trace::event>{}; }

std::uint64_t world::trace_hash() const { return trace::trace_hash(trace()); }

std::string world::save_trace(const std::string& path) const {
  return trace::write_whole_file(path, trace::to_jsonl(trace()));
}

std::chrono::nanoseconds world::now() const {
  return std::chrono::nanoseconds(exec_->global_now_ns() - start_ns_);
}

bool world::finished(host_id h) const { return hosts_.at(h - 1)->finished; }
std::size_t world::restarts(host_id h) const { return hosts_.at(h - 1)->restarts; }

std::uint64_t world::choose(std::uint64_t n, choice_kind k) {
  WEFT_ASSERT(n >= 1, "random(0)");
  return exec_->choose(n, k);
}

std::uint64_t random(std::uint64_t n) {
  world* w = world::current();
  return w == nullptr || n <= 1 ? 0 : w->random(n);
}

bool world::buggify_at(const char* file, int line) {
  if (!config_.buggify) return false;
  auto [it, fresh] = buggify_sites_.try_emplace({file, line}, false);
  if (fresh) it->second = exec_->choose(4, choice_kind::buggify) == 0;
  if (!it->second) return false;
  const bool fire = exec_->choose(4, choice_kind::buggify) == 0;
  if (fire) net_->emit(trace::kind::buggify, net_->current_host(), line);
  return fire;
}

bool buggify(const char* file, int line) {
  world* w = world::current();
  return w != nullptr && w->buggify_at(file, line);
}

}  // namespace weft::sim
