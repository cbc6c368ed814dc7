// Liveness rules on the registry (design §5.4, §6.1, §6.5, §7.4): uptime proofs, the
// deregistration that evidence causes, and who may sit on a committee. Pure functions over a
// RegistryView, like staking_rules.h; every time is a BLOCK time (consensus-agreed), never a
// clock.
//
// Uptime proof of node N in block (h, T) with the node's stamp t:
//   - N has a record and is not deregistered                       else kUnknownNode /
//                                                                        kNodeDeregistered
//   - |t − T| <= proof_skew_ms                                      else kProofTimeSkew
//   - t > N.last_proof_sent_ms                                      else kProofReplayed
//     (without it, anyone could replay an old proof of a dead node every interval/2 for as
//     long as its stamp stays within the skew, and keep the node looking alive)
//   - N has no proof yet, or T − N.last_proof_time_ms >= proof_interval_s·1000 / 2
//                                                                    else kProofTooSoon
//     (one small tx per node per interval; a node cannot flood blocks with free proofs)
//   Effect: last_proof_height = h, last_proof_time_ms = T, last_proof_sent_ms = t, contact.
//
// Deregistration of N at height h (evidence, §6.5): N leaves at once — state = deregistered,
// so it is out of the reward queue, of its swarm (end_block's swarm upkeep takes non-active
// nodes out) and of future committees — and requested_unlock_height = h + dereg_lock_blocks:
// the record, with its contributors' frozen stakes, stays in registry_root until then, and the
// ordinary expiry of end_block returns the stakes (the same path as an unlock).
//
// Committee eligibility at block time T: active, with a proof, and
// T − last_proof_time_ms <= proof_lifetime_s·1000. A node registered but never run never proves,
// so it never sits on a committee and cannot stall the chain.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "registry/staking_rules.h"

namespace swarmchain {

Status apply_uptime_proof(RegistryView& v, const RegistryParams& p, const PubKey& sn_pubkey,
                          uint64_t time_ms, const UptimeContact& contact, Height h,
                          uint64_t block_time_ms);

// REQUIRES nothing of the caller: an unknown or already deregistered node is refused.
Status apply_deregistration(RegistryView& v, const RegistryParams& p, const PubKey& sn_pubkey,
                            Height h);

bool committee_eligible(const ServiceNode& sn, const RegistryParams& p, uint64_t block_time_ms);

// The committee drawn from `eligible` (ascending by pubkey, no duplicates): all of them if
// there are at most `size`, else `size` of them chosen uniformly with SwarmRng(seed) by a
// partial Fisher–Yates shuffle (draw i picks uniform(n − i) among the not yet chosen; exactly
// `size` draws, which is consensus). The result is sorted by pubkey, so that the order (which
// fixes the proposer rotation) does not depend on the draw order.
std::vector<PubKey> select_committee(std::vector<PubKey> eligible, std::size_t size,
                                     const Hash& seed);

}  // namespace swarmchain
