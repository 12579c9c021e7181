#include "props/shrink.hpp"

#include <algorithm>

#include "props/drivers.hpp"
#include "props/strategy.hpp"

namespace weft::props {

namespace {

// The message with every run of digits replaced by one '#'.
std::string without_numbers(const std::string& message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    const bool digit = message[i] >= '0' && message[i] <= '9';
    if (!digit) {
      out += message[i];
    } else if (i == 0 || message[i - 1] < '0' || message[i - 1] > '9') {
      out += '#';
    }
  }
  return out;
}

}  // namespace

bool same_failure(const sim::run_report& a, const sim::run_report& b) {
  if (a.result != b.result) return false;
  if (a.result == sim::outcome::assertion) return a.message == b.message;
  // An exception's text often carries the data of the run ("k10=v10 was
  // acknowledged"), which a shorter run changes: the same words around
  // other numbers are the same failure.
  if (a.result == sim::outcome::exception) return without_numbers(a.message) == without_numbers(b.message);
  return true;
}

namespace {

// Lexicographic, the story of a run first: fewer faults, then fewer lost or
// duplicated datagrams (both only in world scenarios, 0 for checks), then
// fewer preemptions, then fewer steps.
bool smaller(const execution& a, const execution& b) {
  if (a.faults != b.faults) return a.faults < b.faults;
  if (a.drops != b.drops) return a.drops < b.drops;
  if (a.preemptions != b.preemptions) return a.preemptions < b.preemptions;
  return a.report.steps < b.report.steps;
}

class shrinker {
 public:
  shrinker(const program& body, const explore_options& o, sim::run_pool& pool)
      : body_(body), options_(o), pool_(pool) {}

  // A candidate run under the lenient replay (which also marks preemptions).
  execution run(const std::vector<sim::choice>& candidate) {
    ++runs_;
    lenient_source lenient(candidate);
    execution e = execute(lenient, body_, options_, &pool_);
    e.preemptions = lenient.preemptions();
    e.preempted = lenient.preempted();
    return e;
  }

  // Tries a candidate; keeps it if it fails the same way and is smaller.
  bool attempt(execution& best, const std::vector<sim::choice>& candidate) {
    if (!budget_left()) return false;
    execution e = run(candidate);
    if (!same_failure(best.report, e.report) || !smaller(e, best)) return false;
    best = std::move(e);
    return true;
  }

  bool budget_left() const noexcept { return runs_ < std::min(limit_, options_.shrink_runs); }
  // The greedy edits below stop at `runs` re-executions in all.
  void limit_to(std::uint64_t runs) noexcept { limit_ = runs; }

  // The greedy edits, repeated while any of them helps.
  void edit(execution& best) {
    for (bool improved = true; improved && budget_left();) {
      improved = drop_preemptions(best);
      improved = cut_tail(best) || improved;
      improved = delete_chunks(best) || improved;
      improved = zero_data(best) || improved;
    }
  }
  std::uint64_t runs() const noexcept { return runs_; }

  // 0. Fewer preemptions by search: dfs meets schedules in order of
  //    preemption count, so the first one below the found count that fails
  //    the same way has the fewest. At most a quarter of the budget.
  void search_fewer_preemptions(execution& best) {
    if (best.preemptions == 0) return;
    const std::unique_ptr<driver> dfs = make_dfs_driver(best.preemptions - 1);
    const std::uint64_t budget = runs_ + options_.shrink_runs / 4;
    while (dfs->more() && runs_ < budget) {
      execution e = execute(dfs->begin(), body_, options_, &pool_);
      ++runs_;
      if (!dfs->end(e) || !same_failure(best.report, e.report) || e.preemptions >= best.preemptions) continue;
      execution rebased = run(e.choices);  // mark its preemptions for the edits below
      if (same_failure(best.report, rebased.report)) {
        best = std::move(rebased);
        return;
      }
    }
  }

