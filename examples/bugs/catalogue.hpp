// The bug catalogue: classic concurrency bugs, each a small program on the
// sys:: primitives with a deliberate bug, and its fixed twin NAME-fixed.
// `weft list` shows them (kind "bug" / "fixed"); `weft explore NAME` searches
// their interleavings. Each file holds one pair and says what goes wrong.
#pragma once

#include <string>
#include <vector>

#include "props/registry.hpp"

namespace weft::examples {

// kind: "bug" or "fixed"; the body runs as the simulated thread "main".
using check = props::check;

const std::vector<check>& checks();
const check* find_check(const std::string& name);

// One pair per file.
std::vector<check> lost_notify_checks();
std::vector<check> abba_deadlock_checks();
std::vector<check> aba_stack_checks();
std::vector<check> steal_off_by_one_checks();
std::vector<check> double_checked_init_checks();
std::vector<check> lost_update_checks();
std::vector<check> condvar_no_loop_checks();
std::vector<check> close_races_send_checks();
// Relaxed-memory bugs: explored under weak memory (check::weak_memory).
std::vector<check> store_buffering_checks();
std::vector<check> relaxed_publish_checks();
std::vector<check> seqlock_fence_checks();
std::vector<check> wake_by_ref_release_checks();

}  // namespace weft::examples
