// Byzantine behaviour as outgoing filters on an otherwise honest node (the sim holds every
// node's key, so it can sign what a faulty node would):
//   silent                 nothing leaves the node;
//   equivocating proposer  each of its proposals goes to the lower half of the nodes as it is
//                          and to the upper half as a second, different, validly signed
//                          proposal of the same round (the same block one millisecond later);
//   double voter           each of its votes also goes out re-signed for another block (nil
//                          for a block, a made-up hash for nil): every receiver sees a pair of
//                          conflicting votes, which must end in an evidence tx.
// Everything else (txs, catch-up) passes unchanged.
//
// Thread-safety: none; the simulation's one thread.
#pragma once

#include <cstdint>

#include "common/crypto.h"
#include "tests/sim/faults.h"
#include "tests/sim/sim_network.h"

namespace swarmchain::sim {

struct ByzantineStats {
  uint64_t equivocations = 0;   // second proposals sent
  uint64_t double_votes = 0;    // conflicting votes sent
  uint64_t first_double_vote_height = 0;
};

// The filter for a node of role `role` (empty function for an honest node). `stats` must
// outlive the filter.
OutgoingFilter make_byzantine_filter(Role role, const KeyPair& key, const Hash& chain_id,
                                     std::size_t nodes, ByzantineStats& stats);

}  // namespace swarmchain::sim