  // 0'. Fewest deviations: the schedules that differ from the default one
  //     (the non-preemptive choice everywhere) in k choices, k = 0, 1, 2,
  //     3, below the failure's preemption count: a run with k deviations
  //     has at most k preemptions, so the first one that fails the same way
  //     needs the fewest. Counting every deviation, not only preemptions,
  //     keeps the space small where dfs's free switches at blocking points
  //     (many identical threads) make it explode. Deviations go to threads
  //     the failing run picked; at most half the budget.
  void search_fewest_deviations(execution& best) {
    if (best.preemptions == 0) return;
    // Threads most likely needed early first: the one that failed (the
    // last to run), then those the run preempted to, then the rest.
    std::vector<sim::thread_id> threads;
    const auto add = [&](const sim::choice& c) {
      const auto t = static_cast<sim::thread_id>(c.value);
      if (c.kind == sim::choice_kind::thread && std::find(threads.begin(), threads.end(), t) == threads.end()) {
        threads.push_back(t);
      }
    };
    for (std::size_t i = best.choices.size(); i-- > 0 && threads.empty();) add(best.choices[i]);
    for (std::size_t i = 0; i < best.choices.size() && i < best.preempted.size(); ++i) {
      if (best.preempted[i]) add(best.choices[i]);
    }
    std::for_each(best.choices.begin(), best.choices.end(), add);
    const std::uint64_t budget = runs_ + options_.shrink_runs / 4;
    const unsigned most = std::min(3u, best.preemptions - 1);
    for (unsigned k = 0; k <= most && runs_ < budget; ++k) {
      std::vector<sim::choice> candidate;
      if (deviate(best, candidate, 0, k, threads, budget)) return;
    }
  }

  // Tries every way to place `left` more deviations at or after `from`.
  bool deviate(execution& best, std::vector<sim::choice>& candidate, std::size_t from, unsigned left,
               const std::vector<sim::thread_id>& threads, std::uint64_t budget) {
    if (runs_ >= budget) return false;
    execution e = run(candidate);
    if (left == 0) {
      if (!same_failure(best.report, e.report) || e.preemptions >= best.preemptions) return false;
      best = std::move(e);
      return true;
    }
    const std::size_t length = e.choices.size();
    for (const sim::thread_id t : threads) {  // each thread at every place before the next thread
      for (std::size_t at = from; at < length && runs_ < budget; ++at) {
        if (e.choices[at].kind != sim::choice_kind::thread) continue;
        if (t == e.choices[at].value) continue;  // what the default does anyway
        std::vector<sim::choice> next = candidate;
        next.resize(at, sim::choice{sim::choice_kind::thread, 0, lenient_source::yield_current});
        next.push_back(sim::choice{sim::choice_kind::thread, 0, t});
        if (deviate(best, next, at + 1, left - 1, threads, budget)) return true;
        if (runs_ >= budget) return false;
      }
    }
    return false;
  }

  // 1. Drop preemptions, latest first: each replaced by letting the
  //    running thread go on.
  bool drop_preemptions(execution& best) {
    bool improved = false;
    for (std::size_t i = best.choices.size(); i-- > 0 && budget_left();) {
      if (i >= best.choices.size() || i >= best.preempted.size() || !best.preempted[i]) continue;
      std::vector<sim::choice> c = best.choices;
      c[i].value = lenient_source::yield_current;
      improved = attempt(best, c) || improved;
    }
    return improved;
  }

  // 2. Cut the tail: everything after a point made non-preemptive.
  bool cut_tail(execution& best) {
    bool improved = false;
    for (std::size_t keep = best.choices.size() / 2; keep > 0 && budget_left(); keep /= 2) {
      std::vector<sim::choice> c(best.choices.begin(), best.choices.begin() + static_cast<std::ptrdiff_t>(keep));
      improved = attempt(best, c) || improved;
    }
    return improved;
  }

  // 3. Delete chunks (delta debugging), halving the chunk size.
  bool delete_chunks(execution& best) {
    bool improved = false;
    for (std::size_t size = std::max<std::size_t>(best.choices.size() / 2, 1); size >= 1 && budget_left();
         size /= 2) {
      for (std::size_t start = 0; start < best.choices.size() && budget_left();) {
        std::vector<sim::choice> c = best.choices;
        const std::size_t end = std::min(start + size, c.size());
        c.erase(c.begin() + static_cast<std::ptrdiff_t>(start), c.begin() + static_cast<std::ptrdiff_t>(end));
        if (attempt(best, c)) {
          improved = true;  // retry at the same start on the smaller sequence
        } else {
          start += size;
        }
      }
      if (size == 1) break;
    }
    return improved;
  }

