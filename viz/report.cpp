#include "viz/report.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "runtime/trace/whole_file.hpp"
#include "viz/render.hpp"
#include "viz/views.hpp"

namespace weft::viz {
namespace {

namespace fs = std::filesystem;

std::string page_head(const std::string& title) {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{0}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }}
pre, code {{ background: #f4f4f4; padding: 0.2em 0.4em; border-radius: 3px; }}
pre {{ padding: 0.8em; overflow-x: auto; }}
figure {{ margin: 1.5em 0; border: 1px solid #ddd; padding: 0.5em; overflow: auto; max-height: 80vh; }}
figcaption {{ font-weight: bold; margin-bottom: 0.5em; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
td, th {{ border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: right; }}
td.k {{ text-align: left; }}
tr.last {{ background: #ffcdd2; }}
.message {{ color: #b71c1c; font-weight: bold; }}
</style>
</head>
<body>
<h1>{0}</h1>
)",
                     html_escape(title));
}

// Marks the page rendered once every inlined picture has a size: what the
// browser test checks.
constexpr const char* page_tail = R"(<p id="render-status"></p>
<script>
window.addEventListener('load', () => {
  const figures = Array.from(document.querySelectorAll('figure svg'));
  const drawn = figures.filter(s => { const b = s.getBBox(); return b.width > 0 && b.height > 0; });
  const ok = figures.length > 0 && drawn.length === figures.length;
  document.body.dataset.rendered = ok ? 'yes' : 'no';
  document.body.dataset.figures = String(drawn.length);
  document.getElementById('render-status').textContent =
    ok ? '' : 'Some pictures did not render (' + drawn.length + ' of ' + figures.length + ').';
});
</script>
</body>
</html>
)";

std::string intro(const failure_page& p) {
  std::string out = fmt::format("<p class=\"message\">{}</p>\n", html_escape(p.message));
  if (!p.details.empty()) {
    out += "<ul>\n";
    for (const std::string& d : p.details) out += fmt::format("<li>{}</li>\n", html_escape(d));
    out += "</ul>\n";
  }
  out += fmt::format("<p>Reproduce it exactly:</p>\n<pre>{}</pre>\n", html_escape(p.repro));
  if (!p.trace_file.empty()) {
    out += fmt::format("<p>Trace: <a href=\"{0}\">{0}</a></p>\n", html_escape(p.trace_file));
  }
  return out;
}

// Renders `g` to DIR/NAME.svg and returns a <figure> with it inlined.
std::string figure(const std::string& dir, const std::string& name, const std::string& caption, const graph& g,
                   std::string& error) {
  std::string svg = render_text(g.dot, "svg", error);
  if (!error.empty()) return {};
  error = trace::write_whole_file((fs::path(dir) / (name + ".svg")).string(), svg);
  if (!error.empty()) return {};
  // Inline: drop the XML prologue, keep the <svg> element.
  if (const auto at = svg.find("<svg"); at != std::string::npos) svg = svg.substr(at);
  return fmt::format("<figure id=\"{0}\">\n<figcaption>{1} (<a href=\"{0}.svg\">{0}.svg</a>)</figcaption>\n{2}\n</figure>\n",
                     name, html_escape(caption), svg);
}

std::string write_page(const std::string& dir, const std::string& text) {
  return trace::write_whole_file((fs::path(dir) / "index.html").string(), text);
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string prepare_report_dir(const std::string& dir, bool create) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return fmt::format("--report {}: exists and is not a directory", dir);
    if (!fs::is_empty(dir, ec)) {
      return fmt::format("--report {}: the directory is not empty; choose a new one (nothing is overwritten)", dir);
    }
    return {};
  }
  if (!create) return {};
  fs::create_directories(dir, ec);
  if (ec) return fmt::format("--report {}: cannot create it: {}", dir, ec.message());
  return {};
}

std::string write_trace_report(const std::string& dir, const failure_page& p, const std::vector<trace::event>& events) {
  std::string text = page_head(p.title) + intro(p);
  filter f;
  f.max_nodes = 120;  // the end of the run, where it failed
  std::string error;
  filter story = f;
  story.keep_faults = true;  // and the faults that led there
  const graph st = spacetime_view(events, story);
  text += figure(dir, "spacetime", "Space-time: messages between hosts, faults, clock jumps", st, error);
  if (!error.empty()) return error;
  filter tf;
  tf.max_nodes = 80;
  text += figure(dir, "tasks", "Tasks: who spawned and who woke whom", tasks_view(events, tf), error);
  if (!error.empty()) return error;
  text += figure(dir, "workers", "Workers: what each worker polled, stole and when it parked", workers_view(events, f),
                 error);
  if (!error.empty()) return error;
  // The last events before the failure.
  const std::size_t n = std::min<std::size_t>(events.size(), 40);
  text += fmt::format("<h2>The last {} of {} events</h2>\n<table>\n<tr><th>step</th><th>time (ms)</th><th>host</th>"
                      "<th>thread</th><th>worker</th><th>task</th><th>kind</th><th>a</th><th>b</th></tr>\n",
                      n, events.size());
  for (std::size_t i = events.size() - n; i < events.size(); ++i) {
    const trace::event& e = events[i];
    text += fmt::format("<tr{}><td>{}</td><td>{:.3f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"k\">{}"
                        "</td><td>{}</td><td>{}</td></tr>\n",
                        i + 1 == events.size() ? " class=\"last\"" : "", e.seq, static_cast<double>(e.time_ns) / 1e6,
                        e.host, e.thread, e.worker, e.task, trace::kind_name(e.what), e.a, e.b);
  }
  text += "</table>\n";
  text += page_tail;
  return write_page(dir, text);
}

std::string write_schedule_report(const std::string& dir, const failure_page& p, const schedule_file& s) {
  std::string text = page_head(p.title) + intro(p);
  std::string error;
  filter f;
  f.max_nodes = 200;
  text += figure(dir, "interleaving",
                 "The failing interleaving: a column per thread; red dashed arrows are preemptions, green ones "
                 "release-to-acquire",
                 interleaving_view(s, f), error);
  if (!error.empty()) return error;
  text += "<h2>The schedule, step by step</h2>\n<table>\n<tr><th>step</th><th>thread</th><th>preempted</th>"
          "<th class=\"k\">operations</th></tr>\n";
  std::size_t step = 0;
  std::size_t picks = 0;
  for (const schedule_step& c : s.choices) picks += c.kind == "thread";
  for (const schedule_step& c : s.choices) {
    if (c.kind != "thread") continue;
    std::string ops;
    for (const std::string& op : c.ops) ops += (ops.empty() ? "" : "<br>") + html_escape(op);
    text += fmt::format("<tr{}><td>{}</td><td class=\"k\">{}</td><td>{}</td><td class=\"k\">{}</td></tr>\n",
                        step + 1 == picks ? " class=\"last\"" : "", step, html_escape(c.name), c.preemption ? "yes" : "",
                        ops);
    ++step;
  }
  text += "</table>\n";
  text += page_tail;
  return write_page(dir, text);
}

std::string write_index(const std::string& dir, const std::string& title,
                        const std::vector<std::pair<std::string, std::string>>& pages) {
  std::string text = page_head(title);
  text += "<ul>\n";
  for (const auto& [link, caption] : pages) {
    text += fmt::format("<li><a href=\"{}\">{}</a></li>\n", html_escape(link), html_escape(caption));
  }
  text += "</ul>\n</body>\n</html>\n";
  return write_page(dir, text);
}

}  // namespace weft::viz
