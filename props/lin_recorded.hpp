// Histories recorded outside weft — by Jepsen, Knossos, Elle, Porcupine or
// your own harness — read from a file and checked for linearizability
// against a built-in model: what `weft lin FILE` does.
//
//   auto read = props::recorded::read_history_file("etcd_000.log", std::nullopt);
//   if (auto* err = std::get_if<std::string>(&read)) { ... one line: FILE:LINE: what ... }
//   const auto& h = std::get<props::recorded::recording>(read);
//   props::recorded::request q;                 // model chosen from the content
//   const props::lin_result r = props::recorded::check(h, q);
//
// Formats, recognised from the first line (or forced):
//
//   edn         Jepsen's history maps, one per line:
//                 {:process 0, :type :invoke, :f :append, :key "0", :value "x"}
//   jepsen-log  Jepsen's text log; lines without "jepsen.util - " (and
//               nemesis lines) are skipped:
//                 INFO  jepsen.util - 3	:invoke	:cas	[1 4]
//   jsonl       weft's own, one JSON object per line:
//                 {"process":0,"type":"invoke","f":"cas","value":[1,4]}
//                 {"process":0,"type":"ok","f":"cas","value":[1,4]}
//
// Operations (:f): read, write, cas (registers); get, put, append (a map
// of strings, with :key). Each process runs one operation at a time: an
// :invoke, then its completion. What the completion means (Jepsen's types,
// read as Porcupine reads its test data, so the verdicts agree):
//
//   :ok    completed; reads and gets answered :value
//   :fail  a cas answered "did not swap"; a read or get with an unknown
//          answer (Jepsen logs a timed-out read this way); anything else
//          did not take effect and is left out
//   :info  indeterminate: it may take effect at any time after its
//          invocation, even after the :info (pending), as may an
//          operation still open at the end
//   :unknown  (weft's own) over, answer unknown: it took effect at most
//          once, before this completion, or never
//
// Models: `register` (read, write), `cas-register` (and cas) starting at
// nil or --initial, and `kv` (get, put, append on strings starting at "",
// a get of an absent key answering ""), checked key by key unless asked
// for the whole map. Values are compared as text: 4 and "4" are the same.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "props/linearizability.hpp"

namespace weft::props::recorded {

// nil, or a value's text.
using value = std::optional<std::string>;
std::string show(const value& v);  // "nil" or the text

enum class fn : std::uint8_t { read, write, cas, get, put, append };
const char* fn_name(fn f) noexcept;

struct call {
  fn f = fn::read;
  std::optional<std::string> key;  // kv operations
  value arg;                        // write, put, append: the value; cas: the expected one
  value arg2;                       // cas: the new value
};

struct answer {
  fn f = fn::read;  // what it answers (for printing)
  value v;          // read, get: what was seen
  bool ok = true;   // cas: whether it swapped
  friend bool operator==(const answer&, const answer&) = default;
};

std::string describe(const call& c);
std::string describe(const answer& a);

enum class format : std::uint8_t { edn, jepsen_log, jsonl };
enum class model_kind : std::uint8_t { register_, cas_register, kv };
const char* format_name(format f) noexcept;
const char* model_name(model_kind m) noexcept;
std::optional<format> format_from_name(const std::string& name);
std::optional<model_kind> model_from_name(const std::string& name);

struct recording {
  history<call, answer> h;
  format fmt = format::edn;
  std::size_t processes = 0;
  std::size_t unknown = 0;  // completed, answer unknown
  std::size_t pending = 0;  // never completed (:info, or open at the end)
  std::size_t left_out = 0;  // failed, so never took effect
  bool has_keys = false;
  bool has_cas = false;
};

// The history in `text`, or one line "SOURCE:LINE: what is wrong".
std::variant<recording, std::string> read_history(const std::string& text, const std::string& source,
                                                  std::optional<format> forced);
std::variant<recording, std::string> read_history_file(const std::string& path, std::optional<format> forced);

struct request {
  std::optional<model_kind> model;  // default: kv with keys, cas-register with cas, else register
  value initial;                    // registers: nil unless given; kv: "" unless given
  bool by_key = true;               // kv: check each key apart
  lin_options<call, answer> options;
};

// The model `q` picks for `r`, or one line saying why it does not fit.
std::variant<model_kind, std::string> model_for(const recording& r, const request& q);

// Checks `r` with the model `q` picks (which must fit: see model_for).
lin_result check(const recording& r, const request& q);

// A picture (Graphviz dot) of a check: one row per process, its operations
// in order; with a failure, the longest partial linearization numbered in
// green, the operation that responded with no linearization left in red,
// the others by why they could not go next; when linearizable, the last
// `max_steps` operations in their linearization order.
std::string draw(const recording& r, const lin_result& result, const std::string& title, std::size_t max_steps);

}  // namespace weft::props::recorded
