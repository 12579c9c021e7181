// The interleaving view of an explorer schedule file: a column per thread,
// each thread pick a node with the operations it ran, program order down
// each column, thread switches across (preemptions in red), happens-before
// edges from a release to the acquire of the same object by another thread
// (green), and the failing step and the accesses a race names highlighted.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "viz/view_common.hpp"

namespace weft::viz {
namespace {

struct step {
  std::uint64_t index = 0;  // position among the thread picks
  const schedule_step* pick = nullptr;
  std::vector<std::string> data;  // data choices made while this thread ran
};

std::vector<step> steps_of(const schedule_file& s) {
  std::vector<step> steps;
  for (const schedule_step& c : s.choices) {
    if (c.kind == "thread") {
      steps.push_back({steps.size(), &c, {}});
    } else if (!steps.empty()) {
      steps.back().data.push_back(fmt::format("{} = {} of {}", c.kind, c.value, c.options));
    }
  }
  return steps;
}

// The run's last step (if shown: --to may cut it off), or a step whose
// operations the failure message names (the two sides of a race).
bool is_notable(const schedule_file& s, const step& st, std::size_t total_steps) {
  if (s.outcome != "ok" && st.index + 1 == total_steps) return true;
  for (const std::string& op : st.pick->ops) {
    const auto at = op.find(" at ");
    if (at != std::string::npos && !s.message.empty() && s.message.find(op.substr(at + 4)) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class drawing {
 public:
  drawing(trace::dot_writer& d, const schedule_file& s, std::size_t total) : d_(d), s_(s), total_(total) {}

  void columns(const std::vector<step>& steps) {
    for (const step& st : steps) {
      if (std::find(threads_.begin(), threads_.end(), st.pick->name) == threads_.end()) threads_.push_back(st.pick->name);
    }
    std::string top = "{ rank=min;";
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      const std::string head = fmt::format("thread{}", i);
      detail::header(d_, head, threads_[i], fmt::format("c{}", i));
      top += " " + head + ";";
      last_of_[threads_[i]] = head;
    }
    d_.line(top + " }");
  }

  void add(const step& st) {
    const std::string id = fmt::format("s{}", st.index);
    std::string label = fmt::format("{}. {}{}", st.index, st.pick->name, st.pick->implied ? " (only runnable)" : "");
    for (const std::string& op : st.pick->ops) label += "\n" + op;
    for (const std::string& dc : st.data) label += "\n" + dc;
    std::string attrs = fmt::format(", group=c{}", column(st.pick->name));
    if (is_notable(s_, st, total_)) {
      attrs += ", fillcolor=\"#ffcdd2\", color=\"#c62828\", penwidth=2";
      notable_.push_back(id);
    } else if (st.pick->preemption) {
      attrs += ", fillcolor=\"#fff3e0\"";
    }
    d_.node(id, label, attrs);
    d_.edge(last_of_[st.pick->name], id, "color=\"#455a64\", weight=20");
    if (!prev_node_.empty() && prev_thread_ != st.pick->name) {
      d_.edge(prev_node_, id,
              std::string("style=dashed, constraint=false, ") +
                  (st.pick->preemption ? "color=\"#c62828\", penwidth=2, xlabel=\"preempted\", fontcolor=\"#c62828\""
                                       : "color=\"#b0bec5\""));
    }
    happens_before(st, id);
    last_of_[st.pick->name] = id;
    prev_node_ = id;
    prev_thread_ = st.pick->name;
  }

  std::vector<std::string> notable() { return std::move(notable_); }

 private:
  std::size_t column(const std::string& name) const {
    return static_cast<std::size_t>(std::find(threads_.begin(), threads_.end(), name) - threads_.begin());
  }

  // Through synchronisation objects: the last release of an object by one
  // thread, then its acquire by another.
  void happens_before(const step& st, const std::string& id) {
    for (const std::string& op : st.pick->ops) {
      if (op.starts_with("acquire ")) {
        const auto it = last_release_.find(op.substr(8));
        if (it != last_release_.end() && it->second.second != st.pick->name) {
          d_.edge(it->second.first, id,
                  fmt::format("color=\"#2e7d32\", penwidth=1.4, constraint=false, xlabel=\"{}\", fontcolor=\"#2e7d32\"",
                              trace::dot_escape(op.substr(8))));
        }
      } else if (op.starts_with("release ")) {
        last_release_[op.substr(8)] = {id, st.pick->name};
      }
    }
  }

  trace::dot_writer& d_;
  const schedule_file& s_;
  std::size_t total_;
  std::vector<std::string> threads_;  // columns, in order of first appearance
  std::map<std::string, std::string> last_of_;
  std::map<std::string, std::pair<std::string, std::string>> last_release_;  // object -> (node, thread)
  std::string prev_node_, prev_thread_;
  std::vector<std::string> notable_;
};

}  // namespace

graph interleaving_view(const schedule_file& s, const filter& f) {
  std::vector<step> steps = steps_of(s);
  const std::size_t total_steps = steps.size();
  std::erase_if(steps, [&](const step& st) {
    return (f.from_seq && st.index < *f.from_seq) || (f.to_seq && st.index > *f.to_seq);
  });
  const std::size_t cut = detail::keep_last(steps, f.max_nodes);
  std::string caption = fmt::format("{} — {}, {} thread picks{}", s.schedule, s.outcome, steps.size(),
                                    s.message.empty() ? std::string() : "\n" + s.message);
  trace::dot_writer d("interleaving", detail::caption(caption, filter{}, cut, "steps"), "TB");
  drawing draw(d, s, total_steps);
  draw.columns(steps);
  for (const step& st : steps) draw.add(st);
  return detail::finish(d, cut, draw.notable());
}

}  // namespace weft::viz
