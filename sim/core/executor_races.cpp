// sim::executor, the race detector's hooks (see race.hpp): happens-before edges
// from synchronisation, and each sys::cell access checked against the vector clocks.
#include "sim/core/executor.hpp"

#include <cstdio>
#include <string>

#include "runtime/sys/assert.hpp"
#include "sim/core/executor_thread.hpp"

namespace weft::sim {

void executor::log_sync(const char* what, const void* object) {
  if (current_ == no_thread) return;
  const auto [it, fresh] = sync_names_.try_emplace(object, sync_names_.size() + 1);
  log_op(std::string(what) + " s" + std::to_string(it->second));
}

std::string executor::describe_component(std::uint32_t component) const {
  if (component == 0) return "a timed event";
  const thread_id t = component - 1;
  return "thread " + std::to_string(t) + " '" + threads_[t]->name + "'";
}

std::string executor::race_message(const cell_meta& c, const cell_access& earlier, bool earlier_is_write,
                                   const cell_access& now, bool now_is_write) const {
  auto where = [](const cell_access& a) {
    if (a.pc != nullptr) return describe_pc(a.pc) + " (step " + std::to_string(a.step) + ")";
    std::string file = a.file;
    if (file.ends_with("sys/sim/cell.hpp")) return "the cell's construction (step " + std::to_string(a.step) + ")";
    // weft's own files relative to the project.
    constexpr std::string_view root = WEFT_SOURCE_DIR;
    if (file.starts_with(root)) file = file.substr(root.size());
    return file + ":" + std::to_string(a.line) + " (step " + std::to_string(a.step) + ")";
  };
  return "data race on cell #" + std::to_string(c.id) + ": " + (earlier_is_write ? "write" : "read") + " by " +
         describe_component(earlier.component) + " at " + where(earlier) + " and " +
         (now_is_write ? "write" : "read") + " by " + describe_component(now.component) + " at " + where(now) +
         " are not ordered by happens-before";
}

std::string executor::describe_pc(const void* pc) {
  if (symbolizer_ != nullptr) return symbolizer_(pc);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", pc);
  return buf;
}

std::pair<const void*, const void*> executor::current_stack() const noexcept {
  if (current_ == no_thread) return {nullptr, nullptr};
  const ctx::stack_context& st = threads_[current_]->stack;
  const char* top = static_cast<const char*>(st.sp);
  return {top - st.size, top};
}

void executor::note_site(const void* pc) noexcept {
  if (current_ != no_thread) threads_[current_]->site = pc;
}

namespace {
std::string site(const source_site& where) {
  if (where.pc != nullptr) return executor::describe_pc(where.pc);
  std::string file = where.file;
  constexpr std::string_view root = WEFT_SOURCE_DIR;
  if (file.starts_with(root)) file = file.substr(root.size());
  return file + ":" + std::to_string(where.line);
}
}  // namespace

void executor::cell_read(cell_meta& c, const source_site& where) {
  if (!options_.detect_races) return;
  object_id(c.id);
  if (options_.op_log && current_ != no_thread) log_op("read cell #" + std::to_string(c.id) + " at " + site(where));
  const std::uint32_t me = my_component();
  const vector_clock& mine = my_clock();
  const cell_access now{me, mine.get(me), report_.steps, where.file, where.line, where.pc};
  if (c.written && c.write.component != me && c.write.clock > mine.get(c.write.component)) {
    fail(outcome::data_race, race_message(c, c.write, true, now, false));
    return;
  }
  for (cell_access& r : c.reads) {
    if (r.component == me) {
      r = now;
      return;
    }
  }
  c.reads.push_back(now);
}

void executor::cell_write(cell_meta& c, const source_site& where) {
  if (!options_.detect_races) return;
  object_id(c.id);
  if (options_.op_log && current_ != no_thread) log_op("write cell #" + std::to_string(c.id) + " at " + site(where));
  const std::uint32_t me = my_component();
  const vector_clock& mine = my_clock();
  const cell_access now{me, mine.get(me), report_.steps, where.file, where.line, where.pc};
  if (c.written && c.write.component != me && c.write.clock > mine.get(c.write.component)) {
    fail(outcome::data_race, race_message(c, c.write, true, now, true));
    return;
  }
  for (const cell_access& r : c.reads) {
    if (r.component != me && r.clock > mine.get(r.component)) {
      fail(outcome::data_race, race_message(c, r, false, now, true));
      return;
    }
  }
  c.written = true;
  c.write = now;
  c.reads.clear();
}

}  // namespace weft::sim
