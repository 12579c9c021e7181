// The explicit-state model checker behind `weft model`.
//
// A model is a transition system: an initial state, and for every state the
// steps each actor can take next. The checker visits every reachable state
// breadth first, so the first violation it meets is at the smallest depth and
// its counterexample is a shortest one. In every state it checks:
//
//   * the model's invariants (safety), and a step that detected misuse
//     (a use after free, a second poller) marks its target state bad;
//   * that a state with no step left is one the model calls final (no stuck
//     states: a worker asleep on queued work is one);
//   * bounded liveness: after the whole graph is built, every reachable state
//     must be able to reach a goal state (the model's "progress was made",
//     e.g. "the task was freed", "every task ran"). On a finite graph under
//     strong fairness (a step enabled infinitely often is taken infinitely
//     often) that is the same as "the goal is eventually reached": a fair run
//     cannot stay forever among states that can all reach the goal without
//     reaching it. A state from which no goal is reachable is reported with
//     the shortest path to it.
//
// Models are written against `typed_model<M>` (models/model.hpp) with plain
// structs of bytes as states; the checker sees them as byte strings.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weft::models {

// One step out of a state, as the checker sees it.
struct step_out {
  int actor = 0;
  std::string label;  // what the actor did, e.g. "to_running: success"
  std::string next;   // the encoded target state
};

// The type-erased model interface.
class model {
 public:
  virtual ~model() = default;
  // "task-state (wakers=2, workers=2)"
  virtual std::string title() const = 0;
  virtual std::string initial() const = 0;
  virtual void successors(const std::string& state, std::vector<step_out>& out) const = 0;
  // A violated invariant, described; nullopt if the state is fine.
  virtual std::optional<std::string> violation(const std::string& state) const = 0;
  // May the system stop in this state (no step left) without it being stuck?
  virtual bool is_final(const std::string& state) const = 0;
  // The liveness goal ("task freed"); every reachable state must reach one.
  virtual bool is_goal(const std::string& state) const = 0;
  virtual std::string goal_name() const = 0;
  virtual std::string describe(const std::string& state) const = 0;
  virtual std::string actor_name(int actor) const = 0;
};

struct check_options {
  std::size_t max_states = 1'000'000;  // about 400 bytes each: 400 MB
};

struct path_step {
  int actor = -1;       // -1 for the initial state
  std::string label;    // empty for the initial state
  std::string state;    // described
};

enum class verdict { holds, violated, too_big };

struct check_result {
  verdict outcome = verdict::holds;
  std::size_t states = 0;
  std::size_t transitions = 0;
  std::size_t depth = 0;       // the largest BFS depth reached
  std::size_t final_states = 0;
  std::string kind;            // "invariant", "stuck", "liveness"
  std::string message;         // what was violated
  std::vector<path_step> counterexample;  // shortest path, initial state first
  // The explored graph, for --dot: nodes by id, edges (from, to, label id).
  struct edge { std::uint32_t from, to, label; };
  std::vector<std::string> node_text;
  std::vector<edge> edges;
  std::vector<std::string> labels;
  std::vector<std::uint32_t> path_ids;  // node ids of the counterexample
  std::vector<std::uint32_t> depth_of;  // BFS depth per node
};

// Explores `m` exhaustively (up to options.max_states).
check_result check(const model& m, const check_options& options = {});

// Human-readable report: the counts, the verdict and the counterexample as a
// numbered step list.
std::string format_report(const std::string& title, const check_result& r);

// Graphviz dot text of the explored graph with the counterexample path in
// red. Graphs over `max_nodes` are cut down to the counterexample path and
// its one-step neighbourhood, with a note saying so.
std::string to_dot(const std::string& title, const check_result& r, std::size_t max_nodes = 400);

}  // namespace weft::models
