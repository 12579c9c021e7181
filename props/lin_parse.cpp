// Reading recorded histories (see lin_recorded.hpp): EDN history maps,
// Jepsen's text log, weft's JSON Lines. Each line becomes an event (a
// process invoking or completing an operation); the events then pair up
// into a history, with failed operations left out.
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "props/lin_recorded.hpp"

namespace weft::props::recorded {
namespace {

// ---- a small EDN reader: what history maps hold

struct edn {
  enum class kind : std::uint8_t { nil, boolean, number, string, keyword, symbol, vector, map };
  kind k = kind::nil;
  std::string text;         // number, string (unescaped), keyword (with ':'), symbol, boolean
  std::vector<edn> items;   // vector; map: key, value, key, value, ...
};

class edn_reader {
 public:
  explicit edn_reader(std::string_view s) : s_(s) {}

  // One value and nothing after it but whitespace; nullopt and error() otherwise.
  std::optional<edn> whole() {
    std::optional<edn> v = value(0);
    skip();
    if (v && pos_ != s_.size()) return fail(fmt::format("unexpected '{}' after the value", s_[pos_]));
    return v;
  }
  const std::string& error() const noexcept { return error_; }

 private:
  static constexpr int depth_max = 32;

  std::optional<edn> fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return std::nullopt;
  }
  void skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == ',' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  static bool symbol_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("*+!-_?<>=/.:#'").find(c) !=
                                                                  std::string_view::npos;
  }

  std::optional<edn> value(int depth) {
    skip();
    if (depth > depth_max) return fail("values nested too deep");
    if (pos_ >= s_.size()) return fail("a value is missing");
    const char c = s_[pos_];
    if (c == '"') return string();
    if (c == '[' || c == '(') return sequence(c == '[' ? ']' : ')', edn::kind::vector, depth);
    if (c == '{') return sequence('}', edn::kind::map, depth);
    if (c == ':') return atom(edn::kind::keyword);
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c)) != 0) return atom(edn::kind::number);
    if (symbol_char(c)) return atom(edn::kind::symbol);
    return fail(fmt::format("'{}' cannot start a value", c));
  }

  std::optional<edn> atom(edn::kind k) {
    edn v;
    v.k = k;
    const std::size_t from = pos_;
    ++pos_;
    while (pos_ < s_.size() && symbol_char(s_[pos_])) ++pos_;
    v.text = std::string(s_.substr(from, pos_ - from));
    if (k == edn::kind::number && v.text.find_first_not_of("-0123456789.eEN+M") != std::string::npos) {
      return fail("'" + v.text + "' is not a number");
    }
    if (k == edn::kind::symbol && v.text == "nil") v.k = edn::kind::nil;
    if (k == edn::kind::symbol && (v.text == "true" || v.text == "false")) v.k = edn::kind::boolean;
    return v;
  }

  std::optional<edn> string() {
    edn v;
    v.k = edn::kind::string;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return v;
      }
      if (c == '\\' && pos_ + 1 < s_.size()) {
        c = s_[++pos_];
        c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
      }
      v.text += c;
    }
    return fail("a string is not closed");
  }

  std::optional<edn> sequence(char close, edn::kind k, int depth) {
    edn v;
    v.k = k;
    ++pos_;
    for (;;) {
      skip();
      if (pos_ >= s_.size()) return fail(fmt::format("'{}' is missing", close));
      if (s_[pos_] == close) {
        ++pos_;
        break;
      }
      std::optional<edn> item = value(depth + 1);
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
    }
    if (k == edn::kind::map && v.items.size() % 2 != 0) return fail("a map has a key without a value");
    return v;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

// ---- events

struct event {
  std::size_t line = 0;
  std::uint64_t process = 0;
  std::string type;  // invoke, ok, fail, info
  std::string f;
  std::optional<std::string> key;
  edn v;
};

using event_or_error = std::variant<std::optional<event>, std::string>;  // nullopt: a line to skip

std::optional<std::uint64_t> process_of(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) {
    return std::nullopt;
  }
  return std::stoull(text);
}

std::string keyword_name(const edn& v) {
  return v.k == edn::kind::keyword && v.text.size() > 1 ? v.text.substr(1) : std::string();
}

event_or_error edn_line(const std::string& text, std::size_t line) {
  edn_reader reader(text);
  const std::optional<edn> m = reader.whole();
  if (!m) return reader.error();
  if (m->k != edn::kind::map) return std::string("expected a map {:process ..., :type ..., :f ...}");
  event e;
  e.line = line;
  bool have_process = false;
  for (std::size_t i = 0; i + 1 < m->items.size(); i += 2) {
    const std::string key = keyword_name(m->items[i]);
    const edn& val = m->items[i + 1];
    if (key == "process") {
      const auto p = process_of(val.text);
      if (!p) return std::optional<event>{};  // the nemesis, not a client
      e.process = *p;
      have_process = true;
    } else if (key == "type") {
      e.type = keyword_name(val);
    } else if (key == "f") {
      e.f = keyword_name(val);
    } else if (key == "key") {
      if (val.k != edn::kind::nil) e.key = val.text;
    } else if (key == "value") {
      e.v = val;
    }
  }
  if (!have_process) return std::string("no :process");
  return std::optional<event>{std::move(e)};
}

