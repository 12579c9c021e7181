// weft_instrument's mechanisms, each on a small plain-C++ program written in
// this (instrumented) file: what the standard library's threads, locks,
// waits, clocks and atomics become inside a run, what ends a run, and the
// limits that end it with outcome::unsupported instead of a wrong verdict.
#include <gtest/gtest.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <condition_variable>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <weft/gtest.hpp>

namespace {

using namespace std::chrono_literals;
using weft::props::explore_options;
using weft::props::explore_result;
using weft::sim::outcome;

explore_result explore_with(const std::string& strategy, const std::function<void()>& body,
                            std::uint64_t iterations = 2'000) {
  explore_options o;
  o.name = "mechanism";
  std::string error;
  o.strategy = weft::props::parse_strategy(strategy, error).value();
  o.iterations = iterations;
  return weft::props::explore(o, body);
}

std::string file_name() {
  const std::string f = __FILE__;
  return f.substr(f.rfind('/') + 1);
}

}  // namespace

// External linkage, so that the compiler keeps every access.
int weft_test_shared_plain = 0;
extern int weft_test_global_balance;
extern bool weft_test_plain_flag;
thread_local int weft_test_per_thread = 0;
std::atomic<int> weft_test_sink{0};

namespace {

// ---- data races on plain memory ----

constexpr int write_line = __LINE__ + 1;
void write_plain() { weft_test_shared_plain = 1; }
void read_plain() { weft_test_sink.store(weft_test_shared_plain, std::memory_order_relaxed); }

TEST(Instrument, ARaceOnPlainMemoryNamesBothSourceLines) {
  const explore_result r = explore_with("random", [] {
    weft_test_shared_plain = 0;
    std::thread a(write_plain);
    std::thread b(read_plain);
    a.join();
    b.join();
  });
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->kind, outcome::data_race);
  const std::string& m = r.failure->message;
  EXPECT_NE(m.find(file_name() + ":" + std::to_string(write_line)), std::string::npos) << m;
  EXPECT_NE(m.find(file_name() + ":" + std::to_string(write_line + 1)), std::string::npos) << m;
}

TEST(Instrument, AccessesOrderedByJoinOrAMutexAreNotARace) {
  const explore_result r = explore_with("portfolio", [] {
    int x = 0;
    std::mutex m;
    std::thread a([&] {
      std::lock_guard<std::mutex> l(m);
      ++x;
    });
    {
      std::lock_guard<std::mutex> l(m);
      ++x;
    }
    a.join();
    assert(x == 2);
  });
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
}

// Memory freed by one thread and allocated by another is new memory: its
// old accesses are forgotten (no false race through the allocator).
TEST(Instrument, FreedMemoryReusedByAnotherThreadIsNotARace) {
  const explore_result r = explore_with("portfolio", [] {
    std::atomic<int> done{0};
    std::thread a([&] {
      int* p = new int(1);
      *p = 2;
      delete p;
      done.store(1, std::memory_order_relaxed);
    });
    std::thread b([&] {
      int* q = new int(3);
      *q = 4;
      delete q;
    });
    a.join();
    b.join();
  });
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
}

// A thread spinning on a plain flag never reaches a scheduling point; every
// 1,024 reads of one address it yields, so the writer runs and the race on
// the flag is reported (instead of the run hanging).
bool weft_test_plain_flag = false;

TEST(Instrument, ASpinOnAPlainFlagIsARaceNotAHang) {
  const explore_result r = explore_with("random", [] {
    weft_test_plain_flag = false;
    std::thread setter([] { weft_test_plain_flag = true; });
    while (!*static_cast<volatile bool*>(&weft_test_plain_flag)) {
    }
    setter.join();
  }, 50);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->kind, outcome::data_race) << r.summary();

  // The fixed twin spins on an atomic: every load is a scheduling point.
  const explore_result fixed = explore_with("random", [] {
    std::atomic<bool> flag{false};
    std::thread setter([&] { flag.store(true); });
    while (!flag.load()) {
    }
    setter.join();
  }, 50);
  EXPECT_FALSE(fixed.failure.has_value()) << fixed.summary();
}