  // 0''. Faults off: each fault choice lowered to 0, latest first. In an
  //      optional fault plan (sim::fault_plan_config::optional) 0 is "this
  //      fault does not happen"; for the details of a fault it is the
  //      earliest start, the shortest spell, the first host.
  bool faults_off(execution& best) {
    bool improved = false;
    for (std::size_t i = best.choices.size(); i-- > 0 && budget_left();) {
      if (best.choices[i].kind != sim::choice_kind::fault || best.choices[i].value == 0) continue;
      std::vector<sim::choice> c = best.choices;
      c[i].value = 0;
      improved = attempt(best, c) || improved;
    }
    return improved;
  }

  // 0 (last). Drops off: a lost or duplicated datagram's choice raised to
  //    the link's last value, which neither loses nor duplicates. Losses
  //    and duplicates are the choices below the link's rate, so the lowest
  //    values are tried first, a few more than the run has drops; after
  //    each edit that helps, the candidates are taken afresh from its run.
  bool drops_off(execution& best) {
    bool improved = false;
    while (best.drops > 0 && budget_left()) {
      bool helped = false;
      for (const std::size_t i : drop_candidates(best)) {
        if (!budget_left()) break;
        std::vector<sim::choice> c = best.choices;
        c[i].value = c[i].options - 1;
        // A datagram draws its loss and then its duplication back to back:
        // delivering a lost one must not make it a duplicate instead.
        if (i + 1 < c.size() && c[i + 1].kind == sim::choice_kind::drop && c[i + 1].options > 0) {
          c[i + 1].value = c[i + 1].options - 1;
        }
        if (attempt(best, c)) {
          helped = true;
          break;
        }
      }
      if (!helped) break;
      improved = true;
    }
    return improved;
  }

  // The drop choices of `best` that could lose or duplicate, lowest first.
  static std::vector<std::size_t> drop_candidates(const execution& best) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < best.choices.size(); ++i) {
      const sim::choice& ch = best.choices[i];
      if (ch.kind == sim::choice_kind::drop && ch.options > 0 && ch.value + 1 < ch.options) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return best.choices[a].value < best.choices[b].value; });
    order.resize(std::min(order.size(), 2 * best.drops + 4));
    return order;
  }

  // 4. Data choices to 0.
  bool zero_data(execution& best) {
    bool improved = false;
    for (std::size_t i = 0; i < best.choices.size() && budget_left(); ++i) {
      if (best.choices[i].kind == sim::choice_kind::thread || best.choices[i].value == 0) continue;
      std::vector<sim::choice> c = best.choices;
      c[i].value = 0;
      improved = attempt(best, c) || improved;
    }
    return improved;
  }

 private:
  const program& body_;
  const explore_options& options_;
  sim::run_pool& pool_;
  std::uint64_t runs_ = 0;
  std::uint64_t limit_ = UINT64_MAX;
};

}  // namespace

shrink_result shrink(const execution& failing, const program& body, const explore_options& options,
                     sim::run_pool& pool) {
  shrinker s(body, options, pool);
  execution best = failing;
  // Rebase on the lenient source's own view (it marks preemptions).
  if (execution again = s.run(best.choices); same_failure(best.report, again.report)) best = std::move(again);
  // The greedy edits first (at most half the budget): they take a run
  // with dozens of preemptions among many threads down to a few, where the
  // searches below, whose cost grows with the preemptions and threads
  // they start from, can find the fewest. Then the greedy edits again on
  // what the searches found, with whatever budget is left.
  s.faults_off(best);  // world runs: the story first (no choice of a check is a fault or a drop)
  s.drops_off(best);
  s.limit_to(options.shrink_runs / 2);
  s.edit(best);
  s.limit_to(options.shrink_runs);
  s.search_fewest_deviations(best);
  s.search_fewer_preemptions(best);
  s.edit(best);
  return {std::move(best), s.runs()};
}

}  // namespace weft::props
