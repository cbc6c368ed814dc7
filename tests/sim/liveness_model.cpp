#include "tests/sim/liveness_model.h"

#include <algorithm>
#include <variant>

#include "common/hex.h"

namespace swarmchain::sim {

LivenessModel::LivenessModel(const ChainParams& p, const std::vector<PubKey>& genesis_nodes,
                             uint64_t genesis_time_ms) {
  const auto blocks = [&](uint64_t s) { return s * 1000 / p.target_block_ms; };
  lifetime_ms_ = p.proof_lifetime_s * 1000;
  credit_initial_ = blocks(p.credit_initial_s);
  credit_max_ = blocks(p.credit_max_s);
  credit_min_ = blocks(p.credit_min_to_decommission_s);
  per_day_s_ = p.credit_per_day_s;
  dereg_lock_ = p.dereg_lock_blocks;
  for (const PubKey& pk : genesis_nodes) {
    Node n;
    n.credit_at = credit_initial_;
    n.active_t = genesis_time_ms;
    nodes_.emplace(pk, n);
  }
}

int64_t LivenessModel::credit(const Node& n, uint64_t h) const {
  if (n.state == NodeState::kActive) {
    // Earned: per_day_s seconds of credit per day active, i.e. per_day_s / 86400 blocks per
    // block (both sides are at the target block time), rounded down.
    const uint64_t earned = (h - n.active_h) * per_day_s_ / 86'400;
    return static_cast<int64_t>(std::min(credit_max_, n.credit_at + earned));
  }
  if (n.state == NodeState::kDecommissioned)
    return static_cast<int64_t>(n.credit_at) - static_cast<int64_t>(h - n.decommission_h);
  return 0;
}

void LivenessModel::apply(const Block& b) {
  const uint64_t h = b.header.height.value;
  const uint64_t t = b.header.time_ms;
  height_ = b.header.height;
  // The block's txs: every uptime proof in a valid block was accepted.
  std::map<PubKey, bool> proved;
  for (const Tx& tx : b.txs)
    if (std::holds_alternative<UptimeProofPayload>(tx.payload)) proved[tx.sender] = true;
  for (auto& [pk, n] : nodes_) {
    if (n.gone) continue;
    if (proved.contains(pk)) n.proof_t = t;
    // Expiry at the end of the block (end_block): the frozen stake comes back.
    if (n.state == NodeState::kDeregistered) {
      if (n.unlock_h <= h) {
        n.gone = true;
        ++expiries;
      }
      continue;
    }
    // Recommission: a decommissioned node that proved in this block.
    if (n.state == NodeState::kDecommissioned && proved.contains(pk)) {
      const int64_t down = static_cast<int64_t>(h - n.decommission_h);
      const int64_t kept = static_cast<int64_t>(n.credit_at) - 2 * down;
      n.credit_at = kept > 0 ? static_cast<uint64_t>(kept) : 0;
      n.state = NodeState::kActive;
      n.active_h = h;
      n.active_t = t;
      ++recommissions;
      continue;
    }
    // Proof age: more than the lifetime since its last proof or activation, whichever is later.
    if (n.state == NodeState::kActive && t > std::max(n.proof_t, n.active_t) + lifetime_ms_) {
      const int64_t c = credit(n, h);
      if (c >= static_cast<int64_t>(credit_min_)) {
        n.state = NodeState::kDecommissioned;
        n.credit_at = static_cast<uint64_t>(c);
        n.decommission_h = h;
        ++decommissions;
      } else {
        n.state = NodeState::kDeregistered;
        n.unlock_h = h + dereg_lock_;
        ++deregistrations;
        ++short_credit;
      }
      continue;
    }
    // Credit out: deregistered once a decommissioned node's credit is below zero.
    if (n.state == NodeState::kDecommissioned && credit(n, h) < 0) {
      n.state = NodeState::kDeregistered;
      n.unlock_h = h + dereg_lock_;
      ++deregistrations;
    }
  }
}

std::optional<LivenessModel::Expected> LivenessModel::expected(const PubKey& pk) const {
  auto it = nodes_.find(pk);
  if (it == nodes_.end() || it->second.gone) return std::nullopt;
  return Expected{it->second.state, credit(it->second, height_.value), Height(it->second.unlock_h)};
}

std::vector<PubKey> LivenessModel::tracked() const {
  std::vector<PubKey> out;
  for (const auto& [pk, n] : nodes_) out.push_back(pk);
  return out;
}

std::string LivenessModel::describe(const PubKey& pk) const {
  auto it = nodes_.find(pk);
  if (it == nodes_.end()) return "untracked";
  const Node& n = it->second;
  return to_hex(pk).substr(0, 8) + ": " + node_state_name(n.state) + (n.gone ? " (gone)" : "") +
         ", credit_at " + std::to_string(n.credit_at) + ", active since " +
         std::to_string(n.active_h) + " @" + std::to_string(n.active_t) + ", proof @" +
         std::to_string(n.proof_t) + ", decommissioned at " + std::to_string(n.decommission_h) +
         ", unlock " + std::to_string(n.unlock_h);
}

}  // namespace swarmchain::sim
