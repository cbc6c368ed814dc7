// Liveness at the end of a block (design §5.4): proof age, credits, decommission, recommission
// and deregistration. Pure functions over a RegistryView; every time is a BLOCK time.
//
// Credit, in blocks (RegistryParams converts the chain's times with target_block_ms):
//   active node at height h:  min(credit_max, recommission_credit
//                                 + (h − active_since_height) · credit_per_day_s / 86400)
//     (recommission_credit is the credit it had when it last became active: credit_initial at
//     its first activation; `blocks · per_day_s / 86400` is the credit earned in blocks, since
//     both sides scale with the block time)
//   decommissioned node at h: recommission_credit − (h − last_decommission_height)
//     (recommission_credit then holds the credit at decommission; it drains a block per block)
//
// apply_liveness(h, T), called by the executor after the block's txs and before end_block
// (so a node that fails here earns no reward in this block and leaves its swarm in it):
//   1. Fresh activations (a stake completed the node in this block: active_since_height = h
//      and it was not active before): active_since_time_ms = T, recommission_credit =
//      credit_initial.
//   2. Recommission: a decommissioned node that proved in this block (last_proof_height = h)
//      becomes active: recommission_credit = max(0, credit − 2 · blocks_down) with credit its
//      credit at decommission and blocks_down = h − last_decommission_height;
//      active_since = (h, T); reward position (h, 2^32−1): the back of the queue. Its swarm
//      comes from end_block's swarm upkeep, its committee seat at the next epoch.
//   3. Proof age: an active node with T − liveness_since_ms > proof_lifetime_s · 1000 fails
//      (liveness_since_ms: its last proof, or its activation if later). A failing node whose
//      credit is at least credit_min_to_decommission is decommissioned: state
//      decommissioned, decommission_count + 1, last_decommission_height = h,
//      recommission_credit = its credit. Otherwise it is deregistered (uptime_rules.h: stakes
//      frozen for dereg_lock_blocks, then returned).
//   4. Credit out: a decommissioned node with h > last_decommission_height + its credit at
//      decommission is deregistered.
// Nodes whose unlock completes in this block (0 < requested_unlock_height <= h) are left to
// end_block's expiry. Events come back in the order applied, ascending by pubkey within a step.
//
// Cost: the base's liveness_queue() and decommissioned() indexes and the block's change map;
// never a scan of every record.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "registry/staking_rules.h"

namespace swarmchain {

// kActivated (fully staked: it enters the reward queue and a swarm) and kExpired (its record
// left the registry: an unlock completed, or a deregistration's lock ended, and the stakes
// went back) are reported by the executor from the block's registry changes; the others come
// from apply_liveness and state_change txs.
enum class LivenessEvent : uint8_t {
  kDecommissioned,
  kRecommissioned,
  kDeregistered,
  kActivated,
  kExpired,
};
const char* liveness_event_name(LivenessEvent e);

struct LivenessChange {
  PubKey pubkey;
  LivenessEvent event;
  std::string reason;  // for logs: "no uptime proof for 75 s (lifetime 60 s); credit 120 blocks"
  friend bool operator==(const LivenessChange&, const LivenessChange&) = default;
};

// The credit of `sn` at height h, in blocks (negative once a decommissioned node ran out; 0
// for awaiting and deregistered nodes).
int64_t credit_blocks(const ServiceNode& sn, const RegistryParams& p, Height h);

// Blocks ↔ milliseconds at the target block time (status output).
inline uint64_t blocks_to_ms(const RegistryParams& p, uint64_t blocks) {
  return blocks * p.target_block_ms;
}

// Where a node stands at the tip (height h, block time T), for get_service_node_status and the
// status commands: what the next blocks will do to it if nothing changes.
struct LivenessStatus {
  NodeState state = NodeState::kAwaiting;
  int64_t credit_blocks = 0;
  std::optional<uint64_t> proof_age_ms;  // since the block that included its last proof
  // Active: ms until its proof age fails (0 = it fails at the next block). Decommissioned: ms
  // until its credit runs out. Absent otherwise.
  std::optional<uint64_t> ms_before_decommission;   // active only
  std::optional<uint64_t> ms_before_deregistration;  // active or decommissioned
  bool would_fail_now = false;  // proof age at time T already fails
  std::string explanation;      // one or two sentences for humans
};
LivenessStatus liveness_status(const ServiceNode& sn, const RegistryParams& p, Height h,
                               uint64_t block_time_ms);

// A failing active node (proof age, or a reachability state_change: chain/tx_check.h): it is
// decommissioned if its credit at h is at least credit_min_to_decommission (state
// decommissioned, decommission_count + 1, last_decommission_height = h, recommission_credit =
// that credit), else deregistered. `why` starts the change's reason. nullopt, and nothing
// changed, if `pk` is not an active node.
std::optional<LivenessChange> apply_failure(RegistryView& v, const RegistryParams& p,
                                           const PubKey& pk, Height h, const std::string& why);

std::vector<LivenessChange> apply_liveness(RegistryView& v, const RegistryParams& p, Height h,
                                           uint64_t block_time_ms);

}  // namespace swarmchain
