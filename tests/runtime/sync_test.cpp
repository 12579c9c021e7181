// The async sync primitives: every channel's close and drop semantics, mutex
// fairness, semaphore accounting under stress, notify's permit rules.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/runtime.hpp"

namespace weft::rt {
namespace {

using namespace std::chrono_literals;

runtime multi() { return builder::multi_thread().worker_threads(2).build(); }
runtime single() { return builder::current_thread().build(); }

// ---- oneshot ----

TEST(Oneshot, DeliversAcrossTasks) {
  runtime rt = multi();
  auto root = []() -> task<int> {
    auto [tx, rx] = oneshot<int>();
    auto h = spawn([](oneshot_sender<int> s) -> task<> {
      co_await sleep(1ms);
      EXPECT_TRUE(s.send(42));
    }(std::move(tx)));
    auto v = co_await rx;
    co_await h;
    co_return v.value();
  };
  EXPECT_EQ(rt.block_on(root()), 42);
}

TEST(Oneshot, SenderDroppedWithoutSendingClosesTheReceiver) {
  runtime rt = single();
  auto root = []() -> task<bool> {
    auto [tx, rx] = oneshot<std::string>();
    spawn([](oneshot_sender<std::string>) -> task<> { co_return; }(std::move(tx))).detach();
    auto v = co_await rx;
    co_return !v && v.error() == recv_error::closed;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Oneshot, SendToADroppedReceiverHandsTheValueBack) {
  auto [tx, rx] = oneshot<std::string>();
  EXPECT_FALSE(tx.is_closed());
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  auto r = tx.send("payload");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().value, "payload");
}

TEST(Oneshot, TryRecvReportsEmptyThenValueThenClosed) {
  auto [tx, rx] = oneshot<int>();
  EXPECT_EQ(rx.try_recv().error(), try_recv_error::empty);
  ASSERT_TRUE(tx.send(7));
  EXPECT_EQ(*rx.try_recv(), 7);
  EXPECT_EQ(rx.try_recv().error(), try_recv_error::closed);
}

// ---- mpsc ----

TEST(Mpsc, BoundedKeepsOrderAndAppliesBackPressure) {
  runtime rt = multi();
  auto root = []() -> task<std::vector<int>> {
    auto [tx, rx] = mpsc::bounded<int>(4);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(tx.try_send(i));
    auto full = tx.try_send(99);
    EXPECT_FALSE(full);
    EXPECT_EQ(full.error().why, try_send_error<int>::reason::full);
    EXPECT_EQ(full.error().value, 99);
    auto producer = spawn([](mpsc::sender<int> s) -> task<> {
      for (int i = 4; i < 100; ++i) EXPECT_TRUE(co_await s.send(i));  // waits while full
    }(std::move(tx)));
    std::vector<int> got;
    while (auto v = co_await rx.recv()) got.push_back(*v);  // ends when the producer is gone
    co_await producer;
    co_return got;
  };
  const std::vector<int> got = rt.block_on(root());
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[static_cast<std::size_t>(i)], i);
}

TEST(Mpsc, ManyProducersEveryMessageOnceInPerProducerOrder) {
  runtime rt = builder::multi_thread().worker_threads(4).build();
  constexpr int producers = 4, per = 20000;
  auto root = []() -> task<bool> {
    auto [tx, rx] = mpsc::bounded<std::pair<int, int>>(64);
    for (int p = 0; p < producers; ++p) {
      spawn([](mpsc::sender<std::pair<int, int>> s, int id) -> task<> {
        for (int i = 0; i < per; ++i) EXPECT_TRUE(co_await s.send({id, i}));
      }(tx, p)).detach();
    }
    { auto drop = std::move(tx); }
    std::vector<int> next(producers, 0);
    int total = 0;
    while (auto m = co_await rx.recv()) {
      EXPECT_EQ(m->second, next[static_cast<std::size_t>(m->first)]++);
      ++total;
    }
    co_return total == producers * per;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Mpsc, DroppedReceiverFailsSendsAndReturnsTheValue) {
  runtime rt = single();
  auto root = []() -> task<std::string> {
    auto [tx, rx] = mpsc::bounded<std::string>(1);
    { auto gone = std::move(rx); }
    EXPECT_TRUE(tx.is_closed());
    auto r = co_await tx.send("lost");
    EXPECT_FALSE(r);
    co_return r.error().value;
  };
  EXPECT_EQ(rt.block_on(root()), "lost");
}

TEST(Mpsc, CloseFailsWaitingSendersButKeepsQueuedMessages) {
  runtime rt = multi();
  auto root = []() -> task<bool> {
    auto [tx, rx] = mpsc::bounded<int>(1);
    EXPECT_TRUE(co_await tx.send(1));
    auto waiting = spawn([](mpsc::sender<int> s) -> task<bool> {
      auto r = co_await s.send(2);  // waits: the channel is full
      co_return !r && r.error().value == 2;
    }(tx));
    co_await sleep(5ms);  // it is waiting for room now
    EXPECT_FALSE(waiting.is_finished());
    rx.close();
    const bool sender_failed = co_await waiting;
    auto first = co_await rx.recv();
    EXPECT_EQ(first, std::optional<int>(1));
    EXPECT_EQ(rx.try_recv().error(), try_recv_error::empty);  // tx still alive, but closed
    co_return sender_failed;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Mpsc, CancelledSendGivesItsTurnToTheNext) {
  runtime rt = single();
  auto root = []() -> task<std::vector<int>> {
    auto [tx, rx] = mpsc::bounded<int>(1);
    EXPECT_TRUE(co_await tx.send(0));
    // A send that gives up after 5 ms, and one that waits.
    auto r = co_await timeout(5ms, tx.send(1));
    EXPECT_TRUE(r.elapsed());
    auto patient = spawn([](mpsc::sender<int> s) -> task<> { EXPECT_TRUE(co_await s.send(2)); }(tx));
    std::vector<int> got;
    got.push_back(*co_await rx.recv());
    got.push_back(*co_await rx.recv());
    co_await patient;
    co_return got;
  };
  EXPECT_EQ(rt.block_on(root()), (std::vector<int>{0, 2}));
}

TEST(Mpsc, UnboundedNeverWaitsAndClosesWhenSendersGo) {
  runtime rt = multi();
  auto root = []() -> task<int> {
    auto [tx, rx] = mpsc::unbounded<int>();
    for (int i = 0; i < 10000; ++i) EXPECT_TRUE(tx.send(i));
    { auto drop = std::move(tx); }
    int n = 0;
    while (auto v = co_await rx.recv()) n += (*v == n) ? 1 : 0;
    EXPECT_EQ(rx.try_recv().error(), try_recv_error::closed);
    co_return n;
  };
  EXPECT_EQ(rt.block_on(root()), 10000);
}

// No runtime: three OS threads try_send strings through a bounded(3)
// channel (a ring of 4 slots, so positions wrap thousands of times and the
// capacity is not the ring's size) while this thread try_recv()s. Every
// message arrives once, each producer's in order, and try_send never
// queues more than 3.
TEST(Mpsc, SmallRingFromForeignThreadsWithTrySendAndTryRecv) {
  constexpr int producers = 3, per = 5000;
  auto [tx, rx] = mpsc::bounded<std::string>(3);
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([p, s = tx]() mutable {
      for (int i = 0; i < per; ++i) {
        std::string m = std::to_string(p) + ":" + std::to_string(i);
        for (;;) {
          auto r = s.try_send(std::move(m));
          if (r) break;
          ASSERT_EQ(r.error().why, try_send_error<std::string>::reason::full);
          m = std::move(r.error().value);
          std::this_thread::yield();
        }
      }
    });
  }
  { auto drop = std::move(tx); }
  std::vector<int> next(producers, 0);
  int total = 0;
  for (;;) {
    auto m = rx.try_recv();
    if (!m) {
      if (m.error() == try_recv_error::closed) break;
      std::this_thread::yield();
      continue;
    }
    const auto colon = m->find(':');
    const int p = std::stoi(m->substr(0, colon));
    EXPECT_EQ(std::stoi(m->substr(colon + 1)), next[static_cast<std::size_t>(p)]++);
    ++total;
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(total, producers * per);
}

TEST(Mpsc, MessagesStillQueuedAreDestroyedWithTheChannel) {
  auto value = std::make_shared<int>(7);
  {
    auto [tx, rx] = mpsc::bounded<std::shared_ptr<int>>(4);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(tx.try_send(value));
    EXPECT_EQ(value.use_count(), 4);
    EXPECT_EQ(**rx.try_recv(), 7);  // one taken, two left in the ring
  }
  EXPECT_EQ(value.use_count(), 1);
  {
    auto [tx, rx] = mpsc::unbounded<std::shared_ptr<int>>();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(tx.send(value));
  }
  EXPECT_EQ(value.use_count(), 1);
}

TEST(Mpsc, BoundedZeroCapacityIsRefused) {
  EXPECT_THROW(mpsc::bounded<int>(0), std::invalid_argument);
}

// ---- mutex ----

TEST(Mutex, WaitersGetTheLockInArrivalOrder) {
  runtime rt = single();
  auto root = []() -> task<std::vector<int>> {
    rt::mutex<std::vector<int>> m;
    auto holder = co_await m.lock();
    std::vector<join_handle<void>> hs;
    for (int i = 0; i < 8; ++i) {
      hs.push_back(spawn([](rt::mutex<std::vector<int>>* mu, int id) -> task<> {
        auto g = co_await mu->lock();
        g->push_back(id);
        co_await yield_now();  // hold it across a suspension
      }(&m, i)));
      co_await yield_now();  // let it queue before the next one
    }
    { auto release = std::move(holder); }
    for (auto& h : hs) co_await h;
    auto g = co_await m.lock();
    co_return *g;
  };
  EXPECT_EQ(rt.block_on(root()), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(Mutex, MutualExclusionUnderContention) {
  runtime rt = builder::multi_thread().worker_threads(4).build();
  auto root = []() -> task<long> {
    rt::mutex<long> counter(0);
    std::atomic<int> inside{0};
    std::vector<task<>> ts;
    for (int t = 0; t < 8; ++t) {
      ts.push_back([](rt::mutex<long>* c, std::atomic<int>* in) -> task<> {
        for (int i = 0; i < 2000; ++i) {
          auto g = co_await c->lock();
          EXPECT_EQ(in->fetch_add(1), 0);
          ++*g;
          if (i % 100 == 0) co_await yield_now();
          in->fetch_sub(1);
        }
      }(&counter, &inside));
    }
    co_await join_all(std::move(ts));
    auto g = co_await counter.lock();
    co_return *g;
  };
  EXPECT_EQ(rt.block_on(root()), 16000);
}

// ---- semaphore ----

TEST(Semaphore, AccountingUnderStress) {
  runtime rt = builder::multi_thread().worker_threads(4).build();
  constexpr std::size_t total = 10;
  auto root = []() -> task<std::size_t> {
    semaphore sem(total);
    std::atomic<long> held{0};
    std::vector<task<>> ts;
    for (int t = 0; t < 16; ++t) {
      ts.push_back([](semaphore* s, std::atomic<long>* h, int seed) -> task<> {
        for (int i = 0; i < 500; ++i) {
          const std::size_t n = static_cast<std::size_t>((seed * 31 + i * 7) % 4 + 1);
          auto p = co_await s->acquire_many(n);
          EXPECT_TRUE(p);
          const long now = h->fetch_add(static_cast<long>(n)) + static_cast<long>(n);
          EXPECT_LE(now, static_cast<long>(total));
          if (i % 50 == 0) co_await yield_now();
          h->fetch_sub(static_cast<long>(n));
        }  // permits returned here
      }(&sem, &held, t));
    }
    co_await join_all(std::move(ts));
    co_return sem.available_permits();
  };
  EXPECT_EQ(rt.block_on(root()), total);
}

TEST(Semaphore, CloseFailsWaitersAndLaterAcquires) {
  runtime rt = single();
  auto root = []() -> task<bool> {
    semaphore sem(1);
    auto p = co_await sem.acquire();
    auto waiter = spawn([](semaphore* s) -> task<bool> {
      auto r = co_await s->acquire();
      co_return !r && r.error() == sync_error::closed;
    }(&sem));
    co_await yield_now();
    sem.close();
    const bool waiter_failed = co_await waiter;
    auto later = co_await sem.acquire();
    EXPECT_EQ(sem.try_acquire().error(), sync_error::closed);
    co_return waiter_failed && !later;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Semaphore, BigRequestAtTheHeadIsNotStarvedBySmallOnes) {
  runtime rt = single();
  auto root = []() -> task<std::vector<int>> {
    semaphore sem(0);
    std::vector<int> order;
    auto big = spawn([](semaphore* s, std::vector<int>* o) -> task<> {
      auto p = co_await s->acquire_many(3);
      o->push_back(3);
    }(&sem, &order));
    co_await yield_now();
    auto small = spawn([](semaphore* s, std::vector<int>* o) -> task<> {
      auto p = co_await s->acquire_many(1);
      o->push_back(1);
    }(&sem, &order));
    co_await yield_now();
    sem.add_permits(1);  // enough for `small`, but `big` is first in line
    co_await yield_now();
    EXPECT_TRUE(order.empty());
    sem.add_permits(3);
    co_await big;
    co_await small;
    co_return order;
  };
  EXPECT_EQ(rt.block_on(root()), (std::vector<int>{3, 1}));
}

TEST(Semaphore, PermitsReturnOnDropUnlessForgotten) {
  semaphore sem(2);
  {
    auto p = sem.try_acquire(2);
    ASSERT_TRUE(p);
    EXPECT_EQ(sem.available_permits(), 0u);
  }
  EXPECT_EQ(sem.available_permits(), 2u);
  {
    auto p = sem.try_acquire();
    p->forget();
  }
  EXPECT_EQ(sem.available_permits(), 1u);
  EXPECT_EQ(sem.try_acquire(2).error(), sync_error::no_permits);
}

// ---- notify ----

TEST(Notify, NotifyOneBeforeWaitStoresOnePermit) {
  runtime rt = single();
  auto root = []() -> task<bool> {
    notify n;
    n.notify_one();
    n.notify_one();  // collapses into the same single permit
    co_await n.notified();  // completes at once
    auto r = co_await timeout(5ms, n.notified());
    co_return r.elapsed();  // no second permit
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Notify, NotifyWaitersWakesAllCurrentWaitersAndStoresNothing) {
  runtime rt = multi();
  auto root = []() -> task<bool> {
    notify n;
    std::atomic<int> woke{0};
    std::vector<join_handle<void>> hs;
    for (int i = 0; i < 5; ++i) {
      hs.push_back(spawn([](notify* nn, std::atomic<int>* w) -> task<> {
        co_await nn->notified();
        w->fetch_add(1);
      }(&n, &woke)));
    }
    co_await sleep(5ms);  // all waiting
    n.notify_waiters();
    for (auto& h : hs) co_await h;
    auto after = co_await timeout(5ms, n.notified());
    co_return woke.load() == 5 && after.elapsed();
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Notify, NotifiedCreatedBeforeNotifyWaitersCompletesEvenIfNotYetAwaited) {
  runtime rt = single();
  auto root = []() -> task<> {
    notify n;
    auto early = n.notified();
    n.notify_waiters();
    co_await std::move(early);  // completes at once
  };
  rt.block_on(root());
  SUCCEED();
}

TEST(Notify, ADroppedChosenWaiterPassesTheNotificationOn) {
  runtime rt = single();
  auto root = []() -> task<bool> {
    notify n;
    auto first = spawn([](notify* nn) -> task<> { co_await nn->notified(); }(&n));
    co_await yield_now();  // first is waiting
    auto second = spawn([](notify* nn) -> task<bool> {
      co_await nn->notified();
      co_return true;
    }(&n));
    co_await yield_now();  // second waits behind it
    n.notify_one();        // chooses `first`...
    first.abort();         // ...which is cancelled before it runs to see it
    try {
      co_await first;
    } catch (const cancelled_error&) {
    }
    // The notification moved on to `second`; no second notify_one needed.
    auto r = co_await timeout(50ms, std::move(second));
    co_return !r.elapsed() && r.value();
  };
  EXPECT_TRUE(rt.block_on(root()));
}

// ---- watch ----

TEST(Watch, ReceiversSeeTheLatestValueAndTheSendersEnd) {
  runtime rt = multi();
  auto root = []() -> task<std::vector<int>> {
    auto [tx, rx] = watch<int>(0);
    auto reader = spawn([](watch_receiver<int> r) -> task<std::vector<int>> {
      std::vector<int> seen;
      while (co_await r.changed()) seen.push_back(r.borrow_and_update());
      co_return seen;
    }(rx));
    for (int i = 1; i <= 3; ++i) {
      EXPECT_TRUE(tx.send(i));
      co_await sleep(1ms);
    }
    { auto end = std::move(tx); }
    co_return co_await reader;
  };
  const std::vector<int> seen = rt.block_on(root());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 3);
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);
}

TEST(Watch, SendWithNoReceiverFails) {
  auto [tx, rx] = watch<std::string>("a");
  { auto gone = std::move(rx); }
  auto r = tx.send("b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().value, "b");
}

// ---- broadcast ----

TEST(Broadcast, EveryReceiverGetsEveryMessage) {
  runtime rt = multi();
  auto root = []() -> task<bool> {
    auto [tx, rx1] = broadcast<int>(16);
    auto rx2 = tx.subscribe();
    for (int i = 0; i < 10; ++i) EXPECT_EQ(*tx.send(i), 2u);
    { auto end = std::move(tx); }
    bool ok = true;
    for (auto* rx : {&rx1, &rx2}) {
      for (int i = 0; i < 10; ++i) ok = ok && (co_await rx->recv()).value() == i;
      auto last = co_await rx->recv();
      ok = ok && !last && last.error().closed();
    }
    co_return ok;
  };
  EXPECT_TRUE(rt.block_on(root()));
}

TEST(Broadcast, LaggingReceiverIsToldHowManyItMissed) {
  runtime rt = single();
  auto root = []() -> task<std::pair<std::uint64_t, int>> {
    auto [tx, rx] = broadcast<int>(4);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(tx.send(i));
    auto r = co_await rx.recv();
    EXPECT_FALSE(r);
    const std::uint64_t missed = r.error().missed;
    auto next = co_await rx.recv();  // continues with the oldest kept
    co_return std::pair{missed, next.value()};
  };
  EXPECT_EQ(rt.block_on(root()), (std::pair<std::uint64_t, int>{6, 6}));
}

// ---- select over channels ----

TEST(Select, ChannelBranchesAllRacing) {
  runtime rt = builder::multi_thread().worker_threads(4).build();
  auto root = []() -> task<int> {
    auto [tx1, rx1] = mpsc::unbounded<int>();
    auto [tx2, rx2] = mpsc::unbounded<int>();
    auto [tx3, rx3] = mpsc::unbounded<int>();
    int got = 0;
    for (int round = 0; round < 300; ++round) {
      spawn([](mpsc::unbounded_sender<int> a) -> task<> { (void)a.send(1); co_return; }(tx1)).detach();
      spawn([](mpsc::unbounded_sender<int> b) -> task<> { (void)b.send(2); co_return; }(tx2)).detach();
      spawn([](mpsc::unbounded_sender<int> c) -> task<> { (void)c.send(3); co_return; }(tx3)).detach();
      for (int k = 0; k < 3; ++k) {
        auto r = co_await select(rx1.recv(), rx2.recv(), rx3.recv());
        std::visit([&](auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::optional<int>>) got += v.value_or(0);
        }, r);
      }
    }
    co_return got;
  };
  // Every message is received exactly once: a losing branch's recv never
  // took a message (it was dropped before it could).
  EXPECT_EQ(rt.block_on(root()), 300 * (1 + 2 + 3));
}

}  // namespace
}  // namespace weft::rt
