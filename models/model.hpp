// Writing a model: a struct with a plain `state` (bytes only, so two equal
// states have equal bytes) and the functions below; `typed_model<M>` turns it
// into the checker's `model`.
//
//   struct my_model {
//     struct state { std::uint8_t x = 0; ... };
//     std::string title() const;
//     state initial() const;
//     // Every step each actor can take from `s`: out.add(actor, "label", next).
//     void steps(const state& s, emitter<state>& out) const;
//     std::optional<std::string> violation(const state& s) const;
//     bool is_final(const state& s) const;
//     bool is_goal(const state& s) const;
//     std::string goal_name() const;
//     std::string describe(const state& s) const;
//     std::string actor_name(int actor) const;
//   };
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "models/checker.hpp"

namespace weft::models {

template <class State>
class emitter {
 public:
  explicit emitter(std::vector<step_out>& out) : out_(out) {}
  void add(int actor, std::string label, const State& next) {
    out_.push_back({actor, std::move(label), encode(next)});
  }
  static std::string encode(const State& s) {
    return std::string(reinterpret_cast<const char*>(&s), sizeof(State));
  }

 private:
  std::vector<step_out>& out_;
};

template <class M>
class typed_model final : public model {
 public:
  using state = typename M::state;
  static_assert(std::is_trivially_copyable_v<state> && std::has_unique_object_representations_v<state>,
                "a model state must be plain bytes without padding");

  explicit typed_model(M m) : m_(std::move(m)) {}

  std::string title() const override { return m_.title(); }
  std::string initial() const override { return emitter<state>::encode(m_.initial()); }
  void successors(const std::string& s, std::vector<step_out>& out) const override {
    emitter<state> e(out);
    m_.steps(decode(s), e);
  }
  std::optional<std::string> violation(const std::string& s) const override { return m_.violation(decode(s)); }
  bool is_final(const std::string& s) const override { return m_.is_final(decode(s)); }
  bool is_goal(const std::string& s) const override { return m_.is_goal(decode(s)); }
  std::string goal_name() const override { return m_.goal_name(); }
  std::string describe(const std::string& s) const override { return m_.describe(decode(s)); }
  std::string actor_name(int actor) const override { return m_.actor_name(actor); }

  const M& inner() const { return m_; }

 private:
  static state decode(const std::string& s) {
    state out;
    std::memcpy(&out, s.data(), sizeof(state));
    return out;
  }
  M m_;
};

// ---- the catalogue of models ----

struct model_params {
  int threads = 0;  // 0: the model's default
  int bound = 0;
};

struct model_entry {
  std::string name;         // "task-state", "task-state-bug-lost-notified"
  std::string kind;         // "model" or "model-bug"
  std::string description;  // one line
  std::string threads_means;  // what --threads counts, e.g. "wakers"
  std::string bound_means;    // what --bound counts
  int default_threads, max_threads;
  int default_bound, max_bound;
  std::function<std::unique_ptr<model>(int threads, int bound)> make;
};

// Every model and bug variant, in `weft list` order.
const std::vector<model_entry>& catalogue();
const model_entry* find(const std::string& name);

// Registration helpers, one per model file.
void add_task_state_models(std::vector<model_entry>& out);
void add_local_queue_models(std::vector<model_entry>& out);
void add_park_models(std::vector<model_entry>& out);
void add_channel_models(std::vector<model_entry>& out);
void add_timer_wheel_models(std::vector<model_entry>& out);

}  // namespace weft::models
