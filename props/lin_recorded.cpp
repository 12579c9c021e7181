// The built-in models of recorded histories and the check (see
// lin_recorded.hpp); reading the formats is in lin_parse.cpp, drawing in
// lin_draw.cpp.
#include "props/lin_recorded.hpp"

#include <functional>

#include <fmt/format.h>

namespace weft::props::recorded {

std::string show(const value& v) { return v ? *v : std::string("nil"); }

const char* fn_name(fn f) noexcept {
  switch (f) {
    case fn::read: return "read";
    case fn::write: return "write";
    case fn::cas: return "cas";
    case fn::get: return "get";
    case fn::put: return "put";
    case fn::append: return "append";
  }
  return "?";
}

std::string describe(const call& c) {
  const std::string key = c.key ? fmt::format("\"{}\"", *c.key) : std::string();
  switch (c.f) {
    case fn::read: return "read()";
    case fn::write: return fmt::format("write({})", show(c.arg));
    case fn::cas: return fmt::format("cas({}, {})", show(c.arg), show(c.arg2));
    case fn::get: return fmt::format("get({})", key);
    case fn::put: return fmt::format("put({}, \"{}\")", key, show(c.arg));
    case fn::append: return fmt::format("append({}, \"{}\")", key, show(c.arg));
  }
  return "?";
}

std::string describe(const answer& a) {
  switch (a.f) {
    case fn::read: return show(a.v);
    case fn::get: return fmt::format("\"{}\"", show(a.v));
    case fn::cas: return a.ok ? "ok" : "fail";
    default: return "ok";
  }
}

const char* format_name(format f) noexcept {
  switch (f) {
    case format::edn: return "edn";
    case format::jepsen_log: return "jepsen-log";
    case format::jsonl: return "jsonl";
  }
  return "?";
}

const char* model_name(model_kind m) noexcept {
  switch (m) {
    case model_kind::register_: return "register";
    case model_kind::cas_register: return "cas-register";
    case model_kind::kv: return "kv";
  }
  return "?";
}

std::optional<format> format_from_name(const std::string& name) {
  for (format f : {format::edn, format::jepsen_log, format::jsonl}) {
    if (name == format_name(f)) return f;
  }
  return std::nullopt;
}

std::optional<model_kind> model_from_name(const std::string& name) {
  for (model_kind m : {model_kind::register_, model_kind::cas_register, model_kind::kv}) {
    if (name == model_name(m)) return m;
  }
  return std::nullopt;
}

namespace {

std::size_t hash_of(const value& v) { return v ? std::hash<std::string>{}(*v) * 31 + 1 : 0; }

// A register of nil or text, with or without compare-and-set.
struct register_model {
  value v;
  answer apply(const call& c) {
    answer a{c.f, std::nullopt, true};
    if (c.f == fn::read) a.v = v;
    if (c.f == fn::write) v = c.arg;
    if (c.f == fn::cas) {
      a.ok = v == c.arg;
      if (a.ok) v = c.arg2;
    }
    return a;
  }
  std::size_t hash() const { return hash_of(v); }
  bool operator==(const register_model&) const = default;
  friend std::ostream& operator<<(std::ostream& os, const register_model& m) { return os << show(m.v); }
};

// One key of the map (the check goes key by key).
struct kv_model {
  std::string v;
  answer apply(const call& c) {
    answer a{c.f, std::nullopt, true};
    if (c.f == fn::get) a.v = v;
    if (c.f == fn::put) v = c.arg.value_or("");
    if (c.f == fn::append) v += c.arg.value_or("");
    return a;
  }
  std::size_t hash() const { return std::hash<std::string>{}(v); }
  bool operator==(const kv_model&) const = default;
  friend std::ostream& operator<<(std::ostream& os, const kv_model& m) { return os << '"' << m.v << '"'; }
};

// The whole map at once (--whole): every key in one search. A key holding
// `initial` is not stored, so equal maps are equal containers.
struct kv_map_model {
  std::map<std::string, std::string> m;
  std::string initial;
  answer apply(const call& c) {
    const std::string key = c.key.value_or("");
    const auto it = m.find(key);
    std::string v = it == m.end() ? initial : it->second;
    answer a{c.f, std::nullopt, true};
    if (c.f == fn::get) return answer{c.f, v, true};
    if (c.f == fn::put) v = c.arg.value_or("");
    if (c.f == fn::append) v += c.arg.value_or("");
    if (v == initial) {
      m.erase(key);
    } else {
      m[key] = std::move(v);
    }
    return a;
  }
  std::size_t hash() const {
    std::size_t h = 0;
    for (const auto& [k, v] : m) h = h * 1'000'003 ^ (std::hash<std::string>{}(k) * 31 + std::hash<std::string>{}(v));
    return h;
  }
  bool operator==(const kv_map_model&) const = default;
};

bool fits(fn f, model_kind m) {
  switch (m) {
    case model_kind::register_: return f == fn::read || f == fn::write;
    case model_kind::cas_register: return f == fn::read || f == fn::write || f == fn::cas;
    case model_kind::kv: return f == fn::get || f == fn::put || f == fn::append;
  }
  return false;
}

}  // namespace

std::variant<model_kind, std::string> model_for(const recording& r, const request& q) {
  const model_kind m = q.model ? *q.model
                       : r.has_keys ? model_kind::kv
                       : r.has_cas  ? model_kind::cas_register
                                    : model_kind::register_;
  for (const auto& e : r.h.entries()) {
    if (!fits(e.op.f, m)) {
      return fmt::format("the {} model has no :{} operation (use --model {})", model_name(m), fn_name(e.op.f),
                         e.op.f == fn::cas ? "cas-register" : e.op.key ? "kv" : "register");
    }
  }
  return m;
}

lin_result check(const recording& r, const request& q) {
  const auto m = model_for(r, q);
  WEFT_ASSERT(std::holds_alternative<model_kind>(m), "recorded::check with a model that does not fit");
  lin_options<call, answer> o = q.options;
  o.describe_op = [](const call& c) { return describe(c); };
  o.describe_ret = [](const answer& a) { return describe(a); };
  switch (std::get<model_kind>(m)) {
    case model_kind::register_:
    case model_kind::cas_register:
      return check_linearizable(r.h, register_model{q.initial}, o);
    case model_kind::kv:
      if (!q.by_key) return check_linearizable(r.h, kv_map_model{{}, q.initial.value_or("")}, o);
      return check_linearizable_by_key(
          r.h, [](const call& c) { return c.key.value_or(""); }, kv_model{q.initial.value_or("")}, o);
  }
  return {};
}

}  // namespace weft::props::recorded
