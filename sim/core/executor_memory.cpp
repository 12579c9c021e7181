// Weak memory: the executor's side of sim/core/memory.hpp (the model, and
// what it excludes, are described there).
#include <algorithm>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor.hpp"
#include "sim/core/executor_thread.hpp"

namespace weft::sim {

void executor::memory_begin(memory_location& loc, std::uint64_t bits) {
  if (loc.run == run_serial_) return;
  loc.run = run_serial_;
  loc.id = new_object_id();
  loc.stores.clear();
  store_record initial;
  initial.bits = bits;
  initial.initial = true;
  loc.stores.push_back(std::move(initial));
}

// The newest store of `loc` the running thread has seen: it may read that
// one or a newer one, and store only after it.
std::size_t executor::memory_floor(const memory_location& loc) const {
  const vector_clock& mine = *clock_;
  for (std::size_t i = loc.stores.size(); i-- > 0;) {
    const store_record& s = loc.stores[i];
    if (s.initial) return i;
    for (const seen_at& w : s.seen) {
      if (mine.get(w.component) >= w.epoch) return i;
    }
  }
  return 0;  // what it saw was forgotten (store_history): the oldest kept
}

// Fairness (memory.hpp): a spinning reader sees the newest store.
bool executor::reads_newest() const noexcept {
  if (current_ == no_thread) return true;  // the driver's events are not explored
  const thread& me = *threads_[current_];
  return me.rereads >= 2 || spun_since_last_write(me);
}

std::size_t executor::memory_pick_read(memory_location& loc, const std::uint64_t* unless_equal) {
  WEFT_ASSERT(loc.run == run_serial_ && !loc.stores.empty(), "memory_begin must come first");
  const std::size_t newest = loc.stores.size() - 1;
  if (newest == 0 || reads_newest()) return newest;
  memory_scratch_.clear();
  memory_scratch_.push_back(newest);
  for (std::size_t i = newest, floor = memory_floor(loc); i-- > floor;) {
    if (unless_equal == nullptr || loc.stores[i].bits != *unless_equal) memory_scratch_.push_back(i);
  }
  if (memory_scratch_.size() == 1) return newest;
  return memory_scratch_[choose(memory_scratch_.size(), choice_kind::memory)];
}

void executor::note_seen(store_record& s) {
  if (s.initial) return;
  const std::uint32_t me = my_component();
  for (const seen_at& w : s.seen) {
    if (w.component == me) return;  // seen already, at an epoch no later than now
  }
  s.seen.push_back({me, my_epoch()});
}

void executor::sc_enter() {
  note_access(&sc_clock_, true);  // seq_cst operations are ordered among themselves
  my_clock().join(sc_clock_);
}

void executor::sc_leave() {
  sc_clock_.assign(my_clock());
  my_clock().tick(my_component());
}

// Reading `s`: an acquire synchronises with its release clock now, a
// relaxed read keeps it for the next acquire fence; either way the reader
// has seen it.
void executor::read_store(store_record& s, std::memory_order order) {
  if (acquires(order)) {
    my_clock().join(s.release);
  } else if (!s.release.empty()) {
    acquired_relaxed().join(s.release);
  }
  note_seen(s);
}

void executor::memory_read(memory_location& loc, std::size_t index, std::memory_order order) {
  WEFT_ASSERT(index < loc.stores.size(), "read of a store the location does not have");
  const bool sc = order == std::memory_order_seq_cst;
  if (sc) sc_enter();
  store_record& s = loc.stores[index];
  read_store(s, order);
  if (options_.op_log) [[unlikely]] log_sync(acquires(order) ? "acquire" : "read", &loc);
  observe(memory_event::kind::load, &loc, s.bits, s.event, 0, order);
  if (sc) sc_leave();
}

// Puts `s` into `loc` right after loc.stores[after], forgetting the oldest
// stores past the bound.
void executor::add_store(memory_location& loc, std::size_t after, store_record&& s) {
  s.event = ++memory_events_;
  s.seen.push_back({my_component(), my_epoch()});
  loc.stores.insert(loc.stores.begin() + static_cast<std::ptrdiff_t>(after) + 1, std::move(s));
  const std::size_t bound = std::max<std::size_t>(options_.store_history, 1);
  if (loc.stores.size() > bound) {
    loc.stores.erase(loc.stores.begin(), loc.stores.end() - static_cast<std::ptrdiff_t>(bound));
  }
}

void executor::memory_write(memory_location& loc, std::uint64_t bits, std::memory_order order) {
  WEFT_ASSERT(loc.run == run_serial_ && !loc.stores.empty(), "memory_begin must come first");
  const bool sc = order == std::memory_order_seq_cst;
  if (sc) sc_enter();
  const std::size_t newest = loc.stores.size() - 1;
  std::size_t after = newest;
  if (current_ != no_thread && newest > 0) {
    memory_scratch_.clear();
    for (std::size_t i = newest + 1, floor = memory_floor(loc); i-- > floor;) {
      if (!loc.stores[i].rmw_follows) memory_scratch_.push_back(i);
    }
    if (memory_scratch_.size() > 1) after = memory_scratch_[choose(memory_scratch_.size(), choice_kind::memory)];
  }
  store_record s;
  s.bits = bits;
  s.release.assign(releases(order) ? my_clock() : fence_release());
  const std::uint64_t before = loc.stores[after].event;
  add_store(loc, after, std::move(s));
  if (options_.op_log) [[unlikely]] log_sync(releases(order) ? "release" : "write", &loc);
  observe(memory_event::kind::store, &loc, bits, 0, before, order);
  if (releases(order)) my_clock().tick(my_component());
  if (sc) sc_leave();
}

void executor::memory_rmw(memory_location& loc, std::uint64_t bits, std::memory_order order) {
  WEFT_ASSERT(loc.run == run_serial_ && !loc.stores.empty(), "memory_begin must come first");
  const bool sc = order == std::memory_order_seq_cst;
  if (sc) sc_enter();
  const std::size_t newest = loc.stores.size() - 1;
  store_record& read = loc.stores[newest];
  read_store(read, order);
  read.rmw_follows = true;
  store_record s;
  s.release.assign(read.release);  // the release sequence goes on through the RMW
  s.release.join(releases(order) ? my_clock() : fence_release());
  s.bits = bits;
  const std::uint64_t read_event = read.event;
  add_store(loc, newest, std::move(s));
  if (options_.op_log) [[unlikely]] log_sync("rmw", &loc);
  observe(memory_event::kind::rmw, &loc, bits, read_event, read_event, order);
  if (releases(order)) my_clock().tick(my_component());
  if (sc) sc_leave();
}

void executor::memory_fence(std::memory_order order) {
  if (!tracks_hb_) return;
  // seq_cst fences are ordered among themselves: a scheduling point on the
  // seq_cst order. Acquire and release fences touch only the thread's clocks.
  const bool sc = order == std::memory_order_seq_cst && options_.weak_memory;
  if (sc) {
    operation(&sc_clock_, true);
    note_access(&sc_clock_, true);
  }
  if (acquires(order)) my_clock().join(acquired_relaxed());
  if (sc) sc_enter();
  if (releases(order)) {
    fence_release().assign(my_clock());
    my_clock().tick(my_component());
  }
  observe(memory_event::kind::fence, nullptr, 0, 0, 0, order);
  if (sc) sc_leave();
}

void executor::observe(memory_event::kind what, const memory_location* loc, std::uint64_t value,
                       std::uint64_t read_from, std::uint64_t mo_after, std::memory_order order) {
  if (!options_.memory_observer) return;
  memory_event e;
  e.what = what;
  e.thread = current_;
  e.location = loc != nullptr ? loc->id : 0;
  e.event = what == memory_event::kind::store || what == memory_event::kind::rmw ? memory_events_ : ++memory_events_;
  e.value = value;
  e.read_from = read_from;
  e.mo_after = mo_after;
  e.order = static_cast<std::uint8_t>(order);
  options_.memory_observer(e);
}

}  // namespace weft::sim
