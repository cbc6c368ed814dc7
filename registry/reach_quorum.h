// Reachability quorums (design §5.4, on top of proof age): who tests whom at a height, what a
// vote signs, and how many matching votes a state_change needs. Pure functions; the node does
// the testing (node/reach_tester.h), the executor checks the state_change tx (chain/tx_check.h).
//
// Test height h (any committed block h >= 1), with seed = hash of block h:
//   quorum(h)  = select_committee(committee of height h+1, kReachQuorumSize,
//                                 H("swarmchain/reach/quorum/v1" || seed)),
//                ascending by pubkey; a member's index is its position. The committee of h+1 is
//                already drawn only from nodes that proved they are alive (executor.h), and
//                past committees stay in the chain state, so every node can re-derive any
//                recent quorum from state it already keeps.
//   threshold  = 7 for a full quorum of 10; ⌈2n/3⌉ for a smaller one (n = quorum size).
//   targets(h) = select_committee(active nodes after block h, kReachTargetsPerHeight,
//                                 H("swarmchain/reach/targets/v1" || seed)).
//                Each member tests every target but itself (a node never votes on itself).
//                Targets only spread the testing: the state_change rule does not need them,
//                since the votes of `threshold` quorum members are what decide.
//
// A vote says "at height h, `target` fails `failed_checks`" and is the member's ed25519
// signature over
//   reach_vote_hash = H("swarmchain/reach/vote/v1" || chain_id || h u64 || target ||
//                       new_state u8 || failed_checks u32)
// Only failures are voted; a node that passes gets no vote. Votes live for
// kReachVoteLifetimeBlocks: a state_change of height h is valid in blocks h+1 ..
// h+kReachVoteLifetimeBlocks only, so no node ever needs older hashes or committees than that.
//
// Checks are bits, so that later tests (storage-server reachability) add a bit, not a format:
//   bit 0 kReachCheckP2p: the advertised p2p port (public_ip:quorumnet_port of the last proof)
//         accepted a connection and the handshake proved the node key.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/height.h"

namespace swarmchain {

inline constexpr std::size_t kReachQuorumSize = 10;
inline constexpr std::size_t kReachFullThreshold = 7;
inline constexpr std::size_t kReachTargetsPerHeight = 10;
inline constexpr uint64_t kReachVoteLifetimeBlocks = 10;

inline constexpr uint32_t kReachCheckP2p = 1u << 0;
inline constexpr uint32_t kReachKnownChecks = kReachCheckP2p;

// state_change new_state values. Only decommission ("fails its checks") exists today: whether
// the node is decommissioned or, short of credit, deregistered is the executor's rule
// (liveness_rules.h apply_failure); a node recovers by proving again.
inline constexpr uint8_t kStateChangeDecommission = 1;

struct ReachQuorum {
  Height height;
  std::vector<PubKey> members;  // ascending; index = position
  std::size_t threshold = 0;
  // The member index of `pk`, or members.size() if it is not one.
  std::size_t index_of(const PubKey& pk) const;
};

std::size_t reach_threshold(std::size_t quorum_size);

// `committee`: the committee of height h+1 (ascending by pubkey, as the executor keeps it).
ReachQuorum reach_quorum(const std::vector<PubKey>& committee, Height h, const Hash& block_hash);

// `active`: the active nodes after block h, ascending by pubkey.
std::vector<PubKey> reach_targets(std::vector<PubKey> active, const Hash& block_hash);

Hash reach_vote_hash(const Hash& chain_id, Height h, const PubKey& target, uint8_t new_state,
                     uint32_t failed_checks);

// "p2p port unreachable" (known bits by name, comma separated; unknown ones as "check bit N").
std::string reach_checks_text(uint32_t failed_checks);

}  // namespace swarmchain
