// Trace events: what the runtime decided, one record per decision.
//
// The runtime emits an event at every scheduling decision (spawn, poll start
// and end, wake, steal, park, unpark, complete, cancel, ...). The deterministic
// world adds its own kinds (deliveries, faults, clock jumps) to the same
// stream, and viz/ renders it. docs/trace.md is the reference for the stored
// form (JSON Lines) and what `a` and `b` mean for each kind.
#pragma once

#include <cstdint>
#include <string_view>

namespace weft::trace {

// Keep in step with kind_name() and docs/trace.md. New kinds go at the end:
// stored traces name kinds by string, but the numeric order is part of the
// in-memory API.
enum class kind : std::uint8_t {
  spawn,       // task created; a = parent task id (0: spawned from outside a task)
  poll_start,  // a worker began polling task
  poll_end,    // poll returned; a = 1 if the task completed, 0 if it is pending
  wake,        // task woken; a = waking task id (0: not from a task), b = 1 if it was queued
  schedule,    // task queued; a = queue (see `queue` below)
  steal,       // worker stole tasks; a = victim worker, b = number of tasks
  park,        // worker parks; a = timeout in ns (-1: none)
  unpark,      // worker woke from park; a = 1 if by a notification, 0 if by timeout
  notify,      // a worker asked to wake worker a (idle protocol)
  complete,    // task finished; a = outcome (see `outcome` below)
  cancel,      // task aborted or shut down; a = 1 if by runtime shutdown, 0 if by abort()
  overflow,    // local queue full: a = tasks moved to the inject queue
  shutdown,    // runtime shutdown began
  // ---- the deterministic world's own events (sim/) ----
  net_send,     // a message left `host`: a = message id, b = destination host
  net_deliver,  // message a arrived at `host`; b = bytes
  net_drop,     // message a was lost; b = reason (see `drop_reason`)
  partition,    // link from host a to host b cut (b = -1: every link of a)
  heal,         // link from host a to host b repaired (b = -1: every link of a)
  crash,        // `host` crashed: its tasks dropped, its connections reset
  restart,      // `host` started again (its main runs anew)
  pause,        // `host` stopped being scheduled
  resume,       // `host` is scheduled again
  clock_jump,   // virtual time jumped from a to b (ns) with every thread blocked
  buggify,      // a buggify point fired; a = site id
  net_connect,  // a connection opened: a = connection id, b = peer host
  net_reset,    // connection a was reset (crash, refused, or the peer went away)
  net_link,     // link from `host` to host a reconfigured; b = its maximum latency in us
  count_        // number of kinds; not a kind
};

// For kind::schedule.
enum class queue : std::uint8_t { local = 0, lifo = 1, inject = 2, yield = 3 };

// For kind::complete.
enum class outcome : std::uint8_t { ok = 0, error = 1, cancelled = 2 };

// For kind::net_drop.
enum class drop_reason : std::uint8_t { loss = 0, partition = 1, crash = 2, closed = 3 };

std::string_view kind_name(kind k) noexcept;
// Parses a name written by kind_name(); returns false if it is not one.
bool kind_from_name(std::string_view name, kind& out) noexcept;

// One event. Plain data, no pointers, so a trace is a value that can be
// compared byte for byte across runs of the same seed.
struct event {
  std::uint64_t seq = 0;      // position in the trace, assigned by the sink
  std::int64_t time_ns = 0;   // sys::clock time (virtual time in the simulator)
  std::uint32_t host = 0;     // simulated host; 0 in the real world
  std::int32_t thread = -1;   // simulated thread; -1 in the real world
  std::int32_t worker = -1;   // worker index, -1 when not on a worker thread
  std::uint64_t task = 0;     // task id, 0 when the event is about no task
  kind what = kind::spawn;
  std::int64_t a = 0;         // kind-specific argument
  std::int64_t b = 0;         // kind-specific argument

  friend bool operator==(const event&, const event&) = default;
};

// Where the runtime sends events. record() may be called from any thread at
// once; implementations serialise as they need. It must not call back into
// the runtime.
class sink {
 public:
  virtual ~sink() = default;
  virtual void record(const event& e) noexcept = 0;
};

}  // namespace weft::trace
