// weft side of the peer benchmark. Prints one line per metric:
// `METRIC <value>` (ns per operation unless the name says otherwise:
// *_bytes are bytes per task). Same
// workloads, sizes and worker count (2) as bench/peers/tokio/src/main.rs;
// bench/peers/compare runs both and compares medians.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "runtime/runtime.hpp"

// ---- bytes allocated (the spawn_alloc_bytes metric) ----
// Every operator new of the process counts its size; a workload reads the
// count before and after. The replacements below allocate with malloc and
// free with free, a matched pair; GCC cannot see that once it inlines the
// standard allocator into a caller, hence the pragma.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<std::uint64_t> allocated_bytes{0};
}  // namespace

void* operator new(std::size_t size) {
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align) {
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  const auto a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (std::max<std::size_t>(size, 1) + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace weft;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ns_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
}

rt::task<> empty_task() { co_return; }

// 1M empty tasks spawned, then joined, timed inside a task on a worker.
rt::task<double> spawn_join(int n) {
  const auto start = clock_type::now();
  std::vector<rt::join_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(empty_task()));
  for (auto& h : hs) co_await h;
  co_return ns_since(start) / n;
}

rt::task<double> yield_loop(int n) {
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) co_await rt::yield_now();
  co_return ns_since(start) / n;
}

// Bounded(1024) channel, 10M u64, one producer task, one consumer task.
rt::task<double> mpsc_bench(std::uint64_t n) {
  auto [tx, rx] = rt::mpsc::bounded<std::uint64_t>(1024);
  const auto start = clock_type::now();
  auto producer = rt::spawn([](rt::mpsc::sender<std::uint64_t> s, std::uint64_t count) -> rt::task<> {
    for (std::uint64_t i = 0; i < count; ++i) (void)co_await s.send(i);
  }(std::move(tx), n));
  auto consumer = rt::spawn([](rt::mpsc::receiver<std::uint64_t> r) -> rt::task<std::uint64_t> {
    std::uint64_t sum = 0;
    while (auto v = co_await r.recv()) sum += *v;
    co_return sum;
  }(std::move(rx)));
  co_await producer;
  const std::uint64_t sum = co_await consumer;
  if (sum != n * (n - 1) / 2) std::fprintf(stderr, "weft_peer: mpsc lost messages\n");
  co_return ns_since(start) / static_cast<double>(n);
}

// The same channel with producer and consumer forced onto two threads:
// each on its own runtime of one worker.
double mpsc_apart(std::uint64_t n) {
  rt::runtime producer_side = rt::builder::multi_thread().worker_threads(1).build();
  rt::runtime consumer_side = rt::builder::multi_thread().worker_threads(1).build();
  auto [tx, rx] = rt::mpsc::bounded<std::uint64_t>(1024);
  const auto start = clock_type::now();
  std::thread producer([&producer_side, sender = std::move(tx), n]() mutable {
    producer_side.block_on([](rt::mpsc::sender<std::uint64_t> s, std::uint64_t count) -> rt::task<> {
      for (std::uint64_t i = 0; i < count; ++i) (void)co_await s.send(i);
    }(std::move(sender), n));
  });
  const std::uint64_t sum = consumer_side.block_on([](rt::mpsc::receiver<std::uint64_t> r) -> rt::task<std::uint64_t> {
    std::uint64_t total = 0;
    while (auto v = co_await r.recv()) total += *v;
    co_return total;
  }(std::move(rx)));
  producer.join();
  if (sum != n * (n - 1) / 2) std::fprintf(stderr, "weft_peer: mpsc_apart lost messages\n");
  return ns_since(start) / static_cast<double>(n);
}

// ---- memory ----

// Resident bytes now, and the peak since reset_peak().
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}
std::uint64_t peak_resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string key; status >> key;) {
    std::uint64_t kb = 0;
    if (key == "VmHWM:" && status >> kb) return kb * 1024;
  }
  return 0;
}
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

// 1M tasks, each waiting on its own oneshot: resident bytes per waiting
// task (its frame, its header, the oneshot it waits on), measured once all
// have started waiting, less the benchmark's own lists of senders and
// handles. Then each is sent its value and joined.
rt::task<double> idle_tasks(int n) {
  std::vector<rt::oneshot_sender<int>> senders;
  std::vector<rt::join_handle<void>> hs;
  senders.reserve(static_cast<std::size_t>(n));
  hs.reserve(static_cast<std::size_t>(n));
  static std::atomic<int> waiting{0};
  waiting.store(0, std::memory_order_relaxed);  // the workload may run twice in one process
  const std::uint64_t before = resident_bytes();
  for (int i = 0; i < n; ++i) {
    auto [tx, rx] = rt::oneshot<int>();
    senders.push_back(std::move(tx));
    hs.push_back(rt::spawn([](rt::oneshot_receiver<int> r) -> rt::task<> {
      waiting.fetch_add(1, std::memory_order_relaxed);
      (void)co_await r;
    }(std::move(rx))));
  }
  while (waiting.load(std::memory_order_relaxed) < n) co_await rt::yield_now();
  const std::uint64_t after = resident_bytes();
  for (int i = 0; i < n; ++i) (void)senders[static_cast<std::size_t>(i)].send(i);
  for (auto& h : hs) co_await h;
  // The two lists above are the benchmark's, not the tasks': their entries
  // are touched (made resident) as they fill, so their size comes off.
  const double lists = sizeof(rt::oneshot_sender<int>) + sizeof(rt::join_handle<void>);
  co_return static_cast<double>(after - before) / n - lists;
}

