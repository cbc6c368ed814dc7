// The fault plan of one run, drawn from its seed: what goes wrong, to whom and when.
//
// Within the fault phase [0, fault_end_ms): lossy links (drops, duplicates, wide delays that
// reorder), partitions that heal, honest nodes that crash and restart from their own store.
// Whole run: each node's clock skew (within max_clock_drift_ms / 2, so two honest clocks never
// disagree by more than the drift), and at most f = (n - 1) / 3 byzantine nodes. After the
// fault phase the network is calm (no loss, short delays) and every node is up: that is when
// liveness is required.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/sim/sim_network.h"

namespace swarmchain::sim {

enum class Role : uint8_t {
  kHonest,
  kSilent,                // sends nothing at all
  kEquivocatingProposer,  // sends two different signed proposals to two halves of the nodes
  kDoubleVoter,           // every vote also goes out re-signed for another block hash
};
const char* role_name(Role r);

struct CrashPlan {
  NodeIndex node = 0;
  uint64_t at_ms = 0;
  uint64_t down_ms = 0;
};

struct PartitionPlan {
  uint64_t at_ms = 0;
  uint64_t heal_ms = 0;
  std::vector<uint32_t> side;  // side[i] of node i
};

struct FaultPlan {
  LinkFaults chaos;
  LinkFaults calm;
  uint64_t fault_end_ms = 0;
  std::vector<int64_t> skew_ms;
  std::vector<Role> role;
  std::vector<CrashPlan> crashes;
  std::vector<PartitionPlan> partitions;

  bool honest(NodeIndex i) const { return role[i] == Role::kHonest; }
  std::size_t byzantine_count() const;
  std::string describe() const;
};

struct FaultOptions {
  bool faults = true;       // false: no loss, fixed delay, no crash, partition or byzantine node
  bool byzantine = true;    // allow byzantine nodes (within f)
  bool double_voters = true;  // byzantine roles include the double voter
  bool crashes = true;      // honest nodes crash and restart
  std::size_t byzantine_pool = 0;  // byzantine nodes are among nodes 0..pool-1 (0: all)
  std::size_t byzantine_max = 0;   // at most this many (0: f = (n - 1) / 3)
  uint64_t max_drift_ms = 500;
  uint64_t fault_phase_ms = 20'000;
  uint64_t calm_delay_ms = 5;
};

FaultPlan make_fault_plan(uint64_t seed, std::size_t nodes, const FaultOptions& opt);

}  // namespace swarmchain::sim