event_or_error jepsen_line(const std::string& text, std::size_t line) {
  const std::size_t at = text.find("jepsen.util - ");
  if (at == std::string::npos) return std::optional<event>{};  // other log lines
  std::istringstream in(text.substr(at + 14));
  std::string process, type, f;
  in >> process >> type >> f;
  const auto p = process_of(process);
  if (!p) return std::optional<event>{};  // :nemesis
  if (type.size() < 2 || type[0] != ':' || f.size() < 2 || f[0] != ':') {
    return std::string("expected PROCESS :TYPE :F VALUE after \"jepsen.util - \"");
  }
  event e;
  e.line = line;
  e.process = *p;
  e.type = type.substr(1);
  e.f = f.substr(1);
  std::string rest;
  std::getline(in, rest);
  if (rest.find_first_not_of(" \t") != std::string::npos) {
    edn_reader reader(rest);
    std::optional<edn> v = reader.whole();
    if (!v) return "the value: " + reader.error();
    e.v = std::move(*v);
  }
  return std::optional<event>{std::move(e)};
}

edn edn_of_json(const nlohmann::json& j) {
  edn v;
  if (j.is_null()) return v;
  if (j.is_string()) {
    v.k = edn::kind::string;
    v.text = j.get<std::string>();
  } else if (j.is_number() || j.is_boolean()) {
    v.k = j.is_boolean() ? edn::kind::boolean : edn::kind::number;
    v.text = j.dump();
  } else if (j.is_array()) {
    v.k = edn::kind::vector;
    for (const auto& item : j) v.items.push_back(edn_of_json(item));
  } else {
    v.k = edn::kind::map;
  }
  return v;
}

event_or_error json_line(const std::string& text, std::size_t line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return std::string("not valid JSON");
  }
  if (!j.is_object()) return std::string("expected an object {\"process\":..., \"type\":..., \"f\":...}");
  if (!j.contains("process") || !j["process"].is_number_unsigned()) return std::string("no \"process\" number");
  if (!j.contains("type") || !j["type"].is_string() || !j.contains("f") || !j["f"].is_string()) {
    return std::string("\"type\" and \"f\" must be strings");
  }
  event e;
  e.line = line;
  e.process = j["process"].get<std::uint64_t>();
  e.type = j["type"].get<std::string>();
  e.f = j["f"].get<std::string>();
  if (j.contains("key") && !j["key"].is_null()) e.key = j["key"].is_string() ? j["key"].get<std::string>() : j["key"].dump();
  if (j.contains("value")) e.v = edn_of_json(j["value"]);
  return std::optional<event>{std::move(e)};
}

std::optional<format> recognise(const std::string& first) {
  if (first.rfind("{:", 0) == 0) return format::edn;
  if (first.rfind("{\"", 0) == 0) return format::jsonl;
  if (first.find("jepsen.util") != std::string::npos || first.rfind("INFO", 0) == 0) return format::jepsen_log;
  return std::nullopt;
}

// ---- pairing events into operations

value value_of(const edn& v) {
  if (v.k == edn::kind::nil) return std::nullopt;
  return v.text;
}

std::optional<fn> fn_of(const std::string& f) {
  static const std::map<std::string, fn> names = {{"read", fn::read}, {"write", fn::write}, {"cas", fn::cas},
                                                  {"get", fn::get},   {"put", fn::put},     {"append", fn::append}};
  const auto it = names.find(f);
  return it == names.end() ? std::nullopt : std::optional(it->second);
}

enum class ending : std::uint8_t { answered, unknown, pending, left_out };

struct operation {
  std::uint64_t process = 0;
  call c;
  ending end = ending::pending;
  answer a;
};

std::variant<call, std::string> call_of(const event& e) {
  const std::optional<fn> f = fn_of(e.f);
  if (!f) return ":f :" + e.f + " is not an operation weft's models know (read, write, cas, get, put, append)";
  call c;
  c.f = *f;
  c.key = e.key;
  if (c.f == fn::cas) {
    if (e.v.k != edn::kind::vector || e.v.items.size() != 2) return std::string("a cas takes [expected new]");
    c.arg = value_of(e.v.items[0]);
    c.arg2 = value_of(e.v.items[1]);
  } else if (c.f == fn::write || c.f == fn::put || c.f == fn::append) {
    c.arg = value_of(e.v);
  }
  return c;
}

