// Graphviz dot text for everything weft draws: the trace views (viz/) and
// the models' state graphs (models/) write through this, so escaping and the
// node and edge counts live in one place.
//
//   trace::dot_writer d("tasks", "tasks: 12 tasks", "TB");
//   d.node("t1", "task 1\n3 polls", ", fillcolor=\"#c8e6c9\"");
//   d.edge("t1", "t2", "color=\"#37474f\"");
//   d.line("{ rank=same; t1; t2; }");     // anything else, not counted
//   std::string text = d.finish();        // d.nodes() == 2, d.edges() == 1
//
// Labels are escaped here (quotes, backslashes, newlines); attribute text is
// written as given.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace weft::trace {

// `s` inside a dot string: quotes and backslashes escaped, newlines as \n.
std::string dot_escape(std::string_view s);

class dot_writer {
 public:
  // A digraph in weft's house style (Helvetica, rounded boxes) with
  // `caption` above it, laid out in direction `rankdir` ("TB", "LR").
  dot_writer(std::string_view name, std::string_view caption, std::string_view rankdir);
  // A graph whose head the caller writes itself (the models' state graphs).
  explicit dot_writer(std::string head) : text_(std::move(head)) {}

  // `attrs`, if any, follows the label: ", fillcolor=\"#fff\", shape=note".
  void node(std::string_view id, std::string_view label, std::string_view attrs = {});
  // `attrs` without brackets; none for a plain edge.
  void edge(std::string_view from, std::string_view to, std::string_view attrs = {});
  // A line of anything else (rank groups, clusters, invisible edges): not counted.
  void line(std::string_view text);

  std::size_t nodes() const noexcept { return nodes_; }
  std::size_t edges() const noexcept { return edges_; }
  // The text, with the closing brace. The writer is done after this.
  std::string finish();

 private:
  std::string text_;
  std::size_t nodes_ = 0;
  std::size_t edges_ = 0;
  bool finished_ = false;
};

}  // namespace weft::trace
