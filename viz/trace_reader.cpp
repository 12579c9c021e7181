#include "viz/trace_reader.hpp"

#include <fstream>
#include <limits>
#include <stdexcept>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace weft::viz {

using json = nlohmann::json;

std::string read_error::describe(const std::string& path) const {
  if (line == 0) return fmt::format("{}: {}", path, message);
  return fmt::format("{}:{}: {}", path, line, message);
}

namespace {

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    case json::value_t::number_float: return "a fraction";
    default: return "a number";
  }
}

// The fields of an event line, in the order the writer puts them.
constexpr const char* fields[] = {"seq", "t", "host", "thread", "worker", "task", "kind", "a", "b"};

std::string check_int(const json& obj, const char* key, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  const json& v = obj.at(key);
  if (!v.is_number_integer()) return fmt::format("field \"{}\" must be an integer, not {}", key, type_name(v));
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(hi)) return fmt::format("field \"{}\" = {} is out of range", key, u);
    out = static_cast<std::int64_t>(u);
  } else {
    out = v.get<std::int64_t>();
  }
  if (out < lo || out > hi) return fmt::format("field \"{}\" = {} is out of range", key, out);
  return {};
}

// The header line: the schema version, and (from schema 2) how many events
// follow. Returns an error message, or "".
std::string read_header(const std::string& text, int& schema, std::optional<std::uint64_t>& events) {
  const std::string not_a_trace = "not a weft trace: the first line must be {\"weft_trace\":VERSION,...}";
  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception&) {  // parse_error, and out_of_range for numbers too large
    return not_a_trace;
  }
  if (!header.is_object() || !header.contains("weft_trace")) {
    if (header.is_object() && header.contains("schedule")) {
      return "this is an explorer schedule file, not a trace (use --view interleaving)";
    }
    return not_a_trace;
  }
  const json& version = header["weft_trace"];
  if (!version.is_number_integer()) return "\"weft_trace\" must be an integer schema version";
  if (version.is_number_unsigned() ? version.get<std::uint64_t>() > static_cast<std::uint64_t>(newest_schema)
                                   : version.get<std::int64_t>() > newest_schema) {
    return fmt::format("trace schema version {} is newer than this weft reads ({}); use the weft that wrote it",
                       version.dump(), newest_schema);
  }
  const bool too_old = version.is_number_unsigned() ? version.get<std::uint64_t>() < oldest_schema
                                                    : version.get<std::int64_t>() < oldest_schema;
  if (too_old) {
    return fmt::format("trace schema version {} does not exist (versions {} to {} do)", version.dump(), oldest_schema,
                       newest_schema);
  }
  schema = static_cast<int>(version.get<std::int64_t>());  // now within oldest..newest
  if (schema >= 2) {
    if (!header.contains("events") || !header["events"].is_number_unsigned()) {
      return "the header of a schema 2 trace must say how many events follow (\"events\":N)";
    }
    events = header["events"].get<std::uint64_t>();
  }
  return {};
}

// One event line. Returns an error message, or "".
std::string read_event(const std::string& text, int schema, trace::event& e) {
  json obj;
  try {
    obj = json::parse(text);
  } catch (const json::exception& err) {  // parse_error, and out_of_range for numbers too large
    std::string what = err.what();
    if (const auto at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
    return "not valid JSON: " + what;
  }
  if (!obj.is_object()) return fmt::format("an event must be a JSON object, not {}", type_name(obj));
  for (const char* f : fields) {
    if (!obj.contains(f)) return fmt::format("missing field \"{}\"", f);
  }
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (const char* f : fields) known = known || key == f;
    if (!known) return fmt::format("unknown field \"{}\" (schema {})", key, schema);
  }
  std::int64_t v = 0;
  std::string bad;
  const auto field = [&](const char* key, std::int64_t lo, std::int64_t hi) {
    if (bad.empty()) bad = check_int(obj, key, lo, hi, v);
    return bad.empty();
  };
  if (field("seq", 0, INT64_MAX)) e.seq = static_cast<std::uint64_t>(v);
  if (field("t", INT64_MIN, INT64_MAX)) e.time_ns = v;
  if (field("host", 0, UINT32_MAX)) e.host = static_cast<std::uint32_t>(v);
  if (field("thread", -1, INT32_MAX)) e.thread = static_cast<std::int32_t>(v);
  if (field("worker", -1, INT32_MAX)) e.worker = static_cast<std::int32_t>(v);
  if (field("task", 0, INT64_MAX)) e.task = static_cast<std::uint64_t>(v);
  if (field("a", INT64_MIN, INT64_MAX)) e.a = v;
  if (field("b", INT64_MIN, INT64_MAX)) e.b = v;
  if (!bad.empty()) return bad;
  const json& k = obj["kind"];
  if (!k.is_string()) return fmt::format("field \"kind\" must be a string, not {}", type_name(k));
  if (!trace::kind_from_name(k.get<std::string>(), e.what)) {
    return fmt::format("unknown event kind \"{}\"", k.get<std::string>());
  }
  return {};
}

}  // namespace

