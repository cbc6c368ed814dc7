// The end of a block (staking_rules.h steps 2a–2c), the reward split and the genesis registry.
//
// Decisions beyond the design text:
//   - Swarm upkeep: a node that stays active but whose swarm_id was reset in this block counts
//     as a leaver and is re-assigned; non-active records keep no swarm id.
//   - Cost: nothing here scans every record. The base's indexes (reward queue, unlock queue,
//     active nodes without a swarm) and the block's change map give every input, and the swarm
//     run works on the stored table copy-on-write (docs/protocol.md, "What a block costs").
#include "registry/staking_rules.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "registry/swarm_assigner.h"

namespace swarmchain {

namespace {

bool expires_at(const ServiceNode& sn, Height h) {
  return sn.requested_unlock_height != Height() && sn.requested_unlock_height <= h;
}

bool table_contains(const SwarmTable& t, SwarmId id, const PubKey& pk) {
  auto it = t.find(id);
  return it != t.end() && std::binary_search(it->second.begin(), it->second.end(), pk);
}

// The record of `pk` as the view has it, without a copy; nullptr if there is none.
const ServiceNode* view_record(const RegistryView& v, const PubKey& pk) {
  if (auto it = v.changes().find(pk); it != v.changes().end())
    return it->second ? &*it->second : nullptr;
  return v.base().get(pk);
}

// Step 2c: swarm upkeep when the active set changed in this block. Reads the base's swarm
// table in place and writes only the records whose swarm changed.
void update_swarms(RegistryView& v, const RegistryParams& p, const Hash& seed,
                   std::vector<PubKey> unassigned) {
  const RegistryState& base = v.base();
  bool active_set_changed = false;
  std::vector<std::pair<SwarmId, PubKey>> leavers;
  for (const auto& [pk, now] : v.changes()) {
    const ServiceNode* was = base.get(pk);
    const bool was_active = was != nullptr && was->is_active();
    const bool is_active = now && now->is_active();
    if (was_active != is_active) active_set_changed = true;
    if (was_active && was->swarm_id != kUnassignedSwarm &&
        (!is_active || now->swarm_id != was->swarm_id)) {
      leavers.emplace_back(was->swarm_id, pk);
    }
  }
  if (!active_set_changed) return;

  // A changed active node keeps its swarm only if it stays in the same swarm of the base
  // table (leavers never do: they are in the base only under their old id).
  for (const auto& [pk, now] : v.changes()) {
    if (now && now->is_active() && !table_contains(base.swarms(), now->swarm_id, pk)) {
      unassigned.push_back(pk);
    }
  }
  // A base node without a swarm that also changed in this block (e.g. it won the reward) is in
  // both lists; the assignment requires each pubkey once.
  std::sort(unassigned.begin(), unassigned.end());
  unassigned.erase(std::unique(unassigned.begin(), unassigned.end()), unassigned.end());
  const SwarmTableDiff diff =
      assign_swarms_diff(base.swarms(), leavers, std::move(unassigned), seed, p.swarm);

  // Records the step takes out of every swarm (erased ones are gone already).
  std::vector<ServiceNode> updates;
  for (const auto& [pk, now] : v.changes()) {
    if (now && !now->is_active() && now->swarm_id != kUnassignedSwarm) {
      updates.push_back(*now);
      updates.back().swarm_id = kUnassignedSwarm;
    }
  }
  // Only members that are not in the same swarm of the base table can have a new swarm_id,
  // and only changed swarms can hold such members.
  std::vector<PubKey> moved_in;
  for (const auto& [id, members] : diff) {
    moved_in.clear();
    if (auto old = base.swarms().find(id); old != base.swarms().end()) {
      std::set_difference(members.begin(), members.end(), old->second.begin(), old->second.end(),
                          std::back_inserter(moved_in));
    } else {
      moved_in = members;
    }
    for (const PubKey& pk : moved_in) {
      const ServiceNode* sn = view_record(v, pk);
      if (sn != nullptr && sn->swarm_id != id) {
        updates.push_back(*sn);
        updates.back().swarm_id = id;
      }
    }
  }
  for (const ServiceNode& sn : updates) v.put(sn);
}

}  // namespace

std::vector<Payout> split_reward(const ServiceNode& sn, Amount reward) {
  __extension__ typedef unsigned __int128 u128;  // GCC/Clang; -Wpedantic-clean
  const uint64_t total = reward.atomic();
  const uint64_t fee = static_cast<uint64_t>(u128{total} * sn.fee_bps / kMaxFeeBps);
  const uint64_t rest = total - fee;
  // Σ of the amounts, not total_contributed: the shares then add up to at most `rest` whatever
  // the record says.
  u128 staked = 0;
  for (const Contributor& c : sn.contributors) staked += c.amount.atomic();

  std::vector<uint64_t> shares(sn.contributors.size(), 0);
  uint64_t paid = 0;
  if (staked != 0) {
    for (std::size_t i = 0; i < shares.size(); ++i) {
      shares[i] = static_cast<uint64_t>(u128{rest} * sn.contributors[i].amount.atomic() / staked);
      paid += shares[i];
    }
  }
  const uint64_t to_operator = total - paid;  // fee + remainder (+ own share, added below)

  std::vector<Payout> out;
  out.reserve(shares.size() + 1);
  const bool operator_first =
      !sn.contributors.empty() && sn.contributors[0].address == sn.operator_address;
  const uint64_t op_total = to_operator + (operator_first ? shares[0] : 0);
  if (op_total != 0) out.push_back(Payout{sn.operator_address, Amount(op_total)});
  for (std::size_t i = operator_first ? 1 : 0; i < shares.size(); ++i) {
    if (shares[i] != 0) out.push_back(Payout{sn.contributors[i].address, Amount(shares[i])});
  }
  return out;
}

void end_block(RegistryView& v, const RegistryParams& p, Height h, const Hash& seed,
               std::vector<Payout>& out) {
  // Everything is read through the base's indexes plus the change map, so the cost is
  // O((changes + expiring) · log n), never a scan of every record. A base record that this
  // block changed is judged by its new value, found in the change map.
  const RegistryState& base = v.base();
  const RegistryChanges& changes = v.changes();

  // a. Expiring nodes, ascending by pubkey (the order of their payouts).
  std::vector<PubKey> expiring;
  for (const auto& [height, pk] : base.unlock_queue()) {
    if (h < height) break;
    if (!changes.contains(pk)) expiring.push_back(pk);
  }
  for (const auto& [pk, now] : changes)
    if (now && expires_at(*now, h)) expiring.push_back(pk);
  std::sort(expiring.begin(), expiring.end());
  for (const PubKey& pk : expiring) {
    const ServiceNode* sn = view_record(v, pk);
    if (sn == nullptr) continue;  // not reached: every pubkey above has a record
    for (const Contributor& c : sn->contributors)
      if (c.amount != Amount()) out.push_back(Payout{c.address, c.amount});
  }

  // b. The reward winner: the front of the base queue, passing over changed and expiring
  // records, against every changed active record that stays.
  const ServiceNode* winner = nullptr;
  for (const RewardPosition& r : base.reward_queue()) {
    if (changes.contains(r.pubkey)) continue;
    const ServiceNode* sn = base.get(r.pubkey);
    if (sn == nullptr || expires_at(*sn, h)) continue;
    winner = sn;
    break;
  }
  for (const auto& [pk, now] : changes) {
    if (now && now->is_active() && !expires_at(*now, h) &&
        (winner == nullptr || RewardPosition::of(*now) < RewardPosition::of(*winner))) {
      winner = &*now;
    }
  }
  // Copy the winner before the view changes (it may live in the change map).
  std::optional<ServiceNode> paid;
  if (winner != nullptr) paid = *winner;

  // c's input: active base nodes without a swarm that stay and did not change (changed ones
  // are found from the change map by update_swarms).
  std::vector<PubKey> unassigned_base;
  for (const PubKey& pk : base.unassigned_active()) {
    const ServiceNode* sn = base.get(pk);
    if (sn != nullptr && !changes.contains(pk) && !expires_at(*sn, h)) {
      unassigned_base.push_back(pk);
    }
  }

  // a. Expiry.
  for (const PubKey& pk : expiring) v.erase(pk);

  // b. Reward.
  if (paid) {
    std::vector<Payout> split = split_reward(*paid, p.block_reward);
    out.insert(out.end(), split.begin(), split.end());
    paid->rewards_earned = paid->rewards_earned.checked_add(p.block_reward)
                               .value_or(Amount(UINT64_MAX));
    paid->last_reward_height = h;
    paid->last_reward_index = UINT32_MAX;
    v.put(*paid);
  }

  // c. Swarms.
  update_swarms(v, p, seed, std::move(unassigned_base));
}

RegistryChanges genesis_registry(const RegistryParams& p, const std::vector<GenesisStake>& nodes,
                                 const Hash& seed) {
  return genesis_registry(p, nodes, seed, 0);
}

RegistryChanges genesis_registry(const RegistryParams& p, const std::vector<GenesisStake>& nodes,
                                 const Hash& seed, uint64_t genesis_time_ms) {
  RegistryChanges out;
  std::vector<PubKey> members;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const GenesisStake& g = nodes[i];
    if (out.contains(g.sn_pubkey)) continue;  // the loader rejects duplicates; keep the first
    ServiceNode sn;
    sn.pubkey = g.sn_pubkey;
    // An invalid point leaves the x25519 key zero; the genesis loader must reject such keys.
    sn.pubkey_x25519 = ed25519_pk_to_x25519(g.sn_pubkey).value_or(PubKey());
    sn.operator_address = g.operator_address;
    sn.fee_bps = 0;
    sn.contributors = {Contributor{g.operator_address, g.stake, g.stake}};
    sn.total_contributed = g.stake;
    sn.total_reserved = g.stake;
    sn.staking_requirement = p.staking_requirement;
    sn.registration_height = Height(0);
    sn.active_since_height = Height(0);
    sn.active_since_time_ms = genesis_time_ms;
    sn.recommission_credit = p.credit_initial_blocks;
    sn.state = NodeState::kActive;
    sn.last_reward_height = Height(0);
    sn.last_reward_index = static_cast<uint32_t>(i);
    sn.swarm_id = kUnassignedSwarm;
    members.push_back(g.sn_pubkey);
    out.emplace(g.sn_pubkey, std::move(sn));
  }
  std::sort(members.begin(), members.end());
  const SwarmTable table = assign_swarms(SwarmTable{}, std::move(members), seed, p.swarm);
  for (const auto& [id, pks] : table) {
    for (const PubKey& pk : pks) out.at(pk)->swarm_id = id;
  }
  return out;
}
}  // namespace swarmchain
