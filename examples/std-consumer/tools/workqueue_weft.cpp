// The project's own `weft` command (weft::cli_main supplies main()).
#include <weft/cli.hpp>

#include <atomic>
#include <cassert>

#include "workqueue/workqueue.hpp"

WEFT_CHECK("workqueue-drain", "two workers drain two jobs, then shut down") {
  std::atomic<int> done{0};
  workqueue q(2);
  q.submit([&] { done.fetch_add(1); });
  q.submit([&] { done.fetch_add(1); });
  q.shutdown();
  WEFT_ASSERT(done.load() == 2, "a job was lost");
}
