// election / election-fixed: Raft-style leader election on five nodes, and
// the vote handler whose check races a second vote: two leaders in one term.
//
// Nodes n1..n5 each keep a term and whom they voted for in that term, on a
// disk of their own that survives crashes. n1 starts as the leader of term
// 1 and sends a heartbeat (BEAT) to every other node each 5 ms. A node that
// hears no heartbeat for its election timeout (20-39 ms, drawn afresh each
// time) starts an election: it moves to the next term, votes for itself,
// writes both to disk and asks every other node for its vote (VOTE). A node
// grants at most one vote per term, writing it to disk before it answers.
// A candidate with three votes of five is the leader of its term. Any
// message carrying a later term makes a node adopt it and follow. The run
// lasts 300 ms of virtual time (the `timer` client's life).
//
// The property (Raft's election safety): at most one leader per term. A
// witness shared by the nodes keeps the leader of each term and throws when
// a second node wins the same term.
//
// election (the bug): the vote handler checks that it has not voted in the
// term yet, lets go of the node's state while it writes the vote to disk,
// and records the vote after the write. Two candidates of the same term
// whose requests reach a node together both pass the check, both get its
// vote, and both can count three. This needs two nodes to time out together
// in the same term, which a healthy cluster never does: n1's heartbeats keep
// everyone following. A crash of the leader, or a cut that silences its
// heartbeats, starts the elections; the two vote tasks interleaving on one
// voter across its disk write does the rest.
//
// election-fixed: the vote handler holds the state across the check, the
// write and the update.
//
// Faults, drawn from the seed (optional, each on 3 seeds in 4): two cuts
// between nodes (one way or both) for 10-80 ms each, a crash and restart
// of one node, a latency spike on one direction of one link.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "examples/scenarios/framing.hpp"
#include "examples/scenarios/registry.hpp"
#include "runtime/runtime.hpp"
#include "sim/world/faults.hpp"

namespace weft::examples {
namespace {

using namespace std::chrono_literals;
using clock = rt::clock;

constexpr std::uint16_t port = 7200;
constexpr int nodes = 5;
constexpr int majority = nodes / 2 + 1;
constexpr auto heartbeat_every = 5ms;
constexpr auto beat_limit = 10ms;  // a heartbeat unanswered this long has failed
constexpr auto vote_limit = 15ms;  // a vote request unanswered this long has failed
constexpr auto run_length = 300ms;

std::string node_name(int i) { return "n" + std::to_string(i); }

// What a node keeps on disk: its term and its vote in that term.
struct durable {
  std::uint64_t term = 1;
  std::string voted_for;  // "" if none in `term`
  bool booted = false;    // n1 leads term 1 on its first boot only
};

enum class role { follower, candidate, leader };

struct node_state {
  std::uint64_t term = 1;
  std::string voted_for;
  role now = role::follower;
  clock::time_point heard{};  // last heartbeat from a leader, or vote granted
};

// The leader of every term, as the winners announce themselves.
class election_witness {
 public:
  void elected(std::uint64_t term, const std::string& who) {
    auto [it, fresh] = leaders_.emplace(term, who);
    if (!fresh && it->second != who) {
      throw std::runtime_error("two leaders in term " + std::to_string(term) + ": " + it->second + " and " + who);
    }
  }

 private:
  std::map<std::uint64_t, std::string> leaders_;
};

// One connection to a peer, one request at a time, re-dialled after a failure.
class peer_link {
 public:
  explicit peer_link(std::string peer) : peer_(std::move(peer)) {}

  rt::task<std::optional<std::string>> request(std::string msg, clock::duration limit) {
    auto conn = co_await conn_.lock();
    auto r = co_await rt::timeout(limit, exchange(*conn, std::move(msg)));
    if (r.elapsed() || !r.value()) {
      conn->reset();  // may be half-way through a reply
      co_return std::nullopt;
    }
    co_return std::move(r.value());
  }

 private:
  rt::task<std::optional<std::string>> exchange(std::optional<net::tcp_stream>& conn, std::string msg) {
    if (!conn) {
      auto c = co_await dial(peer_, port);
      if (!c) co_return std::nullopt;
      conn.emplace(std::move(*c));
    }
    if (!co_await send_msg(*conn, msg)) co_return std::nullopt;
    auto reply = co_await recv_msg(*conn);
    if (!reply) co_return std::nullopt;
    co_return std::move(*reply);
  }

