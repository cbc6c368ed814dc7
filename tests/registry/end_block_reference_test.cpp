// end_block reads the base through its indexes (reward queue, unlock queue, unassigned active
// nodes) and runs the swarm assignment on the base table copy-on-write. This test checks it
// against the rules written the plain way: a scan of every record of the view and a full copy
// of the swarm table through assign_swarms(remove_from_swarms(...)). Random blocks of
// registrations, stakes, unlocks and in-place record changes run through both; payouts, every
// record and registry_root must agree, and after every block the state's indexes must equal a
// rebuild from scratch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

#include "registry/registry_state.h"
#include "registry/staking_rules.h"
#include "registry/swarm_assigner.h"
#include "tests/registry/staking_test_util.h"

namespace swarmchain {
namespace {

using namespace staking_test;

bool expires(const ServiceNode& sn, Height h) {
  return sn.requested_unlock_height != Height() && sn.requested_unlock_height <= h;
}

// staking_rules.h steps 2a–2c as a scan of every record.
void reference_end_block(RegistryView& v, const RegistryParams& p, Height h, const Hash& seed,
                         std::vector<Payout>& out) {
  const std::vector<ServiceNode> all = v.all();
  std::vector<PubKey> expiring;
  std::optional<ServiceNode> winner;
  for (const ServiceNode& sn : all) {
    if (expires(sn, h)) {
      expiring.push_back(sn.pubkey);
      for (const Contributor& c : sn.contributors)
        if (c.amount != Amount()) out.push_back({c.address, c.amount});
      continue;
    }
    if (sn.is_active() && (!winner || waits_less_for_test(sn, *winner))) winner = sn;
  }
  for (const PubKey& pk : expiring) v.erase(pk);
  if (winner) {
    for (const Payout& pay : split_reward(*winner, p.block_reward)) out.push_back(pay);
    winner->rewards_earned = add(winner->rewards_earned, p.block_reward);
    winner->last_reward_height = h;
    winner->last_reward_index = UINT32_MAX;
    v.put(*winner);
  }

  // Swarms, only when the active set changed.
  const RegistryState& base = v.base();
  bool changed = false;
  std::vector<PubKey> leavers;
  for (const auto& [pk, now] : v.changes()) {
    const ServiceNode* was = base.get(pk);
    const bool was_active = was != nullptr && was->is_active();
    const bool is_active = now && now->is_active();
    changed = changed || was_active != is_active;
    if (was_active && was->swarm_id != kUnassignedSwarm &&
        (!is_active || now->swarm_id != was->swarm_id))
      leavers.push_back(pk);
  }
  if (!changed) return;
  const SwarmTable kept = remove_from_swarms(base.swarms(), leavers);
  std::vector<PubKey> unassigned;
  for (const ServiceNode& sn : v.all()) {
    if (!sn.is_active()) continue;
    auto s = kept.find(sn.swarm_id);
    if (s == kept.end() || !std::binary_search(s->second.begin(), s->second.end(), sn.pubkey))
      unassigned.push_back(sn.pubkey);
  }
  const SwarmTable after = assign_swarms(kept, unassigned, seed, p.swarm);
  std::map<PubKey, SwarmId> swarm_of;
  for (const auto& [id, members] : after)
    for (const PubKey& pk : members) swarm_of[pk] = id;
  for (ServiceNode sn : v.all()) {
    const SwarmId want = sn.is_active() ? swarm_of.at(sn.pubkey) : kUnassignedSwarm;
    if (sn.swarm_id != want) {
      sn.swarm_id = want;
      v.put(sn);
    }
  }
}

// The state's indexes and root equal those of a state loaded from the same records.
void expect_indexes_match_a_rebuild(const RegistryState& state) {
  RegistryState rebuilt;
  state.for_each([&](const ServiceNode& sn) { rebuilt.load(sn); });
  rebuilt.rebuild();
  EXPECT_EQ(state.root(), rebuilt.root());
  EXPECT_EQ(state.size(), rebuilt.size());
  EXPECT_EQ(state.reward_queue(), rebuilt.reward_queue());
  EXPECT_EQ(state.unlock_queue(), rebuilt.unlock_queue());
  EXPECT_EQ(state.unassigned_active(), rebuilt.unassigned_active());
  EXPECT_EQ(state.swarms(), rebuilt.swarms());
}

struct Run {
  uint64_t seed;
  uint64_t unlock_delay;  // 0: an unlock expires in the block that requests it
};

class EndBlockReference : public StakingRules, public ::testing::WithParamInterface<Run> {};

TEST_P(EndBlockReference, IndexedEndBlockMatchesTheScanOverRandomBlocks) {
  p.unlock_delay_blocks = GetParam().unlock_delay;
  std::mt19937_64 rng(GetParam().seed);
  auto pick = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng); };

