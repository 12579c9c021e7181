// The trace reader (valid, malformed and versioned input), every view on
// small hand-made traces whose pictures are known (node and edge counts,
// highlighted elements), the size limit and filters, Perfetto JSON, and
// every view rendered by Graphviz for a real trace of each scenario.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "examples/scenarios/registry.hpp"
#include "runtime/trace/jsonl.hpp"
#include "sim/world/world.hpp"
#include "viz/perfetto.hpp"
#include "viz/render.hpp"
#include "viz/report.hpp"
#include "viz/trace_reader.hpp"
#include "viz/views.hpp"

namespace weft::viz {
namespace {

using trace::event;
using trace::kind;

event ev(std::uint64_t seq, kind k, std::uint32_t host = 1, std::uint64_t task = 0, std::int64_t a = 0,
         std::int64_t b = 0, std::int32_t worker = -1, std::int64_t t = 0) {
  event e;
  e.seq = seq;
  e.what = k;
  e.host = host;
  e.task = task;
  e.a = a;
  e.b = b;
  e.worker = worker;
  e.time_ns = t;
  return e;
}

std::string as_jsonl(const std::vector<event>& events) {
  std::ostringstream out;
  trace::write_jsonl(out, events);
  return out.str();
}

read_result read(const std::string& text) {
  std::istringstream in(text);
  return read_trace(in);
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// ---- the reader ----

TEST(TraceReader, ReadsWhatTheWriterWrites) {
  const std::vector<event> events = {ev(0, kind::spawn, 2, 1), ev(1, kind::net_send, 2, 0, 7, 3, -1, 1500),
                                     ev(2, kind::net_deliver, 3, 0, 7, 12, -1, 2500)};
  const read_result r = read(as_jsonl(events));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r.value().schema, 2);
  ASSERT_EQ(r.value().events.size(), 3u);
  EXPECT_EQ(r.value().events[1], events[1]);
  EXPECT_EQ(r.value().events[2], events[2]);
}

struct malformed {
  const char* name;
  std::string text;
  std::size_t line;
  const char* says;
};

void PrintTo(const malformed& m, std::ostream* os) { *os << m.name; }

class MalformedTrace : public testing::TestWithParam<malformed> {};

TEST_P(MalformedTrace, NamesTheLineAndWhatIsWrong) {
  const malformed& m = GetParam();
  const read_result r = read(m.text);
  ASSERT_FALSE(r) << m.name;
  EXPECT_EQ(r.error().line, m.line) << r.error().message;
  EXPECT_NE(r.error().message.find(m.says), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().describe("t.jsonl").rfind(fmt::format("t.jsonl:{}: ", m.line), 0), 0u);
}

const std::string head = "{\"weft_trace\":1}\n";  // schema 1: no event count
const std::string good = R"({"seq":0,"t":0,"host":1,"thread":0,"worker":-1,"task":1,"kind":"spawn","a":0,"b":0})" "\n";

INSTANTIATE_TEST_SUITE_P(
    Reader, MalformedTrace,
    testing::Values(
        malformed{"empty", "", 1, "empty file"},
        malformed{"no header", good, 1, "not a weft trace"},
        malformed{"newer schema", "{\"weft_trace\":3}\n", 1, "newer than this weft reads"},
        malformed{"schema beyond 32 bits", "{\"weft_trace\":4294967297}\n", 1, "4294967297 is newer than this weft"},
        malformed{"negative schema", "{\"weft_trace\":-1}\n", 1, "does not exist"},
        malformed{"negative schema beyond 32 bits", "{\"weft_trace\":-4294967295}\n", 1, "does not exist"},
        malformed{"schema 2 without a count", "{\"weft_trace\":2}\n", 1, "must say how many events"},
        malformed{"cut short", "{\"weft_trace\":2,\"events\":2}\n" + good, 2, "ends after 1 of the 2 events"},
        malformed{"more than announced", "{\"weft_trace\":2,\"events\":0}\n" + good, 2, "more events than the 0"},
        malformed{"schema zero", "{\"weft_trace\":0}\n", 1, "does not exist"},
        malformed{"a schedule file", "{\"schedule\":\"w1:x:A\",\"outcome\":\"ok\"}\n", 1, "schedule file"},
        malformed{"bad json", head + good + "{\"seq\":1,\n", 3, "not valid JSON"},
        malformed{"missing field", head + R"({"seq":0,"t":0,"host":1,"thread":0,"worker":-1,"kind":"spawn","a":0,"b":0})" "\n", 2,
                  "missing field \"task\""},
        malformed{"unknown field", head + R"({"seq":0,"t":0,"host":1,"thread":0,"worker":-1,"task":1,"kind":"spawn","a":0,"b":0,"x":1})" "\n",
                  2, "unknown field \"x\""},
        malformed{"unknown kind", head + R"({"seq":0,"t":0,"host":1,"thread":0,"worker":-1,"task":1,"kind":"teleport","a":0,"b":0})" "\n",
                  2, "unknown event kind \"teleport\""},
        malformed{"wrong type", head + R"({"seq":0,"t":"now","host":1,"thread":0,"worker":-1,"task":1,"kind":"spawn","a":0,"b":0})" "\n",
                  2, "field \"t\" must be an integer, not a string"},
        malformed{"out of range", head + R"({"seq":0,"t":0,"host":-4,"thread":0,"worker":-1,"task":1,"kind":"spawn","a":0,"b":0})" "\n",
                  2, "field \"host\" = -4 is out of range"},
        malformed{"out of order", head + good + good, 3, "seq 0 does not follow 0"},
        malformed{"not an object", head + "[1,2]\n", 2, "must be a JSON object"},
        // Found by the trace reader's fuzzer: a number too large for JSON's
        // double made nlohmann throw out_of_range, which escaped the reader.
        malformed{"number too large in the header", "10E7910E7\n", 1, "not a weft trace"},
        malformed{"number too large in an event", head + R"({"seq":1E999,"t":0})" "\n", 2, "not valid JSON"}),
    [](const auto& p) {
      std::string n = p.param.name;
      std::replace(n.begin(), n.end(), ' ', '_');
      return n;
    });

// ---- spacetime ----

std::vector<event> two_hosts() {
  return {ev(0, kind::net_send, 1, 0, 1, 2, -1, 1000),    ev(1, kind::net_deliver, 2, 0, 1, 10, -1, 2000),
          ev(2, kind::partition, 1, 0, 1, 2, -1, 3000),   ev(3, kind::net_send, 1, 0, 2, 2, -1, 4000),
          ev(4, kind::net_drop, 2, 0, 2, 1, -1, 5000),    ev(5, kind::crash, 2, 0, 0, 0, -1, 6000),
          ev(6, kind::spawn, 1, 3, 0, 0, 0, 6500),        ev(7, kind::clock_jump, 0, 0, 6000, 9000, -1, 9000)};
}

TEST(Spacetime, LanesMessagesAndFaults) {
  const graph g = spacetime_view(two_hosts(), filter{});
  // 7 world events (the spawn is not one) + 3 lanes (world, host 1, host 2).
  EXPECT_EQ(g.nodes, 10u);
  // 7 lane links + a delivery + a drop.
  EXPECT_EQ(g.edges, 9u);
  EXPECT_EQ(g.cut, 0u);
  EXPECT_EQ(g.highlighted, (std::vector<std::string>{"e2", "e4", "e5"}));  // partition, drop, crash
  EXPECT_NE(g.dot.find("e0 -> e1 [color=\"#1565c0\""), std::string::npos);  // send -> deliver
  EXPECT_NE(g.dot.find("e3 -> e4 [color=\"#e65100\""), std::string::npos);  // send -> drop
  EXPECT_NE(g.dot.find("DROP #2 (partition)"), std::string::npos);
  EXPECT_NE(g.dot.find("CRASH"), std::string::npos);
}

TEST(Spacetime, FiltersByHostAndStep) {
  filter f;
  f.host = 1;
  EXPECT_EQ(spacetime_view(two_hosts(), f).nodes, 3u + 1u);  // three events of host 1, one lane
  filter g;
  g.from_seq = 2;
  g.to_seq = 4;
  const graph v = spacetime_view(two_hosts(), g);
  EXPECT_EQ(v.nodes, 3u + 2u);
  EXPECT_NE(v.dot.find("steps 2..4"), std::string::npos);
}

TEST(Spacetime, SizeLimitKeepsTheEndAndSaysWhatItCut) {
  std::vector<event> many;
  for (std::uint64_t i = 0; i < 1000; ++i) many.push_back(ev(i, kind::net_send, 1, 0, static_cast<std::int64_t>(i), 2));
  filter f;
  f.max_nodes = 50;
  const graph g = spacetime_view(many, f);
  EXPECT_EQ(g.cut, 950u);
  EXPECT_EQ(g.nodes, 51u);
  EXPECT_NE(g.dot.find("the first 950 events are not shown"), std::string::npos);
  EXPECT_NE(g.dot.find("e999"), std::string::npos);
  EXPECT_EQ(g.dot.find("e949 "), std::string::npos);
}

TEST(Spacetime, KeepFaultsKeepsTheCauseInsideTheSizeLimit) {
  // A crash (and its restart) early in a long run, then a thousand sends:
  // the plain limit keeps the last 50 events and loses the crash; with
  // keep_faults the crash, the restart and the two events after each stay,
  // and the rest of the budget is the end of the run.
  std::vector<event> many;
  many.push_back(ev(0, kind::net_send, 1, 0, 0, 2));
  many.push_back(ev(1, kind::crash, 2, 0, 0, 0, -1, 1000));
  for (std::uint64_t i = 2; i < 500; ++i) many.push_back(ev(i, kind::net_send, 1, 0, static_cast<std::int64_t>(i), 2));
  many.push_back(ev(500, kind::restart, 2, 0, 0, 0, -1, 9000));
  for (std::uint64_t i = 501; i < 1000; ++i) many.push_back(ev(i, kind::net_send, 1, 0, static_cast<std::int64_t>(i), 2));
  filter f;
  f.max_nodes = 50;
  EXPECT_EQ(spacetime_view(many, f).dot.find("CRASH"), std::string::npos);
  f.keep_faults = true;
  const graph g = spacetime_view(many, f);
  EXPECT_EQ(g.cut, 950u);
  EXPECT_NE(g.dot.find("CRASH"), std::string::npos);
  for (const char* id : {"e1 ", "e2 ", "e3 ", "e500 ", "e501 ", "e502 ", "e999 "}) {
    EXPECT_NE(g.dot.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(g.dot.find("e4 "), std::string::npos);
  EXPECT_NE(g.dot.find("950 events between the faults and the end are not shown (size limit); every fault is shown"),
            std::string::npos);
}

TEST(Spacetime, ATraceWithoutWorldEventsSaysSo) {
  const graph g = spacetime_view({ev(0, kind::spawn, 0, 1)}, filter{});
  EXPECT_NE(g.dot.find("no network or fault events"), std::string::npos);
}

// ---- tasks ----

std::vector<event> small_program() {
  return {ev(0, kind::spawn, 0, 1),          ev(1, kind::poll_start, 0, 1, 0, 0, 0),
          ev(2, kind::spawn, 0, 2, 1),       ev(3, kind::spawn, 0, 3, 1),
          ev(4, kind::poll_end, 0, 1, 0),    ev(5, kind::poll_start, 0, 2, 0, 0, 1),
          ev(6, kind::wake, 0, 1, 2, 1),     ev(7, kind::wake, 0, 3, 2, 1),
          ev(8, kind::poll_end, 0, 2, 1),    ev(9, kind::complete, 0, 2, 0),
          ev(10, kind::steal, 0, 0, 0, 1, 1), ev(11, kind::poll_start, 0, 3, 0, 0, 1),
          ev(12, kind::poll_end, 0, 3, 1),   ev(13, kind::complete, 0, 3, 1),
          ev(14, kind::wake, 0, 1, 0, 1),    ev(15, kind::poll_start, 0, 1, 0, 0, 0),
          ev(16, kind::park, 0, 0, -1, 0, 1)};
}

TEST(Tasks, SpawnTreeWakesAndOutcomes) {
  const graph g = tasks_view(small_program(), filter{});
  // Tasks 1, 2, 3 and one "outside any task" node.
  EXPECT_EQ(g.nodes, 4u);
  // Spawns 1->2, 1->3; wakes 2->1, 2->3, outside->1.
  EXPECT_EQ(g.edges, 5u);
  // Task 1 never finished, task 3 threw.
  EXPECT_EQ(g.highlighted, (std::vector<std::string>{"h0t1", "h0t3"}));
  EXPECT_NE(g.dot.find("h0t1 -> h0t2 [color=\"#37474f\""), std::string::npos);
  EXPECT_NE(g.dot.find("h0t2 -> h0t1 [style=dashed"), std::string::npos);
  EXPECT_NE(g.dot.find("threw"), std::string::npos);
}

TEST(Tasks, TaskFilterKeepsTheNeighbourhood) {
  filter f;
  f.task = 3;
  const graph g = tasks_view(small_program(), f);
  // Task 3, its parent 1, its waker 2, and who woke task 1 from outside.
  EXPECT_EQ(g.nodes, 4u);
  EXPECT_NE(g.dot.find("task 3"), std::string::npos);
}

TEST(Tasks, ARestartedHostsTasksAreNewTasks) {
  // Host 2 crashes and restarts: its new runtime numbers tasks from 1 again.
  const std::vector<event> t = {ev(0, kind::spawn, 2, 1), ev(1, kind::spawn, 3, 1), ev(2, kind::crash, 2),
                                ev(3, kind::restart, 2), ev(4, kind::spawn, 2, 1), ev(5, kind::complete, 2, 1, 0)};
  const graph g = tasks_view(t, filter{});
  EXPECT_EQ(g.nodes, 3u);
  EXPECT_NE(g.dot.find("h2t1 "), std::string::npos);
  EXPECT_NE(g.dot.find("h2r1t1 "), std::string::npos);
  EXPECT_NE(g.dot.find("host 2 after restart 1"), std::string::npos);
}

// ---- workers ----

TEST(Workers, RowsStealsAndParks) {
  const graph g = workers_view(small_program(), filter{});
  // Two rows: worker 0 polls task 1 twice in a row (one node); worker 1
  // polls 2, steals, polls 3 and parks.
  EXPECT_NE(g.dot.find("w_0_1"), std::string::npos);  // worker 0's row
  EXPECT_NE(g.dot.find("w_0_2"), std::string::npos);  // worker 1's row
  EXPECT_EQ(g.highlighted, (std::vector<std::string>{"e10"}));
  EXPECT_NE(g.dot.find("STEAL 1 from w0"), std::string::npos);
  EXPECT_NE(g.dot.find("label=\"1 task\""), std::string::npos);  // victim -> thief
  EXPECT_NE(g.dot.find("task 1 ×2"), std::string::npos);           // consecutive polls merged
  EXPECT_EQ(g.nodes, 2u + 1u + 4u);
  EXPECT_EQ(g.edges, 5u + 1u);
}

// ---- interleaving ----

schedule_file small_schedule() {
  schedule_file s;
  s.schedule = "w1:demo:AIQ";
  s.outcome = "assertion";
  s.message = "assertion failed at demo.cpp:9";
  auto pick = [](std::uint64_t i, std::int64_t t, const char* name, bool pre, std::vector<std::string> ops) {
    schedule_step c;
    c.choice = i;
    c.kind = "thread";
    c.thread = t;
    c.name = name;
    c.preemption = pre;
    c.ops = std::move(ops);
    return c;
  };
  s.choices = {pick(0, 0, "a", false, {"acquire s1", "release s1"}), pick(1, 1, "b", true, {"acquire s1"}),
               pick(2, 1, "b", false, {"write cell #1 at demo.cpp:9"})};
  return s;
}

// ---- schedule files ----

std::variant<schedule_file, read_error> read_schedule_text(const std::string& text) {
  std::istringstream in(text);
  return read_schedule(in);
}

const std::string schedule_head =
    R"({"schedule":"w1:x:AI","outcome":"assertion","steps":4,"message":"m","records":2})" "\n";
const std::string pick = R"({"choice":0,"kind":"thread","thread":1,"name":"a","preemption":false,"runnable":["main","a"]})" "\n";
const std::string op = R"({"op":"acquire s1","thread":1,"name":"a"})" "\n";

TEST(ScheduleReader, ReadsAWholeFile) {
  const auto r = read_schedule_text(schedule_head + pick + op);
  ASSERT_TRUE(std::holds_alternative<schedule_file>(r)) << std::get<read_error>(r).message;
  const schedule_file& s = std::get<schedule_file>(r);
  EXPECT_EQ(s.schedule, "w1:x:AI");
  ASSERT_EQ(s.choices.size(), 1u);
  EXPECT_EQ(s.choices[0].ops, std::vector<std::string>{"acquire s1"});
}

TEST(ScheduleReader, RefusesAFileCutShort) {
  const auto r = read_schedule_text(schedule_head + pick);
  ASSERT_TRUE(std::holds_alternative<read_error>(r));
  EXPECT_NE(std::get<read_error>(r).message.find("1 of the 2 records its header announces"), std::string::npos);
}

// Found by the reader's fuzzer: a fraction as a thread id was converted to
// a 64-bit integer with undefined behaviour.
TEST(ScheduleReader, RefusesNumbersThatAreNotWholeOrOutOfRange) {
  for (const std::string bad : {R"({"choice":0,"kind":"thread","thread":7.7e52})", R"({"choice":-1,"kind":"thread","thread":1})",
                                R"({"choice":0,"kind":"random","value":1.5,"options":2})"}) {
    const auto r = read_schedule_text(schedule_head + bad + "\n" + op);
    ASSERT_TRUE(std::holds_alternative<read_error>(r)) << bad;
    EXPECT_EQ(std::get<read_error>(r).line, 2u);
    EXPECT_NE(std::get<read_error>(r).message.find("must be a whole number"), std::string::npos)
        << std::get<read_error>(r).message;
  }
}

TEST(Interleaving, ColumnsPreemptionsAndHappensBefore) {
  const graph g = interleaving_view(small_schedule(), filter{});
  EXPECT_EQ(g.nodes, 2u + 3u);  // two thread headers, three steps
  // Program order (3), one switch a->b (a preemption), one release->acquire.
  EXPECT_EQ(g.edges, 5u);
  EXPECT_NE(g.dot.find("label=\"preempted\""), std::string::npos);
  EXPECT_NE(g.dot.find("s0 -> s1 [color=\"#2e7d32\""), std::string::npos);
  // The failing step, which is also the access named in the message.
  EXPECT_EQ(g.highlighted, (std::vector<std::string>{"s2"}));
}

TEST(Interleaving, TheFailingStepStaysMarkedWhenTheSizeLimitCutsTheStart) {
  schedule_file s = small_schedule();
  s.message = "lost wakeup";  // names no access: only "last step" can mark it
  filter f;
  f.max_nodes = 2;
  const graph g = interleaving_view(s, f);
  EXPECT_EQ(g.cut, 1u);
  EXPECT_EQ(g.highlighted, (std::vector<std::string>{"s2"}));
  filter to;
  to.to_seq = 1;  // the failing step is cut off: nothing is the failure
  EXPECT_TRUE(interleaving_view(s, to).highlighted.empty());
}

// ---- Perfetto ----

TEST(Perfetto, PollsAreSlicesAndMessagesAreFlows) {
  std::vector<event> events = small_program();
  for (const event& e : two_hosts()) {
    event c = e;
    c.seq += 100;
    events.push_back(c);
  }
  const auto j = nlohmann::json::parse(perfetto_json(events));
  std::size_t slices = 0, flow_starts = 0, flow_ends = 0, named_tracks = 0;
  for (const auto& e : j.at("traceEvents")) {
    const std::string ph = e.at("ph");
    if (ph == "X" && e.at("cat") == "poll") ++slices;
    if (ph == "s") ++flow_starts;
    if (ph == "f") ++flow_ends;
    if (ph == "M" && e.at("name") == "thread_name") ++named_tracks;
  }
  EXPECT_EQ(slices, 3u);       // three polls that ended
  EXPECT_EQ(flow_starts, 5u);  // two messages and three queuing wakes
  EXPECT_EQ(flow_ends, 3u);    // one delivery, two wakes followed by a poll
  EXPECT_GE(named_tracks, 3u);
}

// ---- rendering ----

TEST(Render, SvgAndPngFromTheLibrary) {
  const graph g = tasks_view(small_program(), filter{});
  std::string error;
  const std::string svg = render_text(g.dot, "svg", error);
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"node\""), g.nodes + 1);  // plus the legend
  EXPECT_EQ(count(svg, "class=\"edge\""), g.edges);
  const auto dir = std::filesystem::temp_directory_path() / "weft-viz-test";
  std::filesystem::create_directories(dir);
  const std::string png = (dir / "tasks.png").string();
  ASSERT_EQ(render_file(g.dot, png, "png"), "");
  std::ifstream in(png, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  EXPECT_FALSE(render_text("digraph { a -> }", "svg", error).size() > 0 && error.empty());
}

// Every view, for a real trace of each scenario (the failing kv seed too).
class EveryScenario : public testing::TestWithParam<std::string> {};

TEST_P(EveryScenario, EveryViewRenders) {
  const sim::scenario* s = examples::find_scenario(GetParam());
  ASSERT_NE(s, nullptr);
  sim::world w(3, s->config);
  s->setup(w);
  w.run();
  const auto dir = std::filesystem::temp_directory_path() / ("weft-viz-" + s->name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "trace.jsonl").string();
  ASSERT_EQ(w.save_trace(path), "");
  read_result r = read_trace_file(path);
  ASSERT_TRUE(r) << r.error().describe(path);
  const auto& events = r.value().events;
  ASSERT_GT(events.size(), 100u);
  // fanout has one host and no network: its space-time view is the note
  // that says so.
  const bool networked = s->name != "fanout";
  for (const graph& g : {spacetime_view(events, filter{}), spacetime_view(events, filter{}, lanes::thread),
                         tasks_view(events, filter{}), workers_view(events, filter{})}) {
    EXPECT_GE(g.nodes, networked ? 2u : 1u);
    EXPECT_LE(g.nodes, 300u + 10u);  // the default limit, plus lane headers
    std::string error;
    const std::string svg = render_text(g.dot, "svg", error);
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_GE(count(svg, "class=\"node\""), g.nodes);
  }
  const auto perfetto = nlohmann::json::parse(perfetto_json(events), nullptr, false);
  EXPECT_FALSE(perfetto.is_discarded());
  // And the failure report's page.
  failure_page p;
  p.title = s->name;
  p.repro = "weft run " + s->name + " --seed 0x3";
  p.message = "test";
  p.trace_file = "trace.jsonl";
  ASSERT_EQ(write_trace_report(dir.string(), p, events), "");
  std::ifstream in(dir / "index.html");
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(count(page, "<figure"), 3u);
  EXPECT_EQ(count(page, "<svg"), 3u);
  EXPECT_NE(page.find("weft run " + s->name + " --seed 0x3"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryScenario, testing::Values("echo", "kv", "kv-fixed", "fanout"),
                         [](const auto& p) {
  std::string n = p.param;
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
});

TEST(Report, RefusesADirectoryThatIsNotEmpty) {
  const auto dir = std::filesystem::temp_directory_path() / "weft-viz-report-full";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "keep.txt") << "mine\n";
  EXPECT_NE(prepare_report_dir(dir.string()).find("not empty"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "keep.txt"));
}

}  // namespace
}  // namespace weft::viz