read_result read_trace(std::istream& in) {
  trace_file out;
  std::string text;
  if (!std::getline(in, text)) return read_error{1, "empty file: a trace starts with {\"weft_trace\":VERSION,...}"};
  std::optional<std::uint64_t> expected;
  if (std::string bad = read_header(text, out.schema, expected); !bad.empty()) return read_error{1, bad};
  std::size_t line = 1;
  std::int64_t last_seq = -1;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) {
      if (in.peek() == std::char_traits<char>::eof()) break;  // a trailing blank line
      return read_error{line, "empty line"};
    }
    trace::event e;
    if (std::string bad = read_event(text, out.schema, e); !bad.empty()) return read_error{line, bad};
    if (static_cast<std::int64_t>(e.seq) <= last_seq) {
      return read_error{line, fmt::format("seq {} does not follow {} (events must be in order)", e.seq, last_seq)};
    }
    last_seq = static_cast<std::int64_t>(e.seq);
    if (expected && out.events.size() == *expected) {
      return read_error{line, fmt::format("more events than the {} the header announces", *expected)};
    }
    out.events.push_back(e);
  }
  if (expected && out.events.size() != *expected) {
    return read_error{line, fmt::format("the trace ends after {} of the {} events its header announces: it was "
                                        "cut short (a full disk, or an interrupted copy?)",
                                        out.events.size(), *expected)};
  }
  return out;
}

read_result read_trace_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return read_error{0, "cannot open the file"};
  return read_trace(in);
}

bool is_schedule_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  if (!std::getline(in, first)) return false;
  return first.rfind("{\"schedule\":", 0) == 0;
}

std::variant<schedule_file, read_error> read_schedule_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return read_error{0, "cannot open the file"};
  return read_schedule(in);
}

namespace {

// A record field that must be a whole number in T's range (nlohmann would
// convert 7.7e52 to a 64-bit integer with undefined behaviour: found by the
// reader's fuzzer).
struct bad_field : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T>
T whole(const json& obj, const char* key) {
  const json& v = obj.at(key);
  const auto max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  const auto min = static_cast<std::int64_t>(std::numeric_limits<T>::min());
  const bool fits = v.is_number_unsigned()  ? v.get<std::uint64_t>() <= max
                    : v.is_number_integer() ? v.get<std::int64_t>() >= min
                                            : false;
  if (!fits) throw bad_field(fmt::format("field \"{}\" must be a whole number in range, not {}", key, v.dump()));
  return v.get<T>();
}

template <class T>
T whole_or(const json& obj, const char* key, T fallback) {
  return obj.contains(key) ? whole<T>(obj, key) : fallback;
}

// An operation of the thread last picked; if another thread performs it,
// that thread ran on without a choice (it was the only one that could).
void add_operation(schedule_file& out, const json& obj) {
  const std::int64_t thread = whole_or<std::int64_t>(obj, "thread", -1);
  schedule_step* last = nullptr;
  for (auto it = out.choices.rbegin(); it != out.choices.rend(); ++it) {
    if (it->kind == "thread") {
      last = &*it;
      break;
    }
  }
  if (last == nullptr || (thread >= 0 && last->thread != thread)) {
    schedule_step s;
    s.kind = "thread";
    s.implied = true;
    s.thread = thread;
    s.name = obj.value("name", std::string());
    s.choice = out.choices.empty() ? 0 : out.choices.back().choice;
    out.choices.push_back(std::move(s));
    last = &out.choices.back();
  }
  last->ops.push_back(obj.at("op").get<std::string>());
}

schedule_step choice_of(const json& obj) {
  schedule_step s;
  s.choice = whole<std::uint64_t>(obj, "choice");
  s.kind = obj.at("kind").get<std::string>();
  if (s.kind == "thread") {
    s.thread = whole<std::int64_t>(obj, "thread");
    s.name = obj.value("name", std::string());
    s.preemption = obj.value("preemption", false);
    s.runnable = obj.value("runnable", std::vector<std::string>{});
  } else {
    s.value = whole<std::uint64_t>(obj, "value");
    s.options = whole<std::uint64_t>(obj, "options");
  }
  return s;
}

// The header (line 1): the schedule, its outcome, and from this version on
// how many records follow. "" or what is wrong.
std::string read_schedule_header(const json& obj, schedule_file& out, std::optional<std::uint64_t>& records) {
  if (!obj.contains("schedule")) return "not a schedule file: the first line must name the schedule";
  out.schedule = obj.at("schedule").get<std::string>();
  out.outcome = obj.value("outcome", std::string());
  out.message = obj.value("message", std::string());
  out.steps = whole_or<std::uint64_t>(obj, "steps", 0);
  if (obj.contains("records")) records = whole<std::uint64_t>(obj, "records");
  return {};
}

}  // namespace

std::variant<schedule_file, read_error> read_schedule(std::istream& in) {
  schedule_file out;
  std::optional<std::uint64_t> expected;
  std::uint64_t records = 0;
  std::string text;
  std::size_t line = 0;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    json obj;
    try {
      obj = json::parse(text);
    } catch (const json::exception&) {
      return read_error{line, "not valid JSON"};
    }
    if (!obj.is_object()) return read_error{line, "a record must be a JSON object"};
    try {
      if (line == 1) {
        if (std::string bad = read_schedule_header(obj, out, expected); !bad.empty()) return read_error{1, bad};
        continue;
      }
      ++records;
      if (obj.contains("op")) {
        add_operation(out, obj);
      } else {
        out.choices.push_back(choice_of(obj));
      }
    } catch (const json::exception& e) {
      return read_error{line, std::string("malformed record: ") + e.what()};
    } catch (const bad_field& e) {
      return read_error{line, std::string("malformed record: ") + e.what()};
    }
  }
  if (line == 0) return read_error{1, "empty file"};
  if (expected && records != *expected) {
    return read_error{line, "the schedule file has " + std::to_string(records) + " of the " +
                                std::to_string(*expected) + " records its header announces: it was cut short"};
  }
  return out;
}

}  // namespace weft::viz
