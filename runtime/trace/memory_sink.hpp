// trace::memory_sink: keeps every event in memory, in the order recorded.
//
//   trace::memory_sink sink;
//   auto rt = rt::builder::multi_thread().trace(&sink).build();
//   ...
//   for (const trace::event& e : sink.events()) { ... }
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "runtime/trace/event.hpp"

namespace weft::trace {

class memory_sink final : public sink {
 public:
  // Keeps at most `capacity` events; later ones are counted in dropped().
  explicit memory_sink(std::size_t capacity = 1u << 24) : capacity_(capacity) {}

  void record(const event& e) noexcept override;

  // A copy of the events so far (safe while the runtime still runs).
  std::vector<event> events() const;
  std::size_t dropped() const;
  void clear();

 private:
  // A plain std::mutex: the sink observes the runtime, it is not part of any
  // protocol the simulator explores.
  mutable std::mutex mutex_;
  std::vector<event> events_;
  std::size_t capacity_;
  std::size_t dropped_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace weft::trace
