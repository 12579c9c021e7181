// SCTBench-style programs: small concurrent programs, each with a bug
// that needs a particular interleaving and a fixed twin, written on the
// sys:: primitives from the published descriptions of the programs in
// SCTBench (Thomson, Donaldson, Betts: "Concurrency testing using
// controlled schedulers: an empirical study", TOPC 2016) and the SV-COMP
// concurrency set they come from. They measure the explorer's strategies
// (bench/sct_bench.cpp prints schedules to the first failure per strategy;
// docs/explore.md has the table); tests/props/sct_test.cpp holds the
// default strategy to finding each bug and passing each fixed twin.
//
// Each program is named as in SCTBench where it follows one (account,
// bluetooth, deadlock01, lazy01, reorder-N, twostage-N, wronglock-N,
// fib-N, stack, circular-buffer, token-ring, din-phil) and says in its
// comment what it does and what its bug needs.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace weft::examples::sct {

struct program {
  std::string name;
  std::string description;  // one line: the bug
  int threads = 0;          // simulated threads besides main
  std::function<void()> buggy;
  std::function<void()> fixed;
};

const std::vector<program>& programs();

std::vector<program> lock_programs();    // sct_locks.cpp
std::vector<program> atomic_programs();  // sct_atomics.cpp

}  // namespace weft::examples::sct
