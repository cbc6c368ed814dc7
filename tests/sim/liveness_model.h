// LivenessModel: an independent model of the liveness rules (design §5.4; the rules as
// registry/liveness_rules.h states them), written from that text and not from
// liveness_rules.cpp. Fed every committed block in order (its height, its time and the uptime
// proofs it includes), it says what state and credit (in blocks) each node it tracks must have
// after that block, and when a deregistered node's record (with its frozen stake) must be gone.
// The simulator checks every node's real registry against it at every committed height.
//
// It tracks the genesis service nodes only, and assumes no stake, unlock or evidence tx touches
// them (the liveness scenarios send none).
//
// Thread-safety: none; a plain value used on the simulation's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chain/block.h"
#include "chain/params.h"
#include "registry/service_node.h"

namespace swarmchain::sim {

class LivenessModel {
 public:
  LivenessModel(const ChainParams& p, const std::vector<PubKey>& genesis_nodes,
                uint64_t genesis_time_ms);

  // REQUIRES: b.header.height == height() + 1.
  void apply(const Block& b);
  Height height() const { return height_; }

  struct Expected {
    NodeState state = NodeState::kActive;
    int64_t credit_blocks = 0;
    Height unlock_height;  // deregistered: when the stake comes back
  };
  // nullopt once the record is gone (its frozen stake returned).
  std::optional<Expected> expected(const PubKey& pk) const;
  std::vector<PubKey> tracked() const;
  std::string describe(const PubKey& pk) const;

  uint64_t decommissions = 0;
  uint64_t recommissions = 0;
  uint64_t deregistrations = 0;  // of them, short_credit went straight from active
  uint64_t short_credit = 0;
  uint64_t expiries = 0;

 private:
  struct Node {
    NodeState state = NodeState::kActive;
    uint64_t credit_at = 0;       // credit when it last became active / was decommissioned
    uint64_t active_h = 0;        // height it last became active
    uint64_t active_t = 0;        // that block's time
    uint64_t proof_t = 0;         // time of the block with its latest proof (0 = none)
    uint64_t decommission_h = 0;  // height it was last decommissioned
    uint64_t unlock_h = 0;        // deregistered: expiry height
    bool gone = false;
  };
  int64_t credit(const Node& n, uint64_t h) const;

  // The rules' parameters, converted from the chain's seconds to blocks here, independently.
  uint64_t lifetime_ms_ = 0;
  uint64_t credit_initial_ = 0;
  uint64_t credit_max_ = 0;
  uint64_t credit_min_ = 0;
  uint64_t per_day_s_ = 0;
  uint64_t dereg_lock_ = 0;
  Height height_;
  std::map<PubKey, Node> nodes_;
};

}  // namespace swarmchain::sim
