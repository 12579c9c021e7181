#include "viz/render.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cstdio>
#include <mutex>

#include "runtime/trace/whole_file.hpp"

namespace weft::viz {

namespace {

// Graphviz keeps global state (its error reporting, the plugin registry);
// one layout at a time.
std::mutex& graphviz_lock() {
  static std::mutex m;
  return m;
}

std::string& last_graphviz_error() {
  static std::string e;
  return e;
}

int capture_error(char* message) {
  last_graphviz_error() += message;
  return 0;
}

// One Graphviz context for the whole process, never freed: Graphviz 2.42's
// text-layout plugin keeps pointers into a context's data after
// gvFreeContext, so a second context would read freed memory (AddressSanitizer
// shows it). Reachable through this pointer, so not a leak either.
GVC_t* shared_context() {
  static GVC_t* gvc = gvContext();
  return gvc;
}

// Runs `fn(gvc, graph)` on the laid-out graph; returns an error or empty.
template <class Fn>
std::string with_layout(const std::string& dot, Fn fn) {
  std::lock_guard lock(graphviz_lock());
  last_graphviz_error().clear();
  agseterrf(capture_error);
  GVC_t* gvc = shared_context();
  if (gvc == nullptr) return "Graphviz could not start (gvContext failed)";
  Agraph_t* g = agmemread(dot.c_str());
  if (g == nullptr) return "Graphviz rejected the graph: " + last_graphviz_error();
  std::string error;
  if (gvLayout(gvc, g, "dot") != 0) {
    error = "Graphviz layout failed: " + last_graphviz_error();
  } else {
    error = fn(gvc, g);
    gvFreeLayout(gvc, g);
  }
  agclose(g);
  return error;
}

}  // namespace

std::optional<std::string> format_of(const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string ext = path.substr(dot + 1);
  if (ext == "svg" || ext == "png" || ext == "dot") return ext;
  return std::nullopt;
}

std::string render_file(const std::string& dot, const std::string& path, const std::string& format) {
  if (format == "dot") return trace::write_whole_file(path, dot);
  std::string error;
  const std::string data = render_text(dot, format, error);
  if (!error.empty()) return error;
  return trace::write_whole_file(path, data);
}

std::string render_text(const std::string& dot, const std::string& format, std::string& error) {
  std::string out;
  error = with_layout(dot, [&](GVC_t* gvc, Agraph_t* g) -> std::string {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, g, format.c_str(), &data, &length) != 0 || data == nullptr) {
      return "Graphviz could not render " + format + ": " + last_graphviz_error();
    }
    out.assign(data, length);
    gvFreeRenderData(data);
    return {};
  });
  return out;
}

}  // namespace weft::viz
