// Linearizability: does a concurrent history of operations on one shared
// object look as if each operation took effect atomically at one instant
// between its invocation and its response (Herlihy & Wing, 1990)?
//
// A test records the history from its threads, then checks it against a
// sequential specification, the model:
//
//   struct reg_op { bool write; int value; };          // write(v) or read()
//   struct reg_model {                                  // a register holding an int
//     int value = 0;
//     int apply(const reg_op& op) {                     // does op, returns the answer
//       if (op.write) { value = op.value; return 0; }
//       return value;
//     }
//     std::size_t hash() const { return std::hash<int>{}(value); }
//     bool operator==(const reg_model&) const = default;
//   };
//
//   props::history<reg_op, int> h;
//   // in each thread, around each operation on the object under test:
//   const std::size_t id = h.invoke(thread, reg_op{false, 0});
//   const int got = reg.read();
//   h.complete(id, got);            // never called if the thread is abandoned
//   // once every thread is done:
//   const props::lin_result r = props::check_linearizable(h, reg_model{});
//   EXPECT_TRUE(r.linearizable) << r.explanation;
//
// The model (concept `sequential_spec`) is copyable, has `==`, a member
// `std::size_t hash() const` consistent with `==`, and `Ret apply(const Op&)`
// that performs the operation on itself and returns what the object should
// answer; `Ret` needs `==`. Explanations print operations and answers with
// lin_options::describe_op / describe_ret, or operator<< when those are empty.
//
// Pending operations (invoked, never completed) follow the standard
// definition: each either took effect at some point after its invocation,
// with whatever answer the model gives, or never took effect at all.
// Operations completed with an unknown answer (history::complete_unknown:
// a timeout, Jepsen's indeterminate results) are bounded in time as well:
// each took effect at most once, between its invocation and its
// completion, with whatever answer the model gives — or never.
//
// Budgets. A search stops without a verdict (lin_result::undecided says
// why) after lin_options::max_configurations configurations or at
// lin_options::time_limit of wall time; explanations are computed only
// when lin_options::explain asks for them, after the verdict.
//
// The search (Wing & Gong, 1993, with Lowe's memoisation, "Testing for
// linearizability", 2017). Every invocation and response is a node of one
// list in history order. Scanning from the front, a call node may be
// *lifted* (its operation linearized next) when the model's answer matches
// the recorded one: the model steps, the call and its response leave the
// list, and the scan restarts at the front. Reaching a response node means
// that operation would have had to be linearized already, so the last lift
// is undone and the scan moves past that call. Every completed operation
// lifted is a witness; undoing with nothing lifted means there is none.
// Lowe's cache makes this fast: what the search can still do from a point
// depends only on the set of operations linearized and the model state, so
// a (set, state) pair seen once is never explored again, and the search
// visits each configuration at most once. Pending operations have no
// response node, so they never force a backtrack: they can be lifted with
// any answer at any point after their invocation, and those never lifted
// are dropped. An operation with an unknown answer can be lifted with any
// answer before its response node; reaching that node with it unlifted
// drops it (a step of the search like a lift, undone by backtracking past
// it, so the search tries both). The search is a loop over an explicit stack (no recursion:
// 1,000-operation histories are fine) bounded by
// lin_options::max_configurations.
//
// Cost. Registers and counters check fast (a 500-operation, 4-thread
// register history takes about 1,000 configurations). Queues whose values
// are enqueued concurrently are the hard case: each unresolved order of the
// overlapping enqueues is a distinct model state, so the search grows with
// how many enqueues overlap while the queue is long (measured on 4
// threads: 60 operations take 70 to 16,000 configurations, 100 take 500
// to 740,000, and some 500-operation histories with 30-element queues
// exceed 5 * 10^6). Check such histories in shorter windows or by key.
//
// Explanations. A prefix of a linearizable history is linearizable (with
// the operations not yet answered treated as pending), so the prefixes that
// fail are those from some response on; bisecting over the responses finds
// the shortest failing prefix. The explanation shows it: the end of the
// longest partial linearization found, the operations that could not take
// effect next with what the model would have answered instead, and those
// that had to wait, one per line with thread and [invoke..response] event
// positions.
//
// Recording is thread-safe (a std::mutex around each call: never held
// across anything that could switch simulated threads, so it adds no
// scheduling point in the deterministic world). Check once recording is over.
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "runtime/sys/assert.hpp"

