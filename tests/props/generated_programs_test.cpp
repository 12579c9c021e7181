// Properties over generated concurrent programs: rapidcheck generates a
// program (2-3 threads, each a short sequence of mutex, atomic, channel and
// signal operations), the explorer searches its interleavings. When the
// property fails, rapidcheck shrinks the program while the explorer shrinks
// each failing schedule, and the failure message carries both keys: the
// schedule (replayable with WEFT_SCHEDULE) and rapidcheck's own reproduce
// string, which it prints itself.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "props/explore.hpp"
#include "runtime/sys/assert.hpp"
#include "runtime/sys/atomic.hpp"
#include "runtime/sys/condvar.hpp"
#include "runtime/sys/mutex.hpp"
#include "runtime/sys/thread.hpp"

namespace weft::props {

enum class op : std::uint8_t {
  atomic_increment,  // counter.fetch_add(1)
  locked_increment,  // ++guarded under the mutex
  send,              // push onto a mutex-guarded queue, notify
  try_recv,          // pop from it if not empty
  signal,            // set a sticky event under the mutex, notify_all
  racy_increment,    // counter.store(counter.load() + 1): the deliberate bug
};

inline void showValue(op o, std::ostream& os) {
  static constexpr const char* names[] = {"atomic_increment", "locked_increment", "send",
                                          "try_recv",         "signal",           "racy_increment"};
  os << names[static_cast<int>(o)];
}

namespace {

using program = std::vector<std::vector<op>>;  // one op list per thread

std::string describe(const program& p) {
  std::ostringstream out;
  for (std::size_t t = 0; t < p.size(); ++t) {
    out << "t" << t << ":";
    for (const op o : p[t]) {
      out << ' ';
      showValue(o, out);
    }
    out << (t + 1 < p.size() ? "; " : "");
  }
  return out.str();
}

// Runs the program's threads, joins them, then checks every count. Main
// waits for the event if some thread signals (in a predicate loop).
void run_program(const program& p) {
  sys::mutex m;
  sys::condvar cv;
  sys::atomic<int> counter{0};
  int guarded = 0;        // under m
  std::deque<int> queue;  // under m
  bool event = false;     // under m
  sys::atomic<int> received{0};
  int atomic_ops = 0;
  int locked_ops = 0;
  int sends = 0;
  bool signals = false;
  for (const auto& thread_ops : p) {
    for (const op o : thread_ops) {
      atomic_ops += o == op::atomic_increment || o == op::racy_increment ? 1 : 0;
      locked_ops += o == op::locked_increment ? 1 : 0;
      sends += o == op::send ? 1 : 0;
      signals = signals || o == op::signal;
    }
  }
  std::vector<sys::thread> threads;
  for (std::size_t t = 0; t < p.size(); ++t) {
    threads.emplace_back("t" + std::to_string(t), [&, t] {
      for (const op o : p[t]) {
        switch (o) {
          case op::atomic_increment: counter.fetch_add(1, std::memory_order_acq_rel); break;
          case op::racy_increment:
            counter.store(counter.load(std::memory_order_acquire) + 1, std::memory_order_release);
            break;
          case op::locked_increment: {
            std::lock_guard g(m);
            ++guarded;
            break;
          }
          case op::send: {
            {
              std::lock_guard g(m);
              queue.push_back(1);
            }
            cv.notify_all();
            break;
          }
          case op::try_recv: {
            std::lock_guard g(m);
            if (!queue.empty()) {
              queue.pop_front();
              received.fetch_add(1, std::memory_order_relaxed);
            }
            break;
          }
          case op::signal: {
            {
              std::lock_guard g(m);
              event = true;
            }
            cv.notify_all();
            break;
          }
        }
      }
    });
  }
  if (signals) {
    std::unique_lock lock(m);
    while (!event) cv.wait(lock);
  }
  for (sys::thread& t : threads) t.join();
  WEFT_ASSERT(counter.load(std::memory_order_acquire) == atomic_ops, "an atomic increment was lost");
  std::lock_guard g(m);
  WEFT_ASSERT(guarded == locked_ops, "a locked increment was lost");
  WEFT_ASSERT(received.load(std::memory_order_relaxed) + static_cast<int>(queue.size()) == sends,
              "a message was lost or duplicated");
}

program generate(bool with_bug) {
  const int threads = *rc::gen::inRange(2, 4);
  const auto ops = with_bug ? rc::gen::element(op::atomic_increment, op::locked_increment, op::send, op::try_recv,
                                                op::signal, op::racy_increment)
                            : rc::gen::element(op::atomic_increment, op::locked_increment, op::send, op::try_recv,
                                                op::signal);
  program p;
  for (int t = 0; t < threads; ++t) {
    // Short lists (at most 5 operations) that rapidcheck shrinks by removing elements.
    p.push_back(*rc::gen::resize(5, rc::gen::container<std::vector<op>>(ops)));
  }
  return p;
}

explore_result explore_program(const program& p, std::uint64_t iterations) {
  explore_options o;
  o.name = "generated";
  o.iterations = iterations;
  o.repro = "WEFT_SCHEDULE={} (with this program)";
  return explore(o, [&p] { run_program(p); });
}

// Programs of correct operations pass every schedule tried.
RC_GTEST_PROP(GeneratedPrograms, CorrectOperationsPassUnderExploration, ()) {
  const program p = generate(false);
  const explore_result r = explore_program(p, 100);
  RC_ASSERT_FALSE(r.failure.has_value());
  RC_TAG(p.size());
}

// A program with the racy increment fails once two threads touch the
// counter; rapidcheck shrinks it to the smallest such program, and the
// explorer's shrunk schedule for it has one preemption.
TEST(GeneratedPrograms, RapidcheckShrinksTheProgramWhileTheExplorerShrinksTheSchedule) {
  std::optional<program> last_failing;
  std::string last_report;
  const bool passed = rc::check("racy programs survive exploration", [&] {
    const program p = generate(true);
    const explore_result r = explore_program(p, 300);
    if (r.failure) {
      last_failing = p;
      last_report = r.summary();
      RC_FAIL("program " + describe(p) + "\n" + r.summary());
    }
  });
  ASSERT_FALSE(passed) << "no generated program with a racy increment failed";
  ASSERT_TRUE(last_failing.has_value());
  // A smallest failing program: two threads, one racy increment and one
  // other operation on the same counter — or one operation more, when no
  // single removal from rapidcheck's shrunk program still fails within the
  // explorer's 300 schedules (rapidcheck shrinks by removing operations,
  // never by moving one to another thread; about 1 run in 150 with random
  // rapidcheck seeds ends there).
  std::size_t total = 0;
  int racy = 0;
  for (const auto& t : *last_failing) {
    total += t.size();
    for (const op o : t) racy += o == op::racy_increment ? 1 : 0;
  }
  EXPECT_EQ(last_failing->size(), 2u) << describe(*last_failing);
  EXPECT_GE(total, 2u) << describe(*last_failing);
  EXPECT_LE(total, 3u) << describe(*last_failing);
  EXPECT_GE(racy, 1) << describe(*last_failing);
  EXPECT_NE(last_report.find("(1 preemption,"), std::string::npos) << last_report;
  EXPECT_NE(last_report.find("reproduce: WEFT_SCHEDULE=w1:generated:"), std::string::npos) << last_report;
}

}  // namespace
}  // namespace weft::props
