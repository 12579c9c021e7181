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

}  // namespace

std::string perfetto_json(const std::vector<event>& events) {
  json out;
  out["displayTimeUnit"] = "ns";
  json& list = out["traceEvents"];
  list = json::array();
  std::set<std::uint32_t> hosts;
  std::set<std::pair<std::uint32_t, int>> tracks;
  std::map<std::pair<std::uint32_t, std::uint64_t>, const event*> open_polls;  // (host, task) -> poll_start
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> pending_wake_flow;
  std::uint64_t next_flow = 1'000'000;
  auto base = [&](const event& e, const std::string& name, const char* cat, const char* ph) {
    json j;
    j["name"] = name;
    j["cat"] = cat;
    j["ph"] = ph;
    j["ts"] = ts_of(e);
    j["pid"] = e.host;
    j["tid"] = tid_of(e);
    hosts.insert(e.host);
    if (tracks.insert({e.host, tid_of(e)}).second) {
      list.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", e.host}, {"tid", tid_of(e)},
                      {"args", {{"name", track_name(e)}}}});
    }
    return j;
  };
  auto instant = [&](const event& e, const std::string& name, const char* cat, json args = json::object()) {
    json j = base(e, name, cat, "i");
    j["s"] = "t";
    j["args"] = std::move(args);
    j["args"]["step"] = e.seq;
    list.push_back(std::move(j));
  };
  auto tiny_slice = [&](const event& e, const std::string& name, const char* cat, json args) {
    json j = base(e, name, cat, "X");
    j["dur"] = 0.0005;
    j["args"] = std::move(args);
    j["args"]["step"] = e.seq;
    list.push_back(std::move(j));
  };
  for (const event& e : events) {
    const auto key = std::pair(e.host, e.task);
    switch (e.what) {
      case kind::poll_start:
        open_polls[key] = &e;
        if (const auto it = pending_wake_flow.find(key); it != pending_wake_flow.end()) {
          // The flow ends at the slice this poll opens (bound to its start).
          json f = base(e, "wake", "wake", "f");
          f["bp"] = "e";
          f["id"] = it->second;
          f["ts"] = ts_of(e) + 0.0001;
          list.push_back(std::move(f));
          pending_wake_flow.erase(it);
        }
        break;
      case kind::poll_end: {
        const auto it = open_polls.find(key);
        if (it == open_polls.end()) break;
        json j = base(*it->second, fmt::format("task {}", e.task), "poll", "X");
        j["dur"] = std::max(0.0005, ts_of(e) - ts_of(*it->second));
        j["args"] = {{"task", e.task}, {"completed", e.a == 1}, {"step", it->second->seq}};
        list.push_back(std::move(j));
        open_polls.erase(it);
        break;
      }
      case kind::wake: {
        json args = {{"task", e.task}, {"by_task", e.a}, {"queued", e.b == 1}};
        tiny_slice(e, fmt::format("wake task {}", e.task), "wake", args);
        if (e.b == 1) {
          json s = base(e, "wake", "wake", "s");
          s["id"] = next_flow;
          list.push_back(std::move(s));
          pending_wake_flow[key] = next_flow++;
        }
        break;
      }
      case kind::spawn: instant(e, fmt::format("spawn task {}", e.task), "task", {{"parent", e.a}}); break;
      case kind::complete:
        instant(e, fmt::format("task {} {}", e.task, e.a == 0 ? "finished" : e.a == 1 ? "threw" : "cancelled"), "task");
        break;
      case kind::cancel: instant(e, fmt::format("cancel task {}", e.task), "task"); break;
      case kind::steal: instant(e, fmt::format("steal {} from worker {}", e.b, e.a), "sched"); break;
      case kind::park: instant(e, "park", "sched"); break;
      case kind::unpark: instant(e, e.a == 1 ? "unpark (notified)" : "unpark", "sched"); break;
      case kind::notify: instant(e, fmt::format("notify worker {}", e.a), "sched"); break;
      case kind::overflow: instant(e, fmt::format("overflow {} to inject", e.a), "sched"); break;
      case kind::shutdown: instant(e, "shutdown", "sched"); break;
      case kind::net_send: {
        tiny_slice(e, fmt::format("send #{} to host {}", e.a, e.b), "net", {{"message", e.a}, {"to", e.b}});
        json s = base(e, "message", "net", "s");
        s["id"] = e.a;
        list.push_back(std::move(s));
        break;
      }
      case kind::net_deliver: {
        tiny_slice(e, fmt::format("deliver #{}", e.a), "net", {{"message", e.a}, {"bytes", e.b}});
        json f = base(e, "message", "net", "f");
        f["bp"] = "e";
        f["id"] = e.a;
        list.push_back(std::move(f));
        break;
      }
      case kind::net_drop: instant(e, fmt::format("drop #{}", e.a), "net", {{"reason", e.b}}); break;
      case kind::schedule: break;  // every poll shows it; keeps the timeline light
      default: instant(e, std::string(trace::kind_name(e.what)), "world", {{"a", e.a}, {"b", e.b}}); break;
    }
  }
  for (const std::uint32_t h : hosts) {
    list.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", h},
                    {"args", {{"name", h == 0 ? std::string("runtime") : fmt::format("host {}", h)}}}});
  }
  return out.dump(1) + "\n";
}

}  // namespace weft::viz