// ---- determinism and replay ----

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Instrument, TheSameSeedFindsTheSameScheduleMessageAndTrace) {
  const auto body = [] {
    int hits = 0;
    std::mutex m;
    std::thread a([&] {
      std::lock_guard<std::mutex> l(m);
      ++hits;
    });
    std::thread b([&] { ++hits; });
    a.join();
    b.join();
  };
  const std::string dir = testing::TempDir();
  explore_options o;
  std::string error;
  o.strategy = weft::props::parse_strategy("pct:3", error).value();
  o.name = "same-seed-1";
  o.trace_dir = dir;
  const explore_result first = weft::props::explore(o, body);
  o.name = "same-seed-2";
  const explore_result second = weft::props::explore(o, body);
  ASSERT_TRUE(first.failure.has_value());
  ASSERT_TRUE(second.failure.has_value());
  EXPECT_EQ(first.failure->shrunk.substr(first.failure->shrunk.rfind(':')),
            second.failure->shrunk.substr(second.failure->shrunk.rfind(':')));
  EXPECT_EQ(first.failure->message, second.failure->message);
  ASSERT_FALSE(first.failure->trace_file.empty());
  std::string a = file_text(first.failure->trace_file);
  std::string b = file_text(second.failure->trace_file);
  ASSERT_FALSE(a.empty());
  for (std::string* t : {&a, &b}) {  // the names differ, nothing else may
    for (std::size_t at = 0; (at = t->find("same-seed-", at)) != std::string::npos; at += 11) {
      t->replace(at, 11, "same-seed-N");
    }
  }
  EXPECT_EQ(a, b);
}

// ---- every run starts from the program's state before the exploration ----

int weft_test_global_balance = 100;  // static storage, changed by each run

TEST(Instrument, StaticStorageIsPutBackAfterEachRun) {
  const auto body = [] {
    static int calls = 0;  // a function-local static, built in each run
    static std::mutex m;
    std::thread t([] {
      std::lock_guard<std::mutex> l(m);
      weft_test_global_balance -= 60;
    });
    {
      std::lock_guard<std::mutex> l(m);
      weft_test_global_balance -= 30;
    }
    t.join();
    ++calls;
    assert(calls == 1 && weft_test_global_balance == 10 && "each run starts from the same globals");
  };
  const explore_result r = explore_with("portfolio", body);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_EQ(weft_test_global_balance, 100);  // as before the exploration
}

// ---- outside a run: the real thing ----

TEST(Instrument, OutsideARunThreadsLocksAndClocksAreReal) {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::atomic<int> n{0};
  const auto start = std::chrono::steady_clock::now();
  std::thread t([&] {
    n.fetch_add(1);
    std::this_thread::sleep_for(2ms);
    std::lock_guard<std::mutex> l(m);
    ready = true;
    cv.notify_one();
  });
  {
    std::unique_lock<std::mutex> l(m);
    cv.wait(l, [&] { return ready; });
  }
  t.join();
  EXPECT_EQ(n.load(), 1);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms);
  EXPECT_NE(t.get_id(), std::this_thread::get_id());
}

// ---- time ----

TEST(Instrument, SleepsAndTimedWaitsUseVirtualTime) {
  const auto wall = std::chrono::steady_clock::now();
  const explore_result r = explore_with("random", [] {
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(10s);
    const auto t1 = std::chrono::steady_clock::now();
    assert(t1 - t0 == 10s && "sleep_for advanced virtual time by exactly its duration");
    std::mutex m;
    std::condition_variable cv;
    std::unique_lock<std::mutex> l(m);
    const bool woken = cv.wait_for(l, 250ms, [] { return false; });
    assert(!woken && std::chrono::steady_clock::now() - t1 == 250ms);
    std::timed_mutex tm;
    std::thread holder([&] {
      std::lock_guard<std::timed_mutex> held(tm);
      std::this_thread::sleep_for(1s);
    });
    std::this_thread::sleep_for(1ms);
    const bool got = tm.try_lock_for(100ms);  // the holder keeps it for 1 s
    assert(!got);
    holder.join();
    assert(tm.try_lock_for(100ms));
    tm.unlock();
  }, 200);
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
  EXPECT_LT(std::chrono::steady_clock::now() - wall, 5s);  // 200 runs of 11 virtual seconds
}

// ---- the other standard primitives ----

TEST(Instrument, RecursiveSharedOnceStaticsAsyncAndJthreadWork) {
  const explore_result r = explore_with("portfolio", [] {
    std::recursive_mutex rm;
    std::shared_mutex sm;
    std::once_flag once;
    std::atomic<int> inits{0};
    int guarded = 0;
    auto work = [&] {
      {
        std::lock_guard<std::recursive_mutex> a(rm);
        std::lock_guard<std::recursive_mutex> b(rm);
        ++guarded;
      }
      {
        std::shared_lock<std::shared_mutex> s(sm);
        (void)guarded;
      }
      std::call_once(once, [&] { inits.fetch_add(1); });
      static const int answer = [] { return 42; }();
      assert(answer == 42);
    };
    std::jthread a(work);
    std::thread b(work);
    b.join();
    a.join();
    assert(inits.load() == 1 && guarded == 2);
    std::future<int> f = std::async(std::launch::async, [] { return 7; });
    assert(f.get() == 7);
  });
  EXPECT_FALSE(r.failure.has_value()) << r.summary();
}

