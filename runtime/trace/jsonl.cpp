#include "runtime/trace/jsonl.hpp"

#include <ostream>

namespace weft::trace {

std::string header_line(std::size_t events) {
  return "{\"weft_trace\":" + std::to_string(schema_version) + ",\"events\":" + std::to_string(events) + "}";
}

std::string to_json_line(const event& e) {
  std::string s;
  s.reserve(128);
  s += "{\"seq\":";
  s += std::to_string(e.seq);
  s += ",\"t\":";
  s += std::to_string(e.time_ns);
  s += ",\"host\":";
  s += std::to_string(e.host);
  s += ",\"thread\":";
  s += std::to_string(e.thread);
  s += ",\"worker\":";
  s += std::to_string(e.worker);
  s += ",\"task\":";
  s += std::to_string(e.task);
  s += ",\"kind\":\"";
  s += kind_name(e.what);
  s += "\",\"a\":";
  s += std::to_string(e.a);
  s += ",\"b\":";
  s += std::to_string(e.b);
  s += '}';
  return s;
}

std::string to_jsonl(const std::vector<event>& events) {
  std::string out = header_line(events.size());
  out += '\n';
  for (const event& e : events) {
    out += to_json_line(e);
    out += '\n';
  }
  return out;
}

void write_jsonl(std::ostream& out, const std::vector<event>& events) { out << to_jsonl(events); }

std::uint64_t trace_hash(const std::vector<event>& events) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto feed = [&h](const std::string& line) {
    for (unsigned char c : line) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h ^= '\n';
    h *= 0x100000001b3ull;
  };
  feed(header_line(events.size()));
  for (const event& e : events) feed(to_json_line(e));
  return h;
}

}  // namespace weft::trace
