#include "registry/liveness_rules.h"

#include <algorithm>

#include "registry/uptime_rules.h"

namespace swarmchain {

namespace {

constexpr uint64_t kDayS = 86'400;

bool expiring(const ServiceNode& sn, Height h) {
  return sn.requested_unlock_height != Height() && sn.requested_unlock_height <= h;
}

std::string seconds(uint64_t ms) { return std::to_string(ms / 1000) + " s"; }

std::string credit_text(const RegistryParams& p, int64_t blocks) {
  const uint64_t b = blocks < 0 ? 0 : static_cast<uint64_t>(blocks);
  return "credit " + std::to_string(blocks) + " blocks (" + seconds(blocks_to_ms(p, b)) + ")";
}

// Why an active node fails proof age at block time T (it does).
std::string proof_age_reason(const ServiceNode& sn, const RegistryParams& p, uint64_t t) {
  const uint64_t since = liveness_since_ms(sn);
  const std::string lifetime = "lifetime " + std::to_string(p.proof_lifetime_s) + " s";
  if (sn.last_proof_time_ms >= sn.active_since_time_ms && sn.has_proof())
    return "no uptime proof for " + seconds(t - since) + " (" + lifetime + ")";
  return "no uptime proof since it became active " + seconds(t - since) + " ago (" + lifetime + ")";
}

}  // namespace

const char* liveness_event_name(LivenessEvent e) {
  switch (e) {
    case LivenessEvent::kDecommissioned: return "decommissioned";
    case LivenessEvent::kRecommissioned: return "recommissioned";
    case LivenessEvent::kDeregistered: return "deregistered";
    case LivenessEvent::kActivated: return "activated";
    case LivenessEvent::kExpired: return "expired";
  }
  return "unknown";
}

int64_t credit_blocks(const ServiceNode& sn, const RegistryParams& p, Height h) {
  __extension__ typedef unsigned __int128 u128;  // GCC/Clang; -Wpedantic-clean
  if (sn.state == NodeState::kActive) {
    const uint64_t active = h > sn.active_since_height ? h.value - sn.active_since_height.value : 0;
    const u128 earned = u128{active} * p.credit_per_day_s / kDayS;
    const u128 total = u128{sn.recommission_credit} + earned;
    return static_cast<int64_t>(std::min<u128>(total, p.credit_max_blocks));
  }
  if (sn.state == NodeState::kDecommissioned) {
    const uint64_t down =
        h > sn.last_decommission_height ? h.value - sn.last_decommission_height.value : 0;
    return static_cast<int64_t>(sn.recommission_credit) - static_cast<int64_t>(down);
  }
  return 0;
}

LivenessStatus liveness_status(const ServiceNode& sn, const RegistryParams& p, Height h,
                               uint64_t t) {
  LivenessStatus st;
  st.state = sn.state;
  st.credit_blocks = credit_blocks(sn, p, h);
  if (sn.has_proof()) st.proof_age_ms = t > sn.last_proof_time_ms ? t - sn.last_proof_time_ms : 0;
  const uint64_t lifetime_ms = p.proof_lifetime_s * 1000;
  const std::string proof =
      st.proof_age_ms ? "its last uptime proof is " + seconds(*st.proof_age_ms) + " old"
                      : "it has sent no uptime proof yet";
  switch (sn.state) {
    case NodeState::kAwaiting:
      st.explanation = "awaiting contributions: it becomes active (gets a swarm, earns rewards) "
                       "once its stake reaches the requirement; no liveness rule applies yet.";
      break;
    case NodeState::kActive: {
      const uint64_t deadline = liveness_since_ms(sn) + lifetime_ms;
      st.would_fail_now = deadline < t;
      st.ms_before_decommission = deadline > t ? deadline - t : 0;
      // What failing would cost: decommission if the credit then is enough, else deregister.
      const uint64_t blocks_to_fail = *st.ms_before_decommission / p.target_block_ms;
      const int64_t credit_then = credit_blocks(sn, p, h + blocks_to_fail);
      const bool decommission =
          credit_then >= static_cast<int64_t>(p.credit_min_to_decommission_blocks);
      // Deregistered the block after its credit reaches 0 (at credit −1).
      st.ms_before_deregistration =
          *st.ms_before_decommission +
          (decommission ? blocks_to_ms(p, static_cast<uint64_t>(credit_then) + 1) : 0);
      st.explanation = "active: " + proof + " (lifetime " + std::to_string(p.proof_lifetime_s) +
                       " s, a proof is due every " + std::to_string(p.proof_interval_s) + " s). ";
      if (st.would_fail_now)
        st.explanation += "Proof age fails now: the next block will " +
                          std::string(decommission ? "decommission" : "deregister") + " it.";
      else
        st.explanation += "Without a new proof it is " +
                          std::string(decommission ? "decommissioned" : "deregistered") +
                          " in about " + seconds(*st.ms_before_decommission) +
                          (decommission ? ", and deregistered " +
                                              seconds(*st.ms_before_deregistration) +
                                              " from now if it stays down."
                                        : " (its credit is too short to be decommissioned).");
      break;
    }
    case NodeState::kDecommissioned: {
      const int64_t left = st.credit_blocks < 0 ? 0 : st.credit_blocks;
      st.ms_before_deregistration = blocks_to_ms(p, static_cast<uint64_t>(left) + 1);
      st.would_fail_now = true;
      st.explanation = "decommissioned at height " + sn.last_decommission_height.to_string() +
                       " (" + std::to_string(sn.decommission_count) +
                       " time(s) in all): out of its swarm, earning nothing; " + proof +
                       ". An uptime proof recommissions it at the end of the block that "
                       "includes it; otherwise it is deregistered when its credit runs out, in "
                       "about " + seconds(*st.ms_before_deregistration) + ".";
      break;
    }
    case NodeState::kDeregistered:
      st.explanation = "deregistered: its stakes are frozen until height " +
                       sn.requested_unlock_height.to_string() +
                       ", then returned to every contributor.";
      break;
  }
  return st;
}

std::optional<LivenessChange> apply_failure(RegistryView& v, const RegistryParams& p,
                                           const PubKey& pk, Height h, const std::string& why) {
  std::optional<ServiceNode> sn = v.get(pk);
  if (!sn || !sn->is_active()) return std::nullopt;
  const int64_t credit = credit_blocks(*sn, p, h);
  if (credit >= static_cast<int64_t>(p.credit_min_to_decommission_blocks)) {
    sn->state = NodeState::kDecommissioned;
    ++sn->decommission_count;
    sn->last_decommission_height = h;
    sn->recommission_credit = static_cast<uint64_t>(credit);
    v.put(*sn);
    return LivenessChange{pk, LivenessEvent::kDecommissioned, why + "; " + credit_text(p, credit)};
  }
  if (!apply_deregistration(v, p, pk, h)) return std::nullopt;
  return LivenessChange{pk, LivenessEvent::kDeregistered,
                        why + "; " + credit_text(p, credit) + " is below the " +
                            std::to_string(p.credit_min_to_decommission_blocks) +
                            " blocks needed to be decommissioned instead"};
}

std::vector<LivenessChange> apply_liveness(RegistryView& v, const RegistryParams& p, Height h,
                                           uint64_t block_time_ms) {
  std::vector<LivenessChange> out;
  const RegistryState& base = v.base();
  const uint64_t lifetime_ms = p.proof_lifetime_s * 1000;

  // 1 and 2, from the block's changes (copied: the loop puts into the change map).
  std::vector<ServiceNode> changed;
  for (const auto& [pk, now] : v.changes())
    if (now) changed.push_back(*now);
  for (ServiceNode& sn : changed) {
    const ServiceNode* was = base.get(sn.pubkey);
    if (sn.is_active() && sn.active_since_height == h && (was == nullptr || !was->is_active()) &&
        sn.active_since_time_ms != block_time_ms) {
      sn.active_since_time_ms = block_time_ms;
      sn.recommission_credit = p.credit_initial_blocks;
      v.put(sn);
    } else if (sn.state == NodeState::kDecommissioned && sn.last_proof_height == h &&
               !expiring(sn, h)) {
      const int64_t credit = static_cast<int64_t>(sn.recommission_credit);
      const int64_t down = static_cast<int64_t>(h.value - sn.last_decommission_height.value);
      const int64_t kept = std::max<int64_t>(0, credit - 2 * down);
      sn.state = NodeState::kActive;
      sn.recommission_credit = static_cast<uint64_t>(kept);
      sn.active_since_height = h;
      sn.active_since_time_ms = block_time_ms;
      sn.last_reward_height = h;
      sn.last_reward_index = UINT32_MAX;
      sn.swarm_id = kUnassignedSwarm;  // end_block's swarm upkeep assigns one
      v.put(sn);
      out.push_back({sn.pubkey, LivenessEvent::kRecommissioned,
                     "proved again after " + std::to_string(down) + " blocks down; " +
                         credit_text(p, kept)});
    }
  }

  // 3. Proof age: base nodes from the index (those the block did not change), changed ones
  // from the change map.
  std::vector<PubKey> failing;
  for (const auto& [since, pk] : base.liveness_queue()) {
    if (since + lifetime_ms >= block_time_ms) break;
    if (!v.changes().contains(pk)) failing.push_back(pk);
  }
  for (const auto& [pk, now] : v.changes())
    if (now && now->is_active() && liveness_since_ms(*now) + lifetime_ms < block_time_ms)
      failing.push_back(pk);
  std::sort(failing.begin(), failing.end());
  for (const PubKey& pk : failing) {
    std::optional<ServiceNode> sn = v.get(pk);
    if (!sn || expiring(*sn, h)) continue;
    if (auto change = apply_failure(v, p, pk, h, proof_age_reason(*sn, p, block_time_ms)))
      out.push_back(std::move(*change));
  }

  // 4. Decommissioned nodes whose credit ran out.
  std::vector<PubKey> out_of_credit;
  for (const auto& [end, pk] : base.decommissioned()) {
    if (end >= h.value) break;
    if (!v.changes().contains(pk)) out_of_credit.push_back(pk);
  }
  for (const auto& [pk, now] : v.changes())
    if (now && now->state == NodeState::kDecommissioned && decommission_end_height(*now) < h.value)
      out_of_credit.push_back(pk);
  std::sort(out_of_credit.begin(), out_of_credit.end());
  for (const PubKey& pk : out_of_credit) {
    std::optional<ServiceNode> sn = v.get(pk);
    if (!sn || expiring(*sn, h)) continue;
    if (apply_deregistration(v, p, pk, h))
      out.push_back({pk, LivenessEvent::kDeregistered,
                     "decommissioned at height " + sn->last_decommission_height.to_string() +
                         " and did not prove again before its credit of " +
                         std::to_string(sn->recommission_credit) + " blocks ran out"});
  }
  return out;
}

}  // namespace swarmchain
