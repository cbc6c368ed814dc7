// One simulation run: N nodes, a genesis made for the simulator (small epochs, short proof
// intervals), a workload (transfers, registrations of the nodes that are not in genesis and of
// a "ghost" node that never runs, an unlock), the seed's fault plan, and the invariants checked
// after every event. run_scenario() is a pure function of (seed, options): the trace hash of
// two runs is equal.
//
// The run ends when every honest node reached `heights` after the fault phase and every
// double voter that double-voted has been deregistered, or fails: an invariant broke, the chain
// made no progress for `progress_bound_ms` once calm, or `max_sim_ms` passed.
//
// Thread-safety: run_scenario may run concurrently on different threads (nothing is shared).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "tests/sim/faults.h"

namespace swarmchain::sim {

struct ScenarioOptions {
  std::size_t nodes = 4;
  uint64_t heights = 10;        // every honest node reaches at least this height
  FaultOptions faults;          // faults.faults = false: calm network, every node honest
  bool workload = true;         // transfers, registrations, unlock
  uint64_t progress_bound_ms = 30'000;  // once calm, a new height at least this often
  uint64_t max_sim_ms = 200'000;
  bool verbose = false;         // print every event and commit
  bool latency = false;         // record commit latency (fixed delay, no faults)
};

struct ScenarioResult {
  bool ok = false;
  std::string failure;          // the first invariant broken, or why the run did not finish
  std::string plan;             // the fault plan, for a failure report
  Hash trace;                   // hash of every delivered event
  uint64_t steps = 0;
  uint64_t sim_ms = 0;
  uint64_t min_height = 0;      // lowest height among honest nodes at the end
  uint64_t certified_heights = 0;
  uint64_t double_votes = 0;
  uint64_t equivocations = 0;
  uint64_t deregistered = 0;    // double voters deregistered by evidence
  uint64_t committee_changes = 0;
  // Latency mode: for each height, (commit time at the last node) - (first proposal sent).
  std::vector<uint64_t> commit_latency_ms;
};

ScenarioResult run_scenario(uint64_t seed, const ScenarioOptions& opt);

std::string hex_of(const Hash& h);

}  // namespace swarmchain::sim
