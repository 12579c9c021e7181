// `weft litmus [NAME...] [--dot]`: the classic litmus tests of the C++
// memory model run on weft's weak memory to exhaustion (props/litmus.hpp),
// one line each:
//
//   MP+rel+acq   exists (r0=1 /\ r1=0)   forbidden  not reached  outcomes  3/3   dpor     6  dfs    1262  ok
//
// then "weft: N of M litmus tests agree with RC11". A dfs count ending in
// `+` means DFS stopped at its budget (props::litmus::dfs_budget).
//
// NAME is a test (`MP+rel+acq`) or a family (`MP`: every variant); none
// runs them all. --dot prints, instead of the table, one Graphviz digraph
// per test with one execution per outcome reached (program order,
// reads-from and modification order), for `dot -Tsvg`.
//
// Exit status: 0 when every test agrees with RC11's verdict, 1 when one
// does not, 2 for an unknown name.
#include <fmt/format.h>

#include "cli/subcommand.hpp"
#include "props/litmus.hpp"

namespace weft::cli {
namespace {

namespace lit = props::litmus;

struct litmus_flags {
  std::vector<std::string> names;
  bool dot = false;
};

std::string outcomes_text(const lit::test& t, const std::set<lit::outcome>& s) {
  std::string out;
  for (const lit::outcome& o : s) out += (out.empty() ? "" : ", ") + lit::describe(t, o);
  return "{" + out + "}";
}

// What differs, for a test that does not agree.
std::string difference(const lit::test& t, const lit::result& r) {
  if (!r.exhausted) return "a search did not finish";
  if (r.reached != r.allowed) {
    return fmt::format("reached {} but RC11 allows {}", outcomes_text(t, r.reached), outcomes_text(t, r.allowed));
  }
  return fmt::format("dfs reached {}, dpor {}", outcomes_text(t, r.reached_dfs), outcomes_text(t, r.reached));
}

void print_line(const lit::test& t, const lit::result& r) {
  const bool reached = r.reached.contains(t.weak);
  const std::string dfs = fmt::format("{}{}", r.dfs_runs, r.dfs_exhausted ? "" : "+");
  fmt::print("{:<24} {:<38} {:<9}  {:<11}  outcomes {:>2}/{:<2}  dpor {:>5}  dfs {:>7}  {}\n", t.name, lit::condition(t),
             t.allowed ? "allowed" : "forbidden", reached ? "reached" : "not reached", r.reached.size(),
             r.allowed.size(), r.dpor_runs, dfs, r.agrees() ? "ok" : "DIFFERS: " + difference(t, r));
}

int litmus(const litmus_flags& f) {
  std::vector<const lit::test*> chosen;
  for (const std::string& name : f.names) {
    const std::vector<const lit::test*> s = lit::select(name);
    if (s.empty()) {
      fmt::print(stderr, "weft: unknown litmus test '{}' (a name such as MP+rel+acq or a family such as MP; {})\n",
                 name, "`weft litmus` runs them all");
      return 2;
    }
    chosen.insert(chosen.end(), s.begin(), s.end());
  }
  if (f.names.empty()) {
    for (const lit::test& t : lit::tests()) chosen.push_back(&t);
  }
  std::size_t agree = 0;
  for (const lit::test* t : chosen) {
    const lit::result r = lit::run(*t, f.dot);
    agree += r.agrees() ? 1 : 0;
    if (f.dot) {
      fmt::print("{}", lit::draw(*t, r));
    } else {
      print_line(*t, r);
    }
    std::fflush(stdout);
  }
  if (!f.dot) fmt::print("weft: {} of {} litmus tests agree with RC11\n", agree, chosen.size());
  return agree == chosen.size() ? 0 : 1;
}

}  // namespace

subcommand add_litmus(CLI::App& app, const known&) {
  auto f = std::make_shared<litmus_flags>();
  subcommand sc;
  sc.app = app.add_subcommand("litmus", "the C++ memory model's litmus tests on weft's weak memory, against RC11");
  sc.app->add_option("name", f->names, "a test (MP+rel+acq) or a family (MP); none: all");
  sc.app->add_flag("--dot", f->dot, "print each test's executions as a Graphviz digraph instead of the table");
  sc.run = [f] { return litmus(*f); };
  return sc;
}

}  // namespace weft::cli