// What a completion says about its operation.
void complete(operation& op, const event& e) {
  op.a.f = op.c.f;
  if (e.type == "ok") {
    op.end = ending::answered;
    if (op.c.f == fn::read) op.a.v = value_of(e.v);
    if (op.c.f == fn::get) op.a.v = value_of(e.v).value_or("");  // an absent key reads as ""
  } else if (e.type == "unknown") {
    op.end = ending::unknown;  // weft's own: over, answer unknown
  } else if (e.type == "fail") {
    if (op.c.f == fn::cas) {
      op.end = ending::answered;
      op.a.ok = false;
    } else {
      op.end = op.c.f == fn::read || op.c.f == fn::get ? ending::unknown : ending::left_out;
    }
  } else {
    op.end = ending::pending;  // :info: may take effect at any time after its invocation
  }
}

struct paired {
  std::vector<operation> ops;
  std::vector<std::pair<std::size_t, bool>> order;  // (operation, is its invocation), in file order
};

std::variant<paired, std::string> pair_up(const std::vector<event>& events, const std::string& source) {
  paired p;
  std::map<std::uint64_t, std::size_t> open;  // process -> its operation in flight
  const auto at = [&](const event& e) { return fmt::format("{}:{}: ", source, e.line); };
  for (const event& e : events) {
    if (e.type == "invoke") {
      if (open.contains(e.process)) return at(e) + fmt::format("process {} invokes again before its last operation completed", e.process);
      auto c = call_of(e);
      if (auto* err = std::get_if<std::string>(&c)) return at(e) + *err;
      open[e.process] = p.ops.size();
      p.order.emplace_back(p.ops.size(), true);
      p.ops.push_back(operation{e.process, std::get<call>(c), ending::pending, {}});
      continue;
    }
    if (e.type != "ok" && e.type != "fail" && e.type != "info" && e.type != "unknown") {
      return at(e) + ":type :" + e.type + " is not one of :invoke, :ok, :fail, :info, :unknown";
    }
    const auto it = open.find(e.process);
    if (it == open.end()) return at(e) + fmt::format("process {} completes an operation it never invoked", e.process);
    operation& op = p.ops[it->second];
    if (fn_of(e.f) != op.c.f) return at(e) + fmt::format("process {} completes :{} but invoked :{}", e.process, e.f, fn_name(op.c.f));
    complete(op, e);
    if (op.end != ending::pending) p.order.emplace_back(it->second, false);
    open.erase(it);
  }
  return p;
}

recording build(const paired& p, format kind) {
  recording r;
  r.fmt = kind;
  std::map<std::uint64_t, bool> processes;
  std::vector<std::size_t> id_of(p.ops.size());
  for (const auto& [index, invocation] : p.order) {
    const operation& op = p.ops[index];
    if (op.end == ending::left_out) continue;  // it never took effect
    if (invocation) {
      processes[op.process] = true;
      id_of[index] = r.h.invoke(static_cast<std::uint32_t>(op.process), op.c);
      r.has_keys = r.has_keys || op.c.key.has_value();
      r.has_cas = r.has_cas || op.c.f == fn::cas;
    } else if (op.end == ending::unknown) {
      r.h.complete_unknown(id_of[index]);
    } else {
      r.h.complete(id_of[index], op.a);
    }
  }
  for (const operation& op : p.ops) {
    r.unknown += op.end == ending::unknown ? 1 : 0;
    r.pending += op.end == ending::pending ? 1 : 0;
    r.left_out += op.end == ending::left_out ? 1 : 0;
  }
  r.processes = processes.size();
  return r;
}

}  // namespace

std::variant<recording, std::string> read_history(const std::string& text, const std::string& source,
                                                  std::optional<format> forced) {
  std::istringstream in(text);
  std::string line;
  std::optional<format> kind = forced;
  std::vector<event> events;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!kind) kind = recognise(line);
    if (!kind) {
      return fmt::format("{}:{}: cannot tell the format (EDN maps, a Jepsen log, or JSON Lines); give --format",
                         source, n);
    }
    event_or_error e = *kind == format::edn     ? edn_line(line, n)
                       : *kind == format::jsonl ? json_line(line, n)
                                                : jepsen_line(line, n);
    if (auto* err = std::get_if<std::string>(&e)) return fmt::format("{}:{}: {}", source, n, *err);
    if (auto& ev = std::get<std::optional<event>>(e)) events.push_back(std::move(*ev));
  }
  if (events.empty()) return source + ": no operations in it";
  std::variant<paired, std::string> p = pair_up(events, source);
  if (auto* err = std::get_if<std::string>(&p)) return *err;
  return build(std::get<paired>(p), *kind);
}

std::variant<recording, std::string> read_history_file(const std::string& path, std::optional<format> forced) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + ": cannot open it";
  std::stringstream text;
  text << in.rdbuf();
  return read_history(text.str(), path, forced);
}

}  // namespace weft::props::recorded
