// ReachByzantine: a byzantine member of the reachability quorums (design §5.4,
// node/reach_tester.h). Its node runs an honest driver; this adds what a faulty member would
// send besides. At every height h its node commits, if it is a member of quorum(h), it signs
// and broadcasts (through its node's Network endpoint, as real wire tag 5 messages):
//   - its own valid vote "at h, `victim` fails the p2p check", whatever the victim answers;
//   - a forgery under a foreign key (`outsider`, no member) naming another member's index;
//   - a forgery under its own key naming another member's index;
//   - a vote naming the victim's own index (a node never votes on itself): invalid.
// Honest nodes must accept the first (one vote is below any threshold of 2 or more), score the
// forgeries as "reach_vote_forged" and the self vote as "reach_vote_invalid".
//
// Thread-safety: none; the simulation's one thread. Call on_committed from the byzantine
// node's commit observer (it only reads the state and queues messages).
#pragma once

#include <cstdint>

#include "chain/chain_state.h"
#include "common/crypto.h"
#include "node/driver.h"

namespace swarmchain::sim {

struct ReachByzantineStats {
  uint64_t heights_in_quorum = 0;
  uint64_t votes = 0;           // valid votes against the victim
  uint64_t forged_foreign = 0;  // signed by `outsider`
  uint64_t forged_index = 0;    // its own signature under another member's index
  uint64_t self_votes = 0;      // naming the victim's index
};

class ReachByzantine {
 public:
  ReachByzantine(Network& net, const KeyPair& key, const KeyPair& outsider, const Hash& chain_id,
                 const PubKey& victim, uint64_t epoch_blocks)
      : net_(net), key_(key), outsider_(outsider), chain_id_(chain_id), victim_(victim),
        epoch_blocks_(epoch_blocks) {}

  // Its node committed `state.height`.
  void on_committed(const ChainState& state);
  const ReachByzantineStats& stats() const { return stats_; }

 private:
  Network& net_;
  const KeyPair key_;
  const KeyPair outsider_;
  const Hash chain_id_;
  const PubKey victim_;
  const uint64_t epoch_blocks_;
  ReachByzantineStats stats_;
};

}  // namespace swarmchain::sim
