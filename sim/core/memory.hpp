// Weak memory for sys::atomic under exploration (executor_options::weak_memory).
//
// Without it every simulated thread sees sequentially consistent memory: a
// load returns the last value stored. With it, a load may return any store
// the C++20 memory model allows it to see, and a store may take any place
// in its location's modification order that the model allows, so a missing
// acquire, release or fence shows up as a wrong value read.
//
// The model is RC11 (Lahav, Vafeiadis, Kang, Hur, Dreyer: "Repairing
// sequential consistency in C/C++11", PLDI 2017) run operationally, as the
// promise-free fragment of the promising semantics (Kang et al., POPL 2017)
// runs it, with views kept as vector clocks:
//
//  * Each location keeps its stores in modification order (mo), oldest
//    first: `memory_location::stores`.
//  * A thread has *seen* a store if it wrote or read it, or if it is
//    happens-after a thread that had (the vector clocks of race.hpp carry
//    this: each store lists the (component, epoch) pairs that saw it, and a
//    thread whose clock has reached one of them has seen it too).
//  * A load may read any store at or after the newest store it has seen
//    (coherence: read-read, write-read, and happens-before then read). Which
//    one is a choice of kind `memory` on the run's schedule: 0 is the newest,
//    k the k-th older one, so replay and shrinking work unchanged and a
//    shrunk schedule prefers sequentially consistent reads.
//  * A store goes anywhere after the newest store its thread has seen, but
//    never between a store and the RMW that read it; where is again a
//    `memory` choice, 0 at the end (write-write coherence, and the 2+2W and
//    S shapes, need stores placed before others already made).
//  * An RMW reads the newest store and goes right after it (see Limits).
//  * Synchronisation: a store carries a *release clock*: the writer's clock
//    for a release store; for a relaxed one the writer's clock at its last
//    release fence (or nothing); for an RMW, the release clock of the store
//    it read joined with its own (so release sequences, C++20's: the release
//    head and the RMWs after it). An acquire load joins the release clock of
//    the store it reads; a relaxed load keeps it for the thread's next
//    acquire fence.
//  * seq_cst: fences and accesses are ordered by one global clock. A
//    seq_cst fence joins it and publishes to it; a seq_cst access does the
//    same around the access, which is also acquire and/or release.
//
// What this excludes, exactly:
//  * load buffering and every out-of-thin-air shape: a load reads only a
//    store already executed, so po ∪ rf is acyclic — RC11 forbids these too;
//  * an RMW placed anywhere but at the end of modification order (loom does
//    the same): a failing compare-exchange may read an older store, a
//    successful one and every other RMW reads the newest;
//  * stores older than the last `executor_options::store_history` of a
//    location (8 by default): they are forgotten and can no longer be read;
//  * seq_cst semantics weaker than "seq_cst operations and fences take
//    part in one total order that joins their clocks": programs that mix
//    seq_cst with weaker accesses to one location may lose outcomes RC11
//    allows (the seq_cst total order of RC11's psc is not built);
//  * values of more than 8 bytes: such atomics stay sequentially consistent.
// Fairness: a thread that reads one location a third time in a row with
// nothing written anywhere since, or that yielded (a spin hint) with nothing
// written since, reads the newest store: stores become visible to a spinning
// reader in finite time ([intro.progress] and [atomics.order] ask that they
// do), and exhaustive searches of spin loops stay finite.
//
// Happens-before: seq_cst order joins clocks, so two plain (sys::cell)
// accesses ordered only by it are not reported as a race.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "sim/core/race.hpp"

namespace weft::sim {

// Whether an access or fence with this order acquires / releases (consume
// counts as acquire, as every implementation treats it).
constexpr bool acquires(std::memory_order o) noexcept {
  return o == std::memory_order_acquire || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst ||
         o == std::memory_order_consume;
}
constexpr bool releases(std::memory_order o) noexcept {
  return o == std::memory_order_release || o == std::memory_order_acq_rel || o == std::memory_order_seq_cst;
}

// A thread (its clock component) at one of its epochs.
struct seen_at {
  std::uint32_t component = 0;
  std::uint32_t epoch = 0;
};

struct store_record {
  std::uint64_t bits = 0;     // the value, as its bytes
  std::uint64_t event = 0;    // its number among the run's memory events; 0 for the initial value
  vector_clock release;       // what an acquire load reading it joins
  std::vector<seen_at> seen;  // the writer first, then each reader at the epoch it first read
  bool initial = false;       // the value before this run's first store: every thread has seen it
  bool rmw_follows = false;   // the next store in mo is an RMW that read this one
};

// One atomic's stores, kept by the sys::atomic itself.
struct memory_location {
  std::vector<store_record> stores;  // modification order, oldest first
  std::uint64_t run = 0;             // the executor run it belongs to; another run restarts it
  std::uint64_t id = 0;              // names the location in memory events
};

// What the memory model did, for `weft litmus --dot` and tests
// (executor_options::memory_observer).
struct memory_event {
  enum class kind : std::uint8_t { load, store, rmw, fence };
  kind what = kind::load;
  std::uint32_t thread = 0;       // the simulated thread; ~0u: the driver
  std::uint64_t location = 0;     // memory_location::id (0 for a fence)
  std::uint64_t event = 0;        // this event's number in the run (1, 2, ...)
  std::uint64_t value = 0;        // read (loads), written (stores, RMWs)
  std::uint64_t read_from = 0;    // loads and RMWs: the store read (0: the initial value)
  std::uint64_t mo_after = 0;     // stores and RMWs: the store right before it in mo (0: initial)
  std::uint8_t order = 0;         // the std::memory_order, as a number
};

}  // namespace weft::sim