  std::string peer_;
  rt::mutex<std::optional<net::tcp_stream>> conn_;
};

struct node {
  std::string self;
  bool fixed = false;
  std::shared_ptr<durable> disk;
  std::shared_ptr<election_witness> witness;
  rt::mutex<node_state> state;
  std::vector<std::unique_ptr<peer_link>> peers;
};

// The disk write of (term, vote): it takes 0.5-2 ms.
rt::task<> persist(node& n, std::uint64_t term, std::string voted_for) {
  co_await rt::sleep(std::chrono::microseconds(500 + sim::random(1500)));
  n.disk->term = term;
  n.disk->voted_for = std::move(voted_for);
}

// A later term seen in any message: adopt it, forget the vote, follow.
rt::task<> adopt(node& n, node_state& st, std::uint64_t term) {
  if (term <= st.term) co_return;
  st.term = term;
  st.voted_for.clear();
  st.now = role::follower;
  co_await persist(n, term, "");
}

rt::task<std::string> on_vote(node& n, std::uint64_t term, std::string candidate) {
  auto st = co_await n.state.lock();
  co_await adopt(n, *st, term);
  if (term < st->term || (!st->voted_for.empty() && st->voted_for != candidate)) {
    co_return "DENY " + std::to_string(st->term);
  }
  if (n.fixed) {
    co_await persist(n, term, candidate);
    st->voted_for = candidate;
    st->heard = clock::now();
    co_return "GRANT " + std::to_string(term);
  }
  // THE BUG: let go of the state during the disk write; a second
  // candidate's request of the same term passes the check meanwhile.
  { auto unlocked = std::move(st); }
  co_await persist(n, term, candidate);
  auto again = co_await n.state.lock();
  again->voted_for = candidate;
  again->heard = clock::now();
  co_return "GRANT " + std::to_string(term);
}

rt::task<std::string> on_beat(node& n, std::uint64_t term) {
  auto st = co_await n.state.lock();
  if (term < st->term) co_return "STALE " + std::to_string(st->term);
  co_await adopt(n, *st, term);
  st->now = role::follower;
  st->heard = clock::now();
  co_return "OK " + std::to_string(st->term);
}

rt::task<> serve(net::tcp_stream conn, std::shared_ptr<node> n) {
  for (;;) {
    auto msg = co_await recv_msg(conn);
    if (!msg) co_return;
    const std::vector<std::string> w = words(*msg);
    std::string reply = "ERR";
    if (w.size() == 3 && w[0] == "VOTE") reply = co_await on_vote(*n, std::stoull(w[1]), w[2]);
    if (w.size() == 3 && w[0] == "BEAT") reply = co_await on_beat(*n, std::stoull(w[1]));
    if (!co_await send_msg(conn, reply)) co_return;
  }
}

rt::task<> accept_loop(net::tcp_listener listener, std::shared_ptr<node> n) {
  for (;;) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    rt::spawn(serve(std::move(accepted->first), n)).detach();
  }
}

// The term in a reply "WORD TERM" (0 if there is none).
std::uint64_t term_of(const std::optional<std::string>& reply) {
  if (!reply) return 0;
  const std::vector<std::string> w = words(*reply);
  return w.size() == 2 ? std::stoull(w[1]) : 0;
}

rt::task<std::optional<std::string>> ask(peer_link* link, std::string msg, clock::duration limit) {
  co_return co_await link->request(std::move(msg), limit);
}

// Sends `msg` to every peer at once; the replies, in peer order.
rt::task<std::vector<std::optional<std::string>>> broadcast(node& n, std::string msg, clock::duration limit) {
  std::vector<rt::join_handle<std::optional<std::string>>> calls;
  for (auto& link : n.peers) calls.push_back(rt::spawn(ask(link.get(), msg, limit)));
  std::vector<std::optional<std::string>> replies;
  for (auto& c : calls) replies.push_back(co_await c);
  co_return replies;
}

rt::task<> lead_one_beat(node& n, std::uint64_t term) {
  const auto replies = co_await broadcast(n, "BEAT " + std::to_string(term) + " " + n.self, beat_limit);
  auto st = co_await n.state.lock();
  for (const auto& r : replies) co_await adopt(n, *st, term_of(r));  // a later term: step down
}

rt::task<> ask_into(std::shared_ptr<node> n, std::size_t peer, std::string msg,
                    rt::mpsc::unbounded_sender<std::optional<std::string>> out) {
  (void)out.send(co_await n->peers[peer]->request(std::move(msg), vote_limit));
}

// One election: the next term, its own vote, then every peer asked at once;
// the replies are counted as they come, so the candidate leads as soon as
// it has a majority.
rt::task<> stand(std::shared_ptr<node> n) {
  std::uint64_t term = 0;
  {
    auto st = co_await n->state.lock();
    term = st->term + 1;
    st->term = term;
    st->voted_for = n->self;
    st->now = role::candidate;
    co_await persist(*n, term, n->self);
  }
  auto [tx, rx] = rt::mpsc::unbounded<std::optional<std::string>>();
  const std::string request = "VOTE " + std::to_string(term) + " " + n->self;
  for (std::size_t i = 0; i < n->peers.size(); ++i) rt::spawn(ask_into(n, i, request, tx)).detach();
  { auto mine = std::move(tx); }  // the channel ends when every request has answered
  int votes = 1;  // its own
  while (std::optional<std::optional<std::string>> reply = co_await rx.recv()) {
    auto st = co_await n->state.lock();
    co_await adopt(*n, *st, term_of(*reply));
    if (st->term != term || st->now != role::candidate) break;  // a later term, or a leader of this one
    if (*reply == "GRANT " + std::to_string(term)) ++votes;
    if (votes >= majority) {
      st->now = role::leader;
      n->witness->elected(term, n->self);
      co_return;
    }
  }
  auto st = co_await n->state.lock();
  if (st->term == term && st->now == role::candidate) st->now = role::follower;
  st->heard = clock::now();
}

rt::task<> node_main(int index, bool fixed, std::shared_ptr<durable> disk, std::shared_ptr<election_witness> witness) {
  auto n = std::make_shared<node>();
  n->self = node_name(index);
  n->fixed = fixed;
  n->disk = disk;
  n->witness = std::move(witness);
  for (int i = 1; i <= nodes; ++i) {
    if (i != index) n->peers.push_back(std::make_unique<peer_link>(node_name(i)));
  }
  {
    auto st = co_await n->state.lock();
    st->term = disk->term;
    st->voted_for = disk->voted_for;
    st->now = index == 1 && !disk->booted ? role::leader : role::follower;
    st->heard = clock::now();
    disk->booted = true;
  }
  auto listener = net::tcp_listener::bind(net::socket_addr(net::ip_addr::unspecified_v4(), port)).value();
  rt::spawn(accept_loop(std::move(listener), n)).detach();
  clock::duration patience = std::chrono::milliseconds(20 + sim::random(20));
  for (;;) {
    std::uint64_t term = 0;
    role r = role::follower;
    clock::time_point heard{};
    {
      auto st = co_await n->state.lock();
      std::tie(term, r, heard) = std::tuple(st->term, st->now, st->heard);
    }
    if (r == role::leader) {
      co_await lead_one_beat(*n, term);
      co_await rt::sleep(heartbeat_every);
    } else if (clock::now() >= heard + patience) {
      co_await stand(n);
      patience = std::chrono::milliseconds(20 + sim::random(20));
    } else {
      co_await rt::sleep_until(heard + patience);
    }
  }
}

// The run's length: the world's run ends when its one client returns.
rt::task<> timer_main() { co_await rt::sleep(run_length); }

}  // namespace

sim::scenario election_scenario(bool fixed) {
  sim::scenario s;
  s.name = fixed ? "election-fixed" : "election";
  s.kind = fixed ? "fixed" : "bug";
  s.description = fixed ? "five-node leader election whose vote handler holds its state across the disk write"
                        : "five-node leader election whose vote handler lets go of its state during the disk "
                          "write: two candidates of one term both win";
  s.config.workers = 2;
  s.setup = [fixed](sim::world& w) {
    auto witness = std::make_shared<election_witness>();
    witness->elected(1, node_name(1));
    sim::fault_plan_config faults;
    for (int i = 1; i <= nodes; ++i) {
      auto disk = std::make_shared<durable>();
      disk->voted_for = node_name(1);
      w.host(node_name(i), [i, fixed, disk, witness] { return node_main(i, fixed, disk, witness); });
      faults.hosts.push_back(node_name(i));
    }
    w.client("timer", [] { return timer_main(); });
    faults.horizon = 250ms;
    faults.min_duration = 10ms;
    faults.max_duration = 80ms;
    faults.partitions = 2;
    faults.optional = true;
    sim::apply(w, sim::plan_faults(w, faults));
  };
  return s;
}

}  // namespace weft::examples
