#include "models/model.hpp"

namespace weft::models {

const std::vector<model_entry>& catalogue() {
  static const std::vector<model_entry> all = [] {
    std::vector<model_entry> out;
    add_task_state_models(out);
    add_local_queue_models(out);
    add_park_models(out);
    add_channel_models(out);
    add_timer_wheel_models(out);
    return out;
  }();
  return all;
}

const model_entry* find(const std::string& name) {
  for (const model_entry& e : catalogue()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace weft::models
