// Liveness rules; see uptime_rules.h for the rules and why.
#include "registry/uptime_rules.h"

#include <algorithm>
#include <string>

#include "common/hex.h"
#include "registry/swarm_rng.h"

namespace swarmchain {

Status apply_uptime_proof(RegistryView& v, const RegistryParams& p, const PubKey& sn_pubkey,
                          uint64_t time_ms, const UptimeContact& contact, Height h,
                          uint64_t block_time_ms) {
  std::optional<ServiceNode> sn = v.get(sn_pubkey);
  if (!sn)
    return Status::error(RegistryError::kUnknownNode,
                         "uptime proof from " + to_hex(sn_pubkey) +
                             ", which is not a registered service node");
  if (sn->is_deregistered())
    return Status::error(RegistryError::kNodeDeregistered,
                         "uptime proof from deregistered service node " + to_hex(sn_pubkey));
  const uint64_t skew = time_ms > block_time_ms ? time_ms - block_time_ms : block_time_ms - time_ms;
  if (skew > p.proof_skew_ms)
    return Status::error(RegistryError::kProofTimeSkew,
                         "uptime proof time " + std::to_string(time_ms) + " ms is " +
                             std::to_string(skew) + " ms from the block time " +
                             std::to_string(block_time_ms) + " ms (limit " +
                             std::to_string(p.proof_skew_ms) + " ms); check the node's clock");
  if (time_ms <= sn->last_proof_sent_ms)
    return Status::error(RegistryError::kProofReplayed,
                         "uptime proof time " + std::to_string(time_ms) +
                             " ms is not after the node's last included proof (" +
                             std::to_string(sn->last_proof_sent_ms) + " ms)");
  const uint64_t min_gap = p.proof_interval_s * 1000 / 2;
  if (sn->has_proof() && block_time_ms < sn->last_proof_time_ms + min_gap)
    return Status::error(RegistryError::kProofTooSoon,
                         "a proof of service node " + to_hex(sn_pubkey) + " was included at " +
                             std::to_string(sn->last_proof_time_ms) +
                             " ms; the next is accepted from " +
                             std::to_string(sn->last_proof_time_ms + min_gap) + " ms");
  sn->last_proof_height = h;
  sn->last_proof_time_ms = block_time_ms;
  sn->last_proof_sent_ms = time_ms;
  sn->contact = contact;
  v.put(*sn);
  return Status::ok();
}

Status apply_deregistration(RegistryView& v, const RegistryParams& p, const PubKey& sn_pubkey,
                            Height h) {
  std::optional<ServiceNode> sn = v.get(sn_pubkey);
  if (!sn)
    return Status::error(RegistryError::kUnknownNode,
                         "service node " + to_hex(sn_pubkey) + " is not registered");
  if (sn->is_deregistered())
    return Status::error(RegistryError::kNodeDeregistered,
                         "service node " + to_hex(sn_pubkey) + " is already deregistered");
  sn->state = NodeState::kDeregistered;
  sn->requested_unlock_height = h + p.dereg_lock_blocks;
  // end_block's swarm upkeep sees an active node leave and takes it out of its swarm.
  v.put(*sn);
  return Status::ok();
}

bool committee_eligible(const ServiceNode& sn, const RegistryParams& p, uint64_t block_time_ms) {
  if (!sn.is_active() || !sn.has_proof()) return false;
  if (sn.last_proof_time_ms > block_time_ms) return true;  // not reached: proofs use block time
  return block_time_ms - sn.last_proof_time_ms <= p.proof_lifetime_s * 1000;
}

std::vector<PubKey> select_committee(std::vector<PubKey> eligible, std::size_t size,
                                     const Hash& seed) {
  if (eligible.size() <= size) return eligible;
  SwarmRng rng(seed);
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.uniform(eligible.size() - i));
    std::swap(eligible[i], eligible[j]);
  }
  eligible.resize(size);
  std::sort(eligible.begin(), eligible.end());
  return eligible;
}

}  // namespace swarmchain
