#include "sim/core/run_pool.hpp"

#include <utility>

#include "sim/core/executor_thread.hpp"

namespace weft::sim {

namespace {
// More than any small check spawns; a run of hundreds of threads reuses
// this many records and allocates the rest.
constexpr std::size_t records_kept = 256;
}  // namespace

run_pool::run_pool(std::size_t stack_size) : stacks_(stack_size) {}

run_pool::~run_pool() = default;

std::vector<choice> run_pool::take_choices() {
  std::vector<choice> out = std::move(choices_);
  out.clear();
  choices_ = {};
  return out;
}

void run_pool::give_back(std::vector<choice>&& choices) noexcept {
  if (choices.capacity() > choices_.capacity()) choices_ = std::move(choices);
}

std::vector<std::unique_ptr<thread_record>> run_pool::take_thread_list() noexcept { return std::move(thread_list_); }

std::vector<thread_id> run_pool::take_scratch() noexcept { return std::move(scratch_); }

void run_pool::give_back(std::vector<std::unique_ptr<thread_record>>&& list) noexcept {
  list.clear();
  thread_list_ = std::move(list);
}

void run_pool::give_back(std::vector<thread_id>&& scratch) noexcept {
  scratch.clear();
  scratch_ = std::move(scratch);
}

segment_log run_pool::take_segment_log() noexcept { return std::exchange(segment_log_, {}); }

void run_pool::give_back(segment_log&& log) noexcept {
  // Each list keeps the larger allocation of the two.
  const auto keep = [](auto& mine, auto& theirs) {
    if (theirs.capacity() <= mine.capacity()) return;
    theirs.clear();
    mine = std::move(theirs);
  };
  keep(segment_log_.segments, log.segments);
  keep(segment_log_.accesses, log.accesses);
  keep(segment_log_.join_edges, log.join_edges);
}

object_numbers run_pool::take_object_numbers() noexcept { return std::exchange(object_numbers_, {}); }

void run_pool::give_back(object_numbers&& numbers) noexcept {
  numbers.clear();
  object_numbers_ = std::move(numbers);
}

std::unique_ptr<thread_record> run_pool::take_record() noexcept {
  if (records_.empty()) return nullptr;
  std::unique_ptr<thread_record> r = std::move(records_.back());
  records_.pop_back();
  return r;
}

void run_pool::give_back(std::unique_ptr<thread_record> record) noexcept {
  if (records_.size() >= records_kept) return;  // dropped
  try {
    records_.push_back(std::move(record));
  } catch (...) {  // no room to keep it: dropped
  }
}

}  // namespace weft::sim