  std::vector<GenesisStake> genesis;
  for (uint64_t i = 0; i < 30; ++i) genesis.push_back({node_key(i), addr(i % 7), coins(100)});
  state.apply(genesis_registry(p, genesis, chain_id));

  uint64_t next_node = 1000;
  int activations = 0, expiries = 0, swarm_moves = 0, txs = 0;
  for (uint64_t height = 1; height <= 250; ++height) {
    const Height h(height);
    std::vector<ServiceNode> records;
    state.for_each([&](const ServiceNode& sn) { records.push_back(sn); });
    RegistryView v(state);
    const uint64_t ops = pick(6);
    for (uint32_t i = 0; i < ops; ++i) {
      const uint64_t kind = pick(10);
      Status s = Status::ok();
      if (kind < 4 || records.empty()) {  // a registration, sometimes fully funded
        const uint64_t op = pick(20);
        const Amount amount = pick(3) == 0 ? coins(100) : coins(25 + pick(50));
        s = apply_registration(v, p, chain_id, addr(op), solo_reg(next_node++, op), amount, h, i);
      } else if (kind < 7) {  // a stake on some node, often completing it
        const ServiceNode& sn = records[pick(records.size())];
        const PubKey staker = addr(20 + pick(30));
        const Expected<StakeLimits> lim = stake_limits(p, sn, staker);
        const Amount amount = !lim ? coins(1) : pick(2) == 0 ? lim->max : lim->min;
        s = apply_stake(v, p, staker, sn.pubkey, amount, h, i);
      } else if (kind < 9) {  // an unlock by the operator
        const ServiceNode& sn = records[pick(records.size())];
        s = apply_request_unlock(v, p, sn.operator_address, sn.pubkey, h);
      } else {  // a record changed in place (as a fee change or a decommission would): the
                // indexed reads must take its new value, also when it expires or is due a reward
        // Half the time a node with an unlock pending: it may expire in this very block.
        std::vector<PubKey> unlocking;
        for (const ServiceNode& r : records)
          if (r.requested_unlock_height != Height()) unlocking.push_back(r.pubkey);
        std::optional<ServiceNode> sn =
            v.get(!unlocking.empty() && pick(2) == 0 ? unlocking[pick(unlocking.size())]
                                                     : records[pick(records.size())].pubkey);
        if (sn) {
          sn->fee_bps = static_cast<uint16_t>(pick(10'000));
          v.put(*sn);
        }
      }
      txs += s.is_ok() ? 1 : 0;
    }

    RegistryView ref = v;
    std::vector<Payout> got, want;
    end_block(v, p, h, block_seed(height), got);
    reference_end_block(ref, p, h, block_seed(height), want);
    ASSERT_EQ(got, want) << "payouts differ at height " << height;
    ASSERT_EQ(v.all(), ref.all()) << "records differ at height " << height;
    ASSERT_EQ(state.root_with(v.changes()), state.root_with(ref.changes()));

    for (const auto& [pk, now] : v.changes()) {
      const ServiceNode* was = state.get(pk);
      if (!now) ++expiries;
      if (now && now->is_active() && (was == nullptr || !was->is_active())) ++activations;
      if (now && was != nullptr && now->swarm_id != was->swarm_id) ++swarm_moves;
    }
    state.apply(v.take_changes());
    expect_indexes_match_a_rebuild(state);
    if (HasFatalFailure()) return;
  }
  // The run must have exercised what it claims to check.
  EXPECT_GT(txs, 150);
  EXPECT_GT(activations, 40);
  EXPECT_GT(expiries, 20);
  EXPECT_GT(swarm_moves, 40);
}

INSTANTIATE_TEST_SUITE_P(Runs, EndBlockReference,
                         ::testing::Values(Run{1, 3}, Run{2, 0}, Run{3, 1}, Run{4, 40}));

}  // namespace
}  // namespace swarmchain