TEST(Instrument, AtomicWaitAndNotifyAreModelledAndAMissingNotifyDeadlocks) {
  const auto program = [](bool notify) {
    return [notify] {
      std::atomic<int> flag{0};
      std::thread waiter([&] { flag.wait(0); });
      std::this_thread::sleep_for(1ms);  // the waiter blocks in the futex first
      flag.store(1);
      if (notify) flag.notify_one();
      waiter.join();
    };
  };
  const explore_result fixed = explore_with("portfolio", program(true));
  EXPECT_FALSE(fixed.failure.has_value()) << fixed.summary();
  const explore_result bug = explore_with("portfolio", program(false));
  ASSERT_TRUE(bug.failure.has_value());
  EXPECT_EQ(bug.failure->kind, outcome::deadlock) << bug.summary();
}

// ---- what ends a run ----

TEST(Instrument, AssertAbortTerminateAndUncaughtExceptionsFailTheRun) {
  const explore_result a = explore_with("random", [] {
    std::thread t([] { assert(1 + 1 == 3); });
    t.join();
  });
  ASSERT_TRUE(a.failure.has_value());
  EXPECT_EQ(a.failure->kind, outcome::assertion);
  EXPECT_NE(a.failure->message.find("1 + 1 == 3"), std::string::npos) << a.failure->message;

  const explore_result b = explore_with("random", [] {
    std::thread t([] { std::abort(); });
    t.join();
  });
  ASSERT_TRUE(b.failure.has_value());
  EXPECT_EQ(b.failure->kind, outcome::assertion);
  EXPECT_NE(b.failure->message.find("abort() called at "), std::string::npos) << b.failure->message;
  EXPECT_NE(b.failure->message.find(file_name() + ":"), std::string::npos) << b.failure->message;

  const explore_result c = explore_with("random", [] {
    std::thread t([] {});
    (void)t;  // destroyed while joinable: std::terminate
  });
  ASSERT_TRUE(c.failure.has_value());
  EXPECT_EQ(c.failure->kind, outcome::exception);
  EXPECT_NE(c.failure->message.find("std::terminate"), std::string::npos) << c.failure->message;

  const explore_result d = explore_with("random", [] {
    std::thread t([] { throw std::runtime_error("boom"); });
    t.join();
  });
  ASSERT_TRUE(d.failure.has_value());
  EXPECT_EQ(d.failure->kind, outcome::exception);
  EXPECT_NE(d.failure->message.find("boom"), std::string::npos) << d.failure->message;
}

// ---- limits, detected ----

TEST(Instrument, AThreadLocalUsedByTwoSimulatedThreadsIsUnsupported) {
  const explore_result one = explore_with("random", [] {
    weft_test_per_thread = 1;
    std::thread t([] {});
    t.join();
    weft_test_per_thread = 2;
  });
  EXPECT_FALSE(one.failure.has_value()) << one.summary();

  const explore_result two = explore_with("random", [] {
    std::thread t([] { weft_test_per_thread = 1; });
    weft_test_per_thread = 2;
    t.join();
  });
  ASSERT_TRUE(two.failure.has_value());
  EXPECT_EQ(two.failure->kind, outcome::unsupported);
  EXPECT_NE(two.failure->message.find("thread_local"), std::string::npos) << two.failure->message;
}

TEST(Instrument, ForkAndSignalsAreUnsupported) {
  const explore_result f = explore_with("random", [] {
    if (fork() == 0) _exit(0);
  });
  ASSERT_TRUE(f.failure.has_value());
  EXPECT_EQ(f.failure->kind, outcome::unsupported);
  EXPECT_NE(f.failure->message.find("fork()"), std::string::npos);

  const explore_result s = explore_with("random", [] { raise(SIGUSR1); });
  ASSERT_TRUE(s.failure.has_value());
  EXPECT_EQ(s.failure->kind, outcome::unsupported);
  EXPECT_NE(s.failure->message.find("signals are not simulated"), std::string::npos);
}

// ---- C-style POSIX threads, as in SCTBench's programs ----

pthread_spinlock_t weft_test_spin;
int weft_test_spin_counter = 0;

void* spin_worker(void* use_lock) {
  if (use_lock != nullptr) pthread_spin_lock(&weft_test_spin);
  ++weft_test_spin_counter;
  if (use_lock != nullptr) pthread_spin_unlock(&weft_test_spin);
  pthread_exit(reinterpret_cast<void*>(std::intptr_t{7}));
}

