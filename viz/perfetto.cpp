#include "viz/perfetto.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace weft::viz {

using json = nlohmann::ordered_json;
using trace::event;
using trace::kind;

namespace {

double ts_of(const event& e) { return static_cast<double>(e.time_ns) / 1000.0 + static_cast<double>(e.seq) * 0.001; }

// Workers are tracks 1..N; other simulated threads 1000+thread; the world 0.
int tid_of(const event& e) {
  if (e.worker >= 0) return e.worker + 1;
  if (e.thread >= 0) return 1000 + e.thread;
  return 0;
}

std::string track_name(const event& e) {
  if (e.worker >= 0) return fmt::format("worker {}", e.worker);
  if (e.thread >= 0) return fmt::format("thread {}", e.thread);
  return "network and faults";
}

const char* outcome_name(std::int64_t a) {
  switch (static_cast<trace::outcome>(a)) {
    case trace::outcome::ok: return "finished";
    case trace::outcome::error: return "threw";
    case trace::outcome::cancelled: return "cancelled";
  }
  return "ended";
}

// The Chrome trace being built: a process per host, a track per worker or
// thread, polls as slices, the rest as instants, wakes and messages as flows.
class timeline {
 public:
  void add(const event& e) {
    switch (e.what) {
      case kind::poll_start: poll_start(e); break;
      case kind::poll_end: poll_end(e); break;
      case kind::wake: wake(e); break;
      case kind::net_send: net_send(e); break;
      case kind::net_deliver: net_deliver(e); break;
      case kind::schedule: break;  // every poll shows it; keeps the timeline light
      default: instant(e, name_of(e), category_of(e.what), args_of(e)); break;
    }
  }

  std::string finish() {
    for (const std::uint32_t h : hosts_) {
      list_.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", h},
                       {"args", {{"name", h == 0 ? std::string("runtime") : fmt::format("host {}", h)}}}});
    }
    json out;
    out["displayTimeUnit"] = "ns";
    out["traceEvents"] = std::move(list_);
    return out.dump(1) + "\n";
  }

 private:
  using task_key = std::pair<std::uint32_t, std::uint64_t>;  // (host, task)

  static std::string name_of(const event& e) {
    switch (e.what) {
      case kind::spawn: return fmt::format("spawn task {}", e.task);
      case kind::complete: return fmt::format("task {} {}", e.task, outcome_name(e.a));
      case kind::cancel: return fmt::format("cancel task {}", e.task);
      case kind::steal: return fmt::format("steal {} from worker {}", e.b, e.a);
      case kind::park: return "park";
      case kind::unpark: return e.a == 1 ? "unpark (notified)" : "unpark";
      case kind::notify: return fmt::format("notify worker {}", e.a);
      case kind::overflow: return fmt::format("overflow {} to inject", e.a);
      case kind::shutdown: return "shutdown";
      case kind::net_drop: return fmt::format("drop #{}", e.a);
      default: return std::string(trace::kind_name(e.what));
    }
  }

  static const char* category_of(kind k) {
    switch (k) {
      case kind::spawn: case kind::complete: case kind::cancel: return "task";
      case kind::steal: case kind::park: case kind::unpark: case kind::notify: case kind::overflow:
      case kind::shutdown: return "sched";
      case kind::net_drop: return "net";
      default: return "world";
    }
  }

  static json args_of(const event& e) {
    switch (e.what) {
      case kind::spawn: return {{"parent", e.a}};
      case kind::net_drop: return {{"reason", e.b}};
      case kind::complete: case kind::cancel: case kind::steal: case kind::park: case kind::unpark:
      case kind::notify: case kind::overflow: case kind::shutdown: return json::object();
      default: return {{"a", e.a}, {"b", e.b}};
    }
  }

  json base(const event& e, const std::string& name, const char* cat, const char* ph) {
    json j;
    j["name"] = name;
    j["cat"] = cat;
    j["ph"] = ph;
    j["ts"] = ts_of(e);
    j["pid"] = e.host;
    j["tid"] = tid_of(e);
    hosts_.insert(e.host);
    if (tracks_.insert({e.host, tid_of(e)}).second) {
      list_.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", e.host}, {"tid", tid_of(e)},
                       {"args", {{"name", track_name(e)}}}});
    }
    return j;
  }

  void instant(const event& e, const std::string& name, const char* cat, json args) {
    json j = base(e, name, cat, "i");
    j["s"] = "t";
    j["args"] = std::move(args);
    j["args"]["step"] = e.seq;
    list_.push_back(std::move(j));
  }

  void tiny_slice(const event& e, const std::string& name, const char* cat, json args) {
    json j = base(e, name, cat, "X");
    j["dur"] = 0.0005;
    j["args"] = std::move(args);
    j["args"]["step"] = e.seq;
    list_.push_back(std::move(j));
  }

  void poll_start(const event& e) {
    const task_key key{e.host, e.task};
    open_polls_[key] = &e;
    if (const auto it = pending_wake_flow_.find(key); it != pending_wake_flow_.end()) {
      // The flow ends at the slice this poll opens (bound to its start).
      json f = base(e, "wake", "wake", "f");
      f["bp"] = "e";
      f["id"] = it->second;
      f["ts"] = ts_of(e) + 0.0001;
      list_.push_back(std::move(f));
      pending_wake_flow_.erase(it);
    }
  }

  void poll_end(const event& e) {
    const auto it = open_polls_.find(task_key{e.host, e.task});
    if (it == open_polls_.end()) return;
    json j = base(*it->second, fmt::format("task {}", e.task), "poll", "X");
    j["dur"] = std::max(0.0005, ts_of(e) - ts_of(*it->second));
    j["args"] = {{"task", e.task}, {"completed", e.a == 1}, {"step", it->second->seq}};
    list_.push_back(std::move(j));
    open_polls_.erase(it);
  }

  void wake(const event& e) {
    tiny_slice(e, fmt::format("wake task {}", e.task), "wake", {{"task", e.task}, {"by_task", e.a}, {"queued", e.b == 1}});
    if (e.b != 1) return;
    json s = base(e, "wake", "wake", "s");
    s["id"] = next_flow_;
    list_.push_back(std::move(s));
    pending_wake_flow_[task_key{e.host, e.task}] = next_flow_++;
  }

  void net_send(const event& e) {
    tiny_slice(e, fmt::format("send #{} to host {}", e.a, e.b), "net", {{"message", e.a}, {"to", e.b}});
    json s = base(e, "message", "net", "s");
    s["id"] = e.a;
    list_.push_back(std::move(s));
  }

  void net_deliver(const event& e) {
    tiny_slice(e, fmt::format("deliver #{}", e.a), "net", {{"message", e.a}, {"bytes", e.b}});
    json f = base(e, "message", "net", "f");
    f["bp"] = "e";
    f["id"] = e.a;
    list_.push_back(std::move(f));
  }

  json list_ = json::array();
  std::set<std::uint32_t> hosts_;
  std::set<std::pair<std::uint32_t, int>> tracks_;
  std::map<task_key, const event*> open_polls_;  // -> its poll_start
  std::map<task_key, std::uint64_t> pending_wake_flow_;
  std::uint64_t next_flow_ = 1'000'000;
};

}  // namespace

std::string perfetto_json(const std::vector<event>& events) {
  timeline t;
  for (const event& e : events) t.add(e);
  return t.finish();
}

}  // namespace weft::viz