namespace weft::props {

// A sequential specification of an object with operations Op answering Ret.
template <class Model, class Op, class Ret>
concept sequential_spec =
    std::copyable<Model> && std::equality_comparable<Model> && std::equality_comparable<Ret> &&
    requires(Model& m, const Model& cm, const Op& op) {
      { m.apply(op) } -> std::convertible_to<Ret>;
      { cm.hash() } -> std::convertible_to<std::size_t>;
    };

// A concurrent history: operations in the order they were invoked, each
// with its invocation and response positions among all recorded events.
template <class Op, class Ret>
class history {
 public:
  struct entry {
    std::uint32_t thread = 0;  // who ran it (for explanations only)
    Op op;
    std::optional<Ret> ret;                   // empty while pending, or when the answer is unknown
    std::size_t invoked_at = 0;               // event position
    std::optional<std::size_t> responded_at;  // empty while pending
    bool pending() const noexcept { return !responded_at.has_value(); }
    bool unknown() const noexcept { return responded_at.has_value() && !ret.has_value(); }
  };

  history() = default;
  history(const history& other) : history(other, std::scoped_lock(other.mutex_)) {}
  history& operator=(const history& other) {
    if (this != &other) {
      std::scoped_lock lock(mutex_, other.mutex_);
      entries_ = other.entries_;
      events_ = other.events_;
    }
    return *this;
  }

  // Right before `thread` starts `op`; returns the operation's id (ids are
  // 0, 1, 2, ... in invocation order).
  std::size_t invoke(std::uint32_t thread, Op op) {
    std::scoped_lock lock(mutex_);
    entries_.push_back(entry{thread, std::move(op), std::nullopt, events_++, std::nullopt});
    return entries_.size() - 1;
  }

  // Right after operation `id` answered `ret`. Once per operation.
  void complete(std::size_t id, Ret ret) { finish(id, std::optional<Ret>(std::move(ret))); }

  // Operation `id` is over but what it answered is not known (it timed
  // out, its connection broke): it took effect at most once, before now,
  // with any answer. Once per operation, instead of complete().
  void complete_unknown(std::size_t id) { finish(id, std::nullopt); }

  // Every operation, indexed by id. Read once recording is over.
  const std::vector<entry>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  history(const history& other, const std::scoped_lock<std::mutex>&)
      : entries_(other.entries_), events_(other.events_) {}

  void finish(std::size_t id, std::optional<Ret> ret) {
    bool known = false;
    bool first = false;
    {
      // Assert outside the lock: a failed assertion in a simulated thread
      // abandons it, and must not leave the mutex held.
      std::scoped_lock lock(mutex_);
      known = id < entries_.size();
      first = known && entries_[id].pending();
      if (first) {
        entries_[id].ret = std::move(ret);
        entries_[id].responded_at = events_++;
      }
    }
    WEFT_ASSERT(known, "history::complete: no operation has this id (use what invoke returned)");
    WEFT_ASSERT(first, "history::complete: this operation was already completed");
  }

