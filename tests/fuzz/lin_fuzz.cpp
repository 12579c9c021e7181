// libFuzzer harness: `weft lin`'s readers of recorded histories (EDN maps,
// Jepsen text logs, JSON Lines) and the check on whatever they accept. The
// first byte picks a format (or lets the reader recognise it); the rest is
// the file. A history is read or refused with one line naming the line;
// one that is read is checked (small budget, with an explanation) and
// drawn — never a crash, a hang or an assertion.
#include <cstddef>
#include <cstdint>
#include <string>

#include "props/lin_recorded.hpp"
#include "runtime/sys/assert.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace weft::props::recorded;
  if (size == 0 || size > (1u << 14)) return 0;
  const std::optional<format> forced = data[0] % 4 == 0   ? std::optional(format::edn)
                                       : data[0] % 4 == 1 ? std::optional(format::jepsen_log)
                                       : data[0] % 4 == 2 ? std::optional(format::jsonl)
                                                          : std::nullopt;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto read = read_history(text, "fuzz", forced);
  if (auto* err = std::get_if<std::string>(&read)) {
    WEFT_ASSERT(err->find('\n') == std::string::npos, "a refusal is one line");
    return 0;
  }
  const recording& r = std::get<recording>(read);
  request q;
  q.options.max_configurations = 2'000;
  if (std::holds_alternative<std::string>(model_for(r, q))) return 0;
  const weft::props::lin_result result = check(r, q);
  WEFT_ASSERT(result.linearizable || result.gave_up || !result.explanation.empty(), "a failure says why");
  if (!result.gave_up) (void)draw(r, result, "fuzz", 50);
  return 0;
}
