#include "runtime/trace/dot.hpp"

#include "runtime/sys/assert.hpp"

namespace weft::trace {

std::string dot_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

dot_writer::dot_writer(std::string_view name, std::string_view caption, std::string_view rankdir) {
  text_ = "digraph \"" + dot_escape(name) + "\" {\n";
  text_ += "  graph [rankdir=" + std::string(rankdir) +
           ", fontname=\"Helvetica\", fontsize=11, labelloc=t, label=\"" + dot_escape(caption) +
           "\", nodesep=0.25, ranksep=0.3];\n";
  text_ += "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", fontname=\"Helvetica\", fontsize=9, "
           "height=0.3];\n";
  text_ += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#888888\", arrowsize=0.6];\n";
}

void dot_writer::node(std::string_view id, std::string_view label, std::string_view attrs) {
  WEFT_ASSERT(!finished_, "dot_writer: node after finish()");
  text_ += "  ";
  text_ += id;
  text_ += " [label=\"" + dot_escape(label) + "\"";
  text_ += attrs;
  text_ += "];\n";
  ++nodes_;
}

void dot_writer::edge(std::string_view from, std::string_view to, std::string_view attrs) {
  WEFT_ASSERT(!finished_, "dot_writer: edge after finish()");
  text_ += "  ";
  text_ += from;
  text_ += " -> ";
  text_ += to;
  if (!attrs.empty()) {
    text_ += " [";
    text_ += attrs;
    text_ += "]";
  }
  text_ += ";\n";
  ++edges_;
}

void dot_writer::line(std::string_view text) {
  WEFT_ASSERT(!finished_, "dot_writer: line after finish()");
  text_ += "  ";
  text_ += text;
  text_ += '\n';
}

std::string dot_writer::finish() {
  WEFT_ASSERT(!finished_, "dot_writer: finish() twice");
  finished_ = true;
  text_ += "}\n";
  return std::move(text_);
}

}  // namespace weft::trace