  mutable std::mutex mutex_;
  std::vector<entry> entries_;
  std::size_t events_ = 0;  // invocations and responses recorded
};

template <class Op, class Ret>
struct lin_options {
  // How explanations print operations and answers; when empty, operator<<
  // (and "?" for a type without one).
  std::function<std::string(const Op&)> describe_op;
  std::function<std::string(const Ret&)> describe_ret;
  // Distinct (linearized set, model state) configurations one search may
  // remember; each costs a bit per operation plus one model. At the bound
  // the check stops without a verdict (lin_result::undecided).
  std::size_t max_configurations = 1'000'000;
  // Wall time for the whole check (every key, and the explanation); at the
  // limit it stops without a verdict, or with the verdict and no
  // explanation if the verdict was in.
  std::optional<std::chrono::nanoseconds> time_limit;
  // Explain a failure (the shortest failing prefix, which costs several
  // more searches). Off: the verdict only.
  bool explain = true;
};

// Why a check has no verdict.
enum class lin_undecided : std::uint8_t { no, configurations, time };

// One operation of an explanation (lin_result::failure), for printing and drawing.
enum class lin_role : std::uint8_t {
  linearized,    // in the longest partial linearization, at `step`
  wrong_answer,  // could be next in real time, but the model answers otherwise
  dead_end,      // could be next and matches, but nothing continues after it
  pending,       // pending (or unknown) at the cut: taking effect here or not leads nowhere
  waits,         // invoked after `waits_for` responded, which is not linearized
};

inline constexpr std::size_t lin_no_event = std::numeric_limits<std::size_t>::max();

struct lin_step {
  std::size_t id = 0;
  std::uint32_t thread = 0;
  std::string op;
  std::string ret;                 // what it answered, when `answered`
  bool answered = false;           // by the cut
  bool unknown = false;            // it completed by the cut, answer unknown
  std::size_t invoked_at = 0;
  std::size_t responded_at = lin_no_event;  // in the whole history (may lie after the cut)
  lin_role role = lin_role::linearized;
  std::size_t step = 0;            // linearized: 1-based position
  std::size_t waits_for = 0;       // waits: that operation's id
  std::string model_answer;        // wrong_answer, dead_end, pending
};

// A failure explained: the shortest failing prefix and where the search got.
struct lin_explanation {
  std::string scope;                 // what was checked, when not the whole history
  std::size_t cut_event = lin_no_event;  // the shortest failing prefix ends here
  std::size_t culprit = 0;           // the operation responding at cut_event
  std::size_t completed_total = 0;   // in the prefix
  std::size_t completed_linearized = 0;
  std::size_t linearized_hidden = 0;  // earlier linearized operations not shown
  std::size_t others_hidden = 0;      // operations left out over the row cap
  std::string model_state;            // after the partial linearization; "" if unprintable
  std::vector<lin_step> steps;        // by invocation
};

struct lin_result {
  bool linearizable = false;
  // A budget ran out before a verdict (linearizable is false so that a
  // test does not pass by accident); `undecided` says which.
  bool gave_up = false;
  lin_undecided undecided = lin_undecided::no;
  // When not linearizable: the shortest failing prefix, one operation a
  // line (see the file comment), or a line saying it was not asked for or
  // out of time. When undecided: what stopped it. Empty otherwise.
  std::string explanation;
  std::optional<lin_explanation> failure;  // the explanation, structured
  // When linearizable: operation ids in a linearization order. Every
  // completed operation appears once; a pending one appears if it took
  // effect and is absent if it was dropped.
  std::vector<std::size_t> order;
  std::size_t configurations = 0;  // explored, over every search run
};

template <class Model, class Op, class Ret>
  requires sequential_spec<Model, Op, Ret>
lin_result check_linearizable(const history<Op, Ret>& h, const Model& initial,
                              const lin_options<Op, Ret>& options = {});

// Inside the deterministic world (e.g. at the end of a props::explore
// body): checks the history and, if it is not linearizable (or the search
// gave up), ends the run with outcome::not_linearizable and the
// explanation, so the explorer reports and shrinks it like any failure.
// Outside the world it throws std::logic_error with the explanation.
template <class Model, class Op, class Ret>
  requires sequential_spec<Model, Op, Ret>
void require_linearizable(const history<Op, Ret>& h, const Model& initial, const lin_options<Op, Ret>& options = {});

namespace detail {
[[noreturn]] void fail_not_linearizable(const std::string& explanation);
}  // namespace detail

// P-compositionality: when the object is a collection of independent
// objects (a map of registers, a set of queues) and `key_of(op)` names the
// one an operation touches, the history is linearizable if and only if each
// key's sub-history is; checking them apart is exponentially cheaper. Every
// key's sub-history starts from `initial`. The key type needs std::hash and
// ==. Keys are checked smallest first; the first key that fails decides
// (not linearizable), whatever the others do; a key whose search runs out
// of budget is set aside, and the check is undecided only if no key failed.
// Each key's search has its own max_configurations; time_limit is for all.
// The witness order merges the keys' orders respecting real time.
template <class Model, class Op, class Ret, class KeyOf>
  requires sequential_spec<Model, Op, Ret> && std::invocable<const KeyOf&, const Op&>
lin_result check_linearizable_by_key(const history<Op, Ret>& h, const KeyOf& key_of, const Model& initial,
                                     const lin_options<Op, Ret>& options = {});

// ---------------------------------------------------------------------------
// Implementation.

namespace detail {

inline constexpr std::size_t no_event = lin_no_event;

// One operation as a search sees it. A view selects and cuts operations of
// a history (a prefix, one key's share) without copying them.
struct lin_op {
  std::size_t id = 0;  // index in history::entries()
  std::size_t invoked_at = 0;
  std::size_t responded_at = no_event;  // no_event: pending in this view
  bool unknown = false;                 // responded, answer unknown
  // An answer to check: it responded, and what it answered is known.
  bool answered() const noexcept { return responded_at != no_event && !unknown; }
};
using lin_view = std::vector<lin_op>;

// The view up to event `cut`: later invocations dropped, later responses
// not yet happened (those operations become pending).
lin_view cut_view(const lin_view& view, std::size_t cut);
// The response positions of a view, ascending.
std::vector<std::size_t> response_positions(const lin_view& view);
// One order of every operation in `orders` (each a witness for one key,
// disjoint) that keeps each key's order and respects real time.
std::vector<std::size_t> merge_orders(const std::vector<std::vector<lin_op>>& orders);

constexpr std::uint64_t mix64(std::uint64_t x) noexcept {  // splitmix64's finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

// A set of view indices, one bit each.
class op_set {
 public:
  explicit op_set(std::size_t n) : words_((n + 63) / 64, 0) {}
  void insert(std::size_t i) { words_[i / 64] |= bit(i); }
  void erase(std::size_t i) { words_[i / 64] &= ~bit(i); }
  bool contains(std::size_t i) const { return (words_[i / 64] & bit(i)) != 0; }
  friend bool operator==(const op_set&, const op_set&) = default;

 private:
  static std::uint64_t bit(std::size_t i) noexcept { return std::uint64_t{1} << (i % 64); }
  std::vector<std::uint64_t> words_;
};

// The doubly linked list of call and return nodes, in history order.
// Lifting unlinks a call and its return; unlifting relinks them, which is
// only valid in the reverse order of the lifts (a stack), as the search does.
class call_list {
 public:
  static constexpr std::size_t end = 0;  // the sentinel node

  explicit call_list(const lin_view& view);
  std::size_t first() const noexcept { return nodes_[end].next; }
  std::size_t next(std::size_t node) const noexcept { return nodes_[node].next; }
  bool is_call(std::size_t node) const noexcept { return nodes_[node].is_call; }
  std::size_t op_of(std::size_t node) const noexcept { return nodes_[node].op; }
  std::size_t call_of(std::size_t op) const noexcept { return call_node_[op]; }
  void lift(std::size_t call);
  void unlift(std::size_t call);

 private:
  struct link {
    std::size_t prev = end;
    std::size_t next = end;
    std::size_t op = 0;     // view index
    std::size_t match = 0;  // a call's return node; end when pending
    bool is_call = false;
  };
  void unlink(std::size_t n) noexcept;
  void relink(std::size_t n) noexcept;
  std::vector<link> nodes_;
  std::vector<std::size_t> call_node_;
};

template <class T>
concept streamable = requires(std::ostream& os, const T& v) { os << v; };

template <class T>
std::string describe(const T& value, const std::function<std::string(const T&)>& printer) {
  if (printer) return printer(value);
  if constexpr (streamable<T>) {
    std::ostringstream os;
    os << value;
    return os.str();
  } else {
    return "?";
  }
}

enum class search_outcome : std::uint8_t { linearizable, not_linearizable, gave_up };

// What one check may spend: configurations per search, and a deadline for
// all its searches together.
struct lin_budget {
  std::size_t max_configurations = 1'000'000;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool expired() const { return deadline && std::chrono::steady_clock::now() >= *deadline; }
};

// The furthest a search got: the partial linearization with the most
// completed operations (the first found), and the model state after it.
template <class Model>
struct deepest_point {
  std::vector<lin_op> order;
  Model state;
  std::size_t completed = 0;
};

// Wing & Gong's search with Lowe's cache over one view (file comment).
template <class Model, class Op, class Ret>
class lin_search {
 public:
  lin_search(const history<Op, Ret>& h, const lin_view& view, const Model& initial, const lin_budget& budget)
      : entries_(h.entries()), view_(view), list_(view), linearized_(view.size()), state_(initial),
        budget_(budget), deepest_{{}, initial, 0} {
    WEFT_ASSERT(budget_.max_configurations >= 1, "lin_options::max_configurations must be at least 1");
    for (const lin_op& o : view_) {
      WEFT_ASSERT(o.id < entries_.size(), "linearizability view names an operation not in the history");
      completed_total_ += o.answered() ? 1 : 0;
    }
  }

  // Why run() gave up: the configuration bound, or the deadline.
  lin_undecided gave_up_by() const noexcept { return gave_up_by_; }

  // Each pass of the loop lifts (a new configuration: at most
  // max_configurations), steps past a call (at most once per node for each
  // configuration), or undoes a lift; so the loop is bounded.
  search_outcome run() {
    if (completed_done_ == completed_total_) return search_outcome::linearizable;
    std::size_t forced = forced_call();
    std::size_t node = forced;
    bool try_forced = true;
    for (std::uint32_t round = 1; completed_done_ < completed_total_; ++round) {
      if (round % 16 == 0 && budget_.expired()) gave_up_by_ = lin_undecided::time;
      if (gave_up_by_ != lin_undecided::no) return search_outcome::gave_up;
      if (try_forced) {
        try_forced = false;
        if (try_lift(forced, true)) {
          if (completed_done_ < completed_total_) { forced = forced_call(); try_forced = true; }
        } else {
          node = list_.first();
        }
        continue;
      }
      WEFT_ASSERT(node != call_list::end, "linearizability search ran past the last event");
      if (list_.is_call(node)) {
        if (node != forced && try_lift(node, false)) {
          if (completed_done_ < completed_total_) { forced = forced_call(); try_forced = true; }
        } else {
          node = list_.next(node);
        }
      } else if (view_[list_.op_of(node)].unknown && try_drop(list_.call_of(list_.op_of(node)))) {
        // Its answer is unknown and it did not take effect before it
        // responded: it never did. (Undone by backtracking, like a lift.)
        if (completed_done_ < completed_total_) { forced = forced_call(); try_forced = true; }
      } else {
        // A response whose operation must already have taken effect: undo
        // the latest lift and try what comes after it. A drop was the only
        // choice at its response, so undoing one undoes the step before it.
        std::size_t lifted = 0;
        bool was_forced = false;
        bool dropped = true;
        while (dropped) {
          if (stack_.empty()) return search_outcome::not_linearizable;
          lifted = stack_.back().node;
          was_forced = stack_.back().forced;
          dropped = stack_.back().dropped;
          backtrack();
        }
        forced = forced_call();
        node = was_forced ? list_.first() : list_.next(lifted);
      }
    }
    return search_outcome::linearizable;
  }

  std::size_t forced_call() const {
    std::size_t node = list_.first();
    while (node != call_list::end && list_.is_call(node)) node = list_.next(node);
    WEFT_ASSERT(node != call_list::end, "no return node");
    return list_.call_of(list_.op_of(node));
  }

  // After run() said linearizable: the operations in linearization order.
  std::vector<lin_op> witness() const {
    WEFT_ASSERT(completed_done_ == completed_total_, "lin_search::witness before a successful run");
    std::vector<lin_op> order;
    order.reserve(stack_.size());
    for (const frame& f : stack_) {
      if (!f.dropped) order.push_back(view_[list_.op_of(f.node)]);
    }
    return order;
  }

  const deepest_point<Model>& deepest() const noexcept { return deepest_; }
  std::size_t configurations() const noexcept { return cache_.size(); }

 private:
  struct frame {
    std::size_t node;  // the lifted (or dropped) call
    Model before;      // the model state before it
    bool forced;
    bool dropped;      // an unknown operation that never took effect
  };
  struct config {
    op_set linearized;
    Model state;
    std::uint64_t hash;
    bool operator==(const config& o) const {
      return hash == o.hash && linearized == o.linearized && state == o.state;
    }
  };
  struct config_hash {
    std::size_t operator()(const config& c) const noexcept { return c.hash; }
  };

  bool try_lift(std::size_t node, bool forced) {
    const std::size_t i = list_.op_of(node);
    const bool completed = view_[i].answered();
    const auto& e = entries_[view_[i].id];
    Model next = state_;
    const Ret answer = next.apply(e.op);
    // A pending operation, or one whose answer is unknown, takes effect
    // with whatever the model answers.
    if (completed && !(answer == *e.ret)) return false;
    toggle(i, true);
    if (!remember(next)) {
      toggle(i, false);
      return false;
    }
    stack_.push_back(frame{node, std::move(state_), forced, false});
    state_ = std::move(next);
    list_.lift(node);
    if (completed) {
      ++completed_done_;
      note_depth();
    }
    return true;
  }

  // An operation with an unknown answer leaves without taking effect.
  bool try_drop(std::size_t node) {
    const std::size_t i = list_.op_of(node);
    WEFT_ASSERT(view_[i].unknown, "lin_search: only an operation with an unknown answer is dropped");
    toggle(i, true);
    if (!remember(state_)) {
      toggle(i, false);
      return false;
    }
    stack_.push_back(frame{node, state_, false, true});
    list_.lift(node);
    return true;
  }

  std::size_t backtrack() {
    WEFT_ASSERT(!stack_.empty(), "lin_search::backtrack with nothing lifted");
    frame f = std::move(stack_.back());
    stack_.pop_back();
    const std::size_t i = list_.op_of(f.node);
    list_.unlift(f.node);
    toggle(i, false);
    state_ = std::move(f.before);
    if (!f.dropped && view_[i].answered()) --completed_done_;
    return list_.next(f.node);
  }

  // Adds op i to (or removes it from) the linearized set, keeping the set's
  // hash: the xor of a fixed random key per operation, updated in O(1).
  void toggle(std::size_t i, bool in) {
    WEFT_ASSERT(linearized_.contains(i) != in, "lin_search: operation linearized twice or undone twice");
    if (in) {
      linearized_.insert(i);
    } else {
      linearized_.erase(i);
    }
    set_hash_ ^= mix64(i);
  }

  // True if (linearized set, state) is new; false if seen (it failed then,
  // or the search would have stopped) or the bound is reached.
  bool remember(const Model& state) {
    if (cache_.size() >= budget_.max_configurations) {
      gave_up_by_ = lin_undecided::configurations;
      return false;
    }
    const std::uint64_t hash = mix64(set_hash_ ^ mix64(static_cast<std::uint64_t>(state.hash())));
    return cache_.insert(config{linearized_, state, hash}).second;
  }

  void note_depth() {
    if (completed_done_ <= deepest_.completed) return;
    deepest_.completed = completed_done_;
    deepest_.state = state_;
    deepest_.order.clear();
    for (const frame& f : stack_) {
      if (!f.dropped) deepest_.order.push_back(view_[list_.op_of(f.node)]);
    }
  }

  const std::vector<typename history<Op, Ret>::entry>& entries_;
  const lin_view& view_;
  call_list list_;
  op_set linearized_;
  std::uint64_t set_hash_ = 0;
  Model state_;
  std::vector<frame> stack_;
  std::unordered_set<config, config_hash> cache_;
  lin_budget budget_;
  std::size_t completed_total_ = 0;
  std::size_t completed_done_ = 0;
  lin_undecided gave_up_by_ = lin_undecided::no;
  deepest_point<Model> deepest_;
};

// ---- explanations: gathered here (they need the types), printed in the .cpp

inline constexpr std::size_t report_linearized_rows = 8;
inline constexpr std::size_t report_rows_max = 40;

std::string format_failure(const lin_explanation& report);
std::string format_gave_up(std::string_view scope, lin_undecided why, std::size_t configurations,
                           std::size_t bound);

template <class Op, class Ret>
lin_step make_row(const history<Op, Ret>& h, const lin_op& o, const lin_options<Op, Ret>& options) {
  const auto& e = h.entries()[o.id];
  lin_step row;
  row.id = o.id;
  row.thread = e.thread;
  row.op = describe(e.op, options.describe_op);
  row.answered = o.answered();
  row.unknown = o.unknown;
  if (row.answered) row.ret = describe(*e.ret, options.describe_ret);
  row.invoked_at = e.invoked_at;
  row.responded_at = e.responded_at.value_or(no_event);
  return row;
}

// Rows for the operations outside the partial linearization: those that
// could have been next (with the model's answer) and those that must wait.
template <class Model, class Op, class Ret>
void add_unlinearized_rows(lin_explanation& report, const history<Op, Ret>& h, const lin_view& prefix,
                           const deepest_point<Model>& d, const lin_options<Op, Ret>& options) {
  std::vector<bool> done(h.size(), false);
  for (const lin_op& o : d.order) done[o.id] = true;
  const lin_op* blocker = nullptr;  // the earliest answered response not linearized
  for (const lin_op& o : prefix) {
    if (!done[o.id] && o.answered() && (!blocker || o.responded_at < blocker->responded_at)) blocker = &o;
  }
  WEFT_ASSERT(blocker != nullptr, "a failing prefix leaves a completed operation unlinearized");
  for (const lin_op& o : prefix) {
    if (done[o.id]) continue;
    if (report.steps.size() >= report_rows_max) {
      ++report.others_hidden;
      continue;
    }
    lin_step row = make_row(h, o, options);
    if (o.invoked_at > blocker->responded_at) {
      row.role = lin_role::waits;
      row.waits_for = blocker->id;
    } else {
      Model m = d.state;
      const Ret answer = m.apply(h.entries()[o.id].op);
      row.model_answer = describe(answer, options.describe_ret);
      if (!o.answered()) {
        row.role = lin_role::pending;
      } else {
        row.role = answer == *h.entries()[o.id].ret ? lin_role::dead_end : lin_role::wrong_answer;
      }
    }
    report.steps.push_back(std::move(row));
  }
}

template <class Model, class Op, class Ret>
lin_explanation build_report(const history<Op, Ret>& h, const lin_view& prefix, std::size_t cut,
                             const deepest_point<Model>& d, const lin_options<Op, Ret>& options,
                             std::string_view scope) {
  lin_explanation report;
  report.scope = scope;
  report.cut_event = cut;
  report.completed_linearized = d.completed;
  for (const lin_op& o : prefix) {
    if (!o.answered()) continue;
    ++report.completed_total;
    if (o.responded_at == cut) report.culprit = o.id;
  }
  WEFT_ASSERT(d.completed < report.completed_total, "a failing prefix cannot be fully linearized");
  const std::size_t shown = std::min(d.order.size(), report_linearized_rows);
  report.linearized_hidden = d.order.size() - shown;
  for (std::size_t k = report.linearized_hidden; k < d.order.size(); ++k) {
    lin_step row = make_row(h, d.order[k], options);
    row.role = lin_role::linearized;
    row.step = k + 1;
    report.steps.push_back(std::move(row));
  }
  add_unlinearized_rows(report, h, prefix, d, options);
  std::stable_sort(report.steps.begin(), report.steps.end(),
                   [](const lin_step& a, const lin_step& b) { return a.invoked_at < b.invoked_at; });
  if constexpr (streamable<Model>) {
    report.model_state = describe(d.state, std::function<std::string(const Model&)>{});
  }
  return report;
}

struct explained {
  std::optional<lin_explanation> report;
  std::string text;  // the report formatted, or why there is none
};

// The shortest failing prefix of `view` (which fails), explained.
template <class Model, class Op, class Ret>
explained explain_failure(const history<Op, Ret>& h, const lin_view& view, const Model& initial,
                          const lin_options<Op, Ret>& options, std::string_view scope, const lin_budget& budget,
                          std::size_t& configurations) {
  const std::vector<std::size_t> cuts = response_positions(view);
  WEFT_ASSERT(!cuts.empty(), "a history without answered responses is always linearizable");
  // prefix(k) ends at cuts[k - 1]; prefix(lo) is linearizable, prefix(hi) is not.
  std::size_t lo = 0;
  std::size_t hi = cuts.size();
  std::optional<deepest_point<Model>> best;
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const lin_view mid_prefix = cut_view(view, cuts[mid - 1]);  // the search keeps a reference
    lin_search<Model, Op, Ret> s(h, mid_prefix, initial, budget);
    const search_outcome outcome = s.run();
    configurations += s.configurations();
    if (outcome == search_outcome::gave_up) break;  // explain the shortest failure known
    if (outcome == search_outcome::linearizable) {
      lo = mid;
    } else {
      hi = mid;
      best = s.deepest();
    }
  }
  const lin_view prefix = cut_view(view, cuts[hi - 1]);
  if (!best) {
    lin_search<Model, Op, Ret> s(h, prefix, initial, budget);
    const search_outcome outcome = s.run();
    configurations += s.configurations();
    if (outcome == search_outcome::gave_up) {
      return {std::nullopt, "not linearizable; no explanation: " +
                                format_gave_up(scope, s.gave_up_by(), s.configurations(), budget.max_configurations)};
    }
    // Equivalent to the whole view: the pending operations it drops were
    // invoked after the last response, and may always be dropped.
    WEFT_ASSERT(outcome == search_outcome::not_linearizable, "the history fails but its last prefix passes");
    best = s.deepest();
  }
  lin_explanation report = build_report(h, prefix, cuts[hi - 1], *best, options, scope);
  std::string text = format_failure(report);
  return {std::move(report), std::move(text)};
}

struct view_verdict {
  search_outcome outcome = search_outcome::not_linearizable;
  lin_undecided undecided = lin_undecided::no;
  std::vector<lin_op> order;  // when linearizable
  std::string explanation;    // otherwise
  std::optional<lin_explanation> failure;
  std::size_t configurations = 0;
};

template <class Model, class Op, class Ret>
view_verdict check_view(const history<Op, Ret>& h, const lin_view& view, const Model& initial,
                        const lin_options<Op, Ret>& options, std::string_view scope, const lin_budget& budget) {
  view_verdict v;
  lin_search<Model, Op, Ret> s(h, view, initial, budget);
  v.outcome = s.run();
  v.configurations = s.configurations();
  if (v.outcome == search_outcome::linearizable) {
    v.order = s.witness();
  } else if (v.outcome == search_outcome::gave_up) {
    v.undecided = s.gave_up_by();
    v.explanation = format_gave_up(scope, v.undecided, v.configurations, budget.max_configurations);
  } else if (!options.explain) {
    v.explanation = std::string("not linearizable: ") + (scope.empty() ? "the history" : std::string(scope)) +
                    " has no linearization (no explanation asked for)\n";
  } else {
    explained e = explain_failure(h, view, initial, options, scope, budget, v.configurations);
    v.explanation = std::move(e.text);
    v.failure = std::move(e.report);
  }
  return v;
}

template <class Op, class Ret>
lin_view whole_view(const history<Op, Ret>& h) {
  lin_view view;
  view.reserve(h.size());
  for (std::size_t id = 0; id < h.size(); ++id) {
    const auto& e = h.entries()[id];
    WEFT_ASSERT(!e.ret.has_value() || e.responded_at.has_value(), "history entry answered without a response");
    view.push_back(lin_op{id, e.invoked_at, e.responded_at.value_or(no_event), e.unknown()});
  }
  return view;
}

// One view per key, keys in order of first invocation.
template <class Op, class Ret, class KeyOf>
std::vector<lin_view> partition_by_key(const history<Op, Ret>& h, const KeyOf& key_of) {
  using key = std::decay_t<std::invoke_result_t<const KeyOf&, const Op&>>;
  std::unordered_map<key, std::size_t> part_of;  // looked up only: its order never shows
  std::vector<lin_view> parts;
  for (const lin_op& o : whole_view(h)) {
    const auto [it, added] = part_of.try_emplace(std::invoke(key_of, h.entries()[o.id].op), parts.size());
    if (added) parts.emplace_back();
    parts[it->second].push_back(o);
  }
  return parts;
}

template <class Op, class Ret>
lin_budget budget_of(const lin_options<Op, Ret>& options) {
  lin_budget b;
  b.max_configurations = options.max_configurations;
  if (options.time_limit) b.deadline = std::chrono::steady_clock::now() + *options.time_limit;
  return b;
}

void fill_result(lin_result& r, view_verdict&& v);

}  // namespace detail

template <class Model, class Op, class Ret>
  requires sequential_spec<Model, Op, Ret>
lin_result check_linearizable(const history<Op, Ret>& h, const Model& initial, const lin_options<Op, Ret>& options) {
  const detail::lin_view view = detail::whole_view(h);
  lin_result r;
  detail::fill_result(r, detail::check_view(h, view, initial, options, "", detail::budget_of(options)));
  return r;
}

template <class Model, class Op, class Ret, class KeyOf>
  requires sequential_spec<Model, Op, Ret> && std::invocable<const KeyOf&, const Op&>
lin_result check_linearizable_by_key(const history<Op, Ret>& h, const KeyOf& key_of, const Model& initial,
                                     const lin_options<Op, Ret>& options) {
  const detail::lin_budget budget = detail::budget_of(options);
  std::vector<detail::lin_view> parts = detail::partition_by_key(h, key_of);
  // Smallest first: a failing key is found soonest where searches are cheap.
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
  lin_result r;
  std::vector<std::vector<detail::lin_op>> orders;
  std::optional<detail::view_verdict> undecided;  // the first key that ran out of budget
  std::size_t undecided_keys = 0;
  for (const detail::lin_view& part : parts) {
    const std::string scope = "the operations with the same key as #" + std::to_string(part.front().id);
    detail::view_verdict v = detail::check_view(h, part, initial, options, scope, budget);
    r.configurations += v.configurations;
    if (v.outcome == detail::search_outcome::not_linearizable) {  // this key decides
      v.configurations = r.configurations;
      detail::fill_result(r, std::move(v));
      return r;
    }
    if (v.outcome == detail::search_outcome::gave_up) {
      ++undecided_keys;
      if (!undecided) undecided = std::move(v);
      if (budget.expired()) break;
      continue;
    }
    orders.push_back(std::move(v.order));
  }
  if (undecided) {
    undecided->configurations = r.configurations;
    undecided->explanation = std::to_string(undecided_keys) + " of " + std::to_string(parts.size()) +
                             " keys undecided, none failed; the first: " + undecided->explanation;
    detail::fill_result(r, std::move(*undecided));
    return r;
  }
  r.linearizable = true;
  r.order = detail::merge_orders(orders);
  return r;
}

template <class Model, class Op, class Ret>
  requires sequential_spec<Model, Op, Ret>
void require_linearizable(const history<Op, Ret>& h, const Model& initial, const lin_options<Op, Ret>& options) {
  const lin_result r = check_linearizable(h, initial, options);
  if (!r.linearizable) detail::fail_not_linearizable(r.explanation);
}

}  // namespace weft::props
