// Files written whole or not at all: traces, schedule files, pictures,
// reports, JUnit. weft never leaves a truncated output behind (a full disk,
// a missing folder, a signal in the middle) and never reports "wrote" for a
// file it did not write.
//
//   if (std::string err = trace::write_whole_file("out/run.svg", svg); !err.empty()) {
//     print("weft: " + err);   // "cannot write out/run.svg: No space left on device"
//     return 2;
//   }
//
// The text goes to a temporary file beside `path` (same folder, so the
// final step is an atomic rename), is flushed and closed with every error
// checked, and only then renamed over `path`. On any failure the temporary
// file is removed and `path` is untouched. Whether an existing `path` may be
// replaced (--force) is the caller's decision, made before calling.
#pragma once

#include <string>
#include <string_view>

namespace weft::trace {

// "" on success, else one line: "cannot write PATH: REASON".
std::string write_whole_file(const std::string& path, std::string_view content);

}  // namespace weft::trace
