#include "chain/block_stats.h"

#include <map>

namespace swarmchain {

void BlockStats::encode(Writer& w) const {
  w.u64(time_ms);
  w.varint(tx_count);
  w.varint(active);
  w.varint(decommissioned);
  w.varint(awaiting);
  w.varint(swarms);
  w.amount(rewards_paid);
}

BlockStats BlockStats::decode(Reader& r) {
  BlockStats s;
  s.time_ms = r.u64();
  s.tx_count = r.varint();
  s.active = r.varint();
  s.decommissioned = r.varint();
  s.awaiting = r.varint();
  s.swarms = r.varint();
  s.rewards_paid = r.amount();
  return s;
}

BlockStats registry_stats(const RegistryState& registry, uint64_t time_ms) {
  BlockStats s;
  s.time_ms = time_ms;
  s.active = registry.count_in(NodeState::kActive);
  s.decommissioned = registry.count_in(NodeState::kDecommissioned);
  s.awaiting = registry.count_in(NodeState::kAwaiting);
  s.swarms = registry.swarms().size();
  return s;
}

namespace {

// As RegistryState indexes swarms: an active node with a swarm id is its swarm's member.
bool in_swarm(const ServiceNode& sn) { return sn.is_active() && sn.swarm_id != kUnassignedSwarm; }

}  // namespace

BlockStats block_stats_after(const RegistryState& before, const RegistryChanges& changes,
                             uint64_t time_ms, uint64_t tx_count,
                             const std::vector<AccountEvent>& events) {
  BlockStats s = registry_stats(before, time_ms);
  s.tx_count = tx_count;
  // Counts move by what each changed record was and becomes; a swarm appears or disappears
  // when its membership crosses zero.
  int64_t by_state[4] = {0, 0, 0, 0};
  std::map<SwarmId, int64_t> members;
  for (const auto& [pk, now] : changes) {
    if (const ServiceNode* was = before.get(pk)) {
      --by_state[static_cast<std::size_t>(was->state)];
      if (in_swarm(*was)) --members[was->swarm_id];
    }
    if (now) {
      ++by_state[static_cast<std::size_t>(now->state)];
      if (in_swarm(*now)) ++members[now->swarm_id];
    }
  }
  const auto moved = [](uint64_t count, int64_t delta) {
    return static_cast<uint64_t>(static_cast<int64_t>(count) + delta);
  };
  s.active = moved(s.active, by_state[static_cast<std::size_t>(NodeState::kActive)]);
  s.decommissioned =
      moved(s.decommissioned, by_state[static_cast<std::size_t>(NodeState::kDecommissioned)]);
  s.awaiting = moved(s.awaiting, by_state[static_cast<std::size_t>(NodeState::kAwaiting)]);
  for (const auto& [id, delta] : members) {
    if (delta == 0) continue;
    const auto it = before.swarms().find(id);
    const int64_t was = it == before.swarms().end() ? 0 : static_cast<int64_t>(it->second.size());
    const int64_t now = was + delta;
    if (was == 0 && now > 0) ++s.swarms;
    if (was > 0 && now == 0) --s.swarms;
  }
  uint64_t rewards = 0;
  for (const AccountEvent& e : events)
    if (e.kind == AccountEventKind::kReward) rewards += e.amount.atomic();
  s.rewards_paid = Amount(rewards);
  return s;
}

}  // namespace swarmchain