TEST(Instrument, SpinLocksAndPthreadExitAreModelled) {
  const auto program = [](bool lock) {
    return [lock] {
      weft_test_spin_counter = 0;
      pthread_spin_init(&weft_test_spin, PTHREAD_PROCESS_PRIVATE);
      pthread_t a, b;
      static int yes = 1;
      void* use = lock ? &yes : nullptr;
      pthread_create(&a, nullptr, spin_worker, use);
      pthread_create(&b, nullptr, spin_worker, use);
      void* ra = nullptr;
      void* rb = nullptr;
      pthread_join(a, &ra);
      pthread_join(b, &rb);
      assert(ra == reinterpret_cast<void*>(std::intptr_t{7}) && rb == ra && "pthread_exit's value reaches join");
      assert(weft_test_spin_counter == 2);
    };
  };
  const explore_result fixed = explore_with("portfolio", program(true));
  EXPECT_FALSE(fixed.failure.has_value()) << fixed.summary();
  const explore_result bug = explore_with("portfolio", program(false));
  ASSERT_TRUE(bug.failure.has_value());
  EXPECT_EQ(bug.failure->kind, outcome::data_race) << bug.summary();
}

TEST(Instrument, SemaphoresAndBarriersAreModelled) {
  // A one-slot handoff: the producer posts `items`, the consumer waits for
  // each. Started at 1 instead of 0, the consumer takes an item that is
  // not there yet (a data race on the slot).
  const auto handoff = [](unsigned initial) {
    return [initial] {
      sem_t items;
      sem_init(&items, 0, initial);
      int slot = 0;
      std::thread producer([&] {
        slot = 42;
        sem_post(&items);
      });
      sem_wait(&items);
      const int got = slot;
      producer.join();
      assert(got == 42);
      sem_destroy(&items);
    };
  };
  const explore_result fixed = explore_with("portfolio", handoff(0));
  EXPECT_FALSE(fixed.failure.has_value()) << fixed.summary();
  const explore_result bug = explore_with("portfolio", handoff(1));
  ASSERT_TRUE(bug.failure.has_value());
  EXPECT_NE(bug.failure->kind, outcome::ok);

  // A barrier of 3 with only 2 arriving never opens: a deadlock at the wait.
  const auto rendezvous = [](unsigned parties) {
    return [parties] {
      pthread_barrier_t b;
      pthread_barrier_init(&b, nullptr, parties);
      int before = 0;
      std::thread t([&] {
        before = 1;
        pthread_barrier_wait(&b);
      });
      pthread_barrier_wait(&b);
      assert(before == 1);  // ordered by the barrier: no race
      t.join();
      pthread_barrier_destroy(&b);
    };
  };
  const explore_result opens = explore_with("portfolio", rendezvous(2));
  EXPECT_FALSE(opens.failure.has_value()) << opens.summary();
  const explore_result stuck = explore_with("random", rendezvous(3), 10);
  ASSERT_TRUE(stuck.failure.has_value());
  EXPECT_EQ(stuck.failure->kind, outcome::deadlock);
  EXPECT_NE(stuck.failure->blocked[0].find("barrier"), std::string::npos) << stuck.summary();
}

TEST(Instrument, SixteenByteAtomicsAndExitStatusWork) {
  struct pair {
    long a, b;
  };
  const explore_result wide = explore_with("portfolio", [] {
    std::atomic<pair> p{pair{0, 0}};
    std::thread t([&] { p.store(pair{1, 1}); });
    const pair seen = p.load();
    assert(seen.a == seen.b && "a 16-byte atomic is never torn");
    t.join();
  });
  EXPECT_FALSE(wide.failure.has_value()) << wide.summary();
  std::atomic<pair> outside{pair{2, 3}};  // outside a run: the real cmpxchg16b
  outside.store(pair{4, 5});
  EXPECT_EQ(outside.load().b, 5);

  const explore_result ex = explore_with("random", [] {
    std::thread t([] { std::exit(3); });
    t.join();
  });
  ASSERT_TRUE(ex.failure.has_value());
  EXPECT_EQ(ex.failure->kind, outcome::assertion);
  EXPECT_NE(ex.failure->message.find("exit(3) called at"), std::string::npos) << ex.failure->message;
}

// ---- the gtest macro on plain C++ ----

WEFT_EXPLORE_TEST(Instrument, ExploreTestMacroRunsPlainCpp) {
  std::atomic<int> n{0};
  std::thread a([&] { n.fetch_add(1); });
  std::thread b([&] { n.fetch_add(1); });
  a.join();
  b.join();
  assert(n.load() == 2);
}

}  // namespace
