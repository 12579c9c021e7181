// Runtime configuration, filled in by rt::builder (runtime/runtime.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace weft::trace {
class sink;
}
namespace weft::rt::io {
class reactor;
}

namespace weft::rt {

enum class flavour : std::uint8_t {
  current_thread,  // the thread calling block_on runs every task
  multi_thread,    // N worker threads with work stealing
};

struct runtime_config {
  rt::flavour kind = flavour::multi_thread;
  std::size_t workers = 0;               // multi_thread only; 0 means "not set"
  std::string thread_name = "weft-worker";
  // Every `event_interval` ticks a worker polls its driver without blocking
  // and checks for shutdown (Tokio: 61).
  std::uint32_t event_interval = 61;
  // Every `global_queue_interval` ticks a worker takes from the inject queue
  // before its local queue, so injected tasks are not starved (Tokio: 61).
  std::uint32_t global_queue_interval = 61;
  // Per-worker ring buffer size; a power of two, at least 2 (Tokio: 256).
  std::size_t local_queue_capacity = 256;
  // Run a task woken by the running task next, on the same worker.
  bool lifo_slot = true;
  // Where trace events go; null disables tracing (one branch per event).
  trace::sink* sink = nullptr;
  // Host number stamped on trace events (the simulator sets it).
  std::uint32_t host = 0;
  // Sockets: with I/O disabled the driver only keeps time.
  bool enable_io = true;
  // Supplies the reactor instead of the flavour's default (the simulator
  // plugs its network in here).
  std::function<std::unique_ptr<io::reactor>()> reactor_factory;
};

}  // namespace weft::rt