// Churn: 1M empty tasks spawned, then joined. The peak growth of resident
// memory per task (less the list of handles), and the bytes allocated per
// task.
struct churn_stats {
  double peak_bytes_per_task;
  double allocated_bytes_per_task;
};
rt::task<churn_stats> churn(int n) {
  std::vector<rt::join_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  reset_peak();
  const std::uint64_t before = resident_bytes();
  const std::uint64_t allocated = allocated_bytes.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) hs.push_back(rt::spawn(empty_task()));
  for (auto& h : hs) co_await h;
  const double bytes = static_cast<double>(allocated_bytes.load(std::memory_order_relaxed) - allocated) / n;
  const double peak = static_cast<double>(peak_resident_bytes() - std::min(before, peak_resident_bytes())) / n -
                      static_cast<double>(sizeof(rt::join_handle<void>));  // the list of handles
  co_return churn_stats{peak, bytes};
}

// Round trips: A hands B a oneshot sender over an unbounded channel and
// awaits the reply on the receiver.
rt::task<double> oneshot_pingpong(int n) {
  auto [tx, rx] = rt::mpsc::unbounded<rt::oneshot_sender<int>>();
  auto replier = rt::spawn([](rt::mpsc::receiver<rt::oneshot_sender<int>> r) -> rt::task<> {
    int i = 0;
    while (auto reply = co_await r.recv()) (void)reply->send(i++);
  }(std::move(rx)));
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    auto [otx, orx] = rt::oneshot<int>();
    (void)tx.send(std::move(otx));
    (void)co_await orx;
  }
  const double per = ns_since(start) / n;
  { auto done = std::move(tx); }
  co_await replier;
  co_return per;
}

// 100k round trips of 64 bytes over one loopback TCP connection.
rt::task<double> tcp_echo(int n) {
  auto listener = net::tcp_listener::bind("127.0.0.1:0").value();
  auto server = rt::spawn([](net::tcp_listener* l) -> rt::task<> {
    auto [c, peer] = (co_await l->accept()).value();
    (void)c.set_nodelay(true);
    std::array<std::byte, 64> buf;
    for (;;) {
      if (!co_await c.read_exact(buf)) break;
      if (!co_await c.write_all(buf)) break;
    }
  }(&listener));
  auto s = (co_await net::tcp_stream::connect(listener.local_addr())).value();
  (void)s.set_nodelay(true);
  std::array<std::byte, 64> buf{};
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    (void)co_await s.write_all(buf);
    (void)co_await s.read_exact(buf);
  }
  const double per = ns_since(start) / n;
  (void)s.shutdown();
  co_await server;
  co_return per;
}

// 100k tasks each sleeping 1-100 ms (same pseudo-random sequence as the
// Tokio side). Reports total time per task, and lateness p50 and p99.
struct timer_stats {
  double total_ns_per_task;
  double p50_late_ns;
  double p99_late_ns;
};
rt::task<timer_stats> timers(int n) {
  std::uint64_t x = 0x2545f4914f6cdd1dull;
  std::vector<rt::join_handle<double>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  const auto start = clock_type::now();
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const auto ms = std::chrono::milliseconds(1 + (x >> 33) % 100);
    hs.push_back(rt::spawn([](std::chrono::milliseconds d) -> rt::task<double> {
      const auto deadline = rt::clock::now() + d;
      co_await rt::sleep_until(deadline);
      co_return std::chrono::duration<double, std::nano>(rt::clock::now() - deadline).count();
    }(ms)));
  }
  std::vector<double> late;
  late.reserve(hs.size());
  for (auto& h : hs) late.push_back(co_await h);
  const double total = ns_since(start);
  std::sort(late.begin(), late.end());
  co_return timer_stats{total / n, late[late.size() / 2], late[late.size() * 99 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
  rt::runtime runtime = rt::builder::multi_thread().worker_threads(2).build();
  for (int i = 1; i < argc; ++i) {
    const std::string w = argv[i];
    if (w == "mpsc_current") {
      rt::runtime one = rt::builder::current_thread().build();
      std::printf("mpsc_current %.2f\n", one.block_on(mpsc_bench(10'000'000)));
    } else if (w == "mpsc_apart") {
      std::printf("mpsc_apart %.2f\n", mpsc_apart(10'000'000));
    } else if (w == "idle_tasks") {
      std::printf("idle_task_bytes %.2f\n", runtime.block_on(idle_tasks(1'000'000)));
    } else if (w == "churn") {
      const churn_stats s = runtime.block_on(churn(1'000'000));
      std::printf("churn_peak_bytes %.2f\nspawn_alloc_bytes %.2f\n", s.peak_bytes_per_task, s.allocated_bytes_per_task);
    } else if (w == "spawn_join") {
      std::printf("spawn_join %.2f\n", runtime.block_on(spawn_join(1'000'000)));
    } else if (w == "yield") {
      std::printf("yield %.2f\n", runtime.block_on(yield_loop(1'000'000)));
    } else if (w == "mpsc") {
      std::printf("mpsc %.2f\n", runtime.block_on(mpsc_bench(10'000'000)));
    } else if (w == "oneshot_pingpong") {
      std::printf("oneshot_pingpong %.2f\n", runtime.block_on(oneshot_pingpong(1'000'000)));
    } else if (w == "tcp_echo") {
      std::printf("tcp_echo %.2f\n", runtime.block_on(tcp_echo(100'000)));
    } else if (w == "timers") {
      const timer_stats s = runtime.block_on(timers(100'000));
      std::printf("timers %.2f\ntimers_late_p50 %.2f\ntimers_late_p99 %.2f\n", s.total_ns_per_task,
                  s.p50_late_ns, s.p99_late_ns);
    } else {
      std::fprintf(stderr, "weft_peer: unknown workload '%s'\n", w.c_str());
      return 2;
    }
    std::fflush(stdout);
  }
  return 0;
}
