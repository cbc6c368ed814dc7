// Staking rules (registry/staking_rules.h), part 2: unlock and expiry, the reward queue and its
// exact split, swarm upkeep, genesis and the view. Part 1 is staking_rules_test.cpp.
#include "registry/staking_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "registry/swarm_assigner.h"
#include "tests/registry/staking_test_util.h"

namespace swarmchain {
namespace {

using namespace staking_test;
__extension__ typedef unsigned __int128 u128;
// ---------------------------------------------------------------------------------------------
// Unlock and expiry

TEST_F(StakingRules, ContributorUnlockThenExpiryReturnsEveryStakeExactly) {
  register_solo(1, 1, coins(40));
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), Amount(33'123'456'789), h, 0).is_ok());
    ASSERT_TRUE(apply_stake(v, p, addr(3), node_key(1), Amount(26'876'543'211), h, 1).is_ok());
  });
  ASSERT_TRUE(rec(node_key(1)).is_active());
  const Height unlock_at(next_block);
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_request_unlock(v, p, addr(3), node_key(1), h).is_ok());
    EXPECT_EQ(v.get(node_key(1))->requested_unlock_height, h + 40);
  });
  while (next_block < unlock_at.value + 40) {
    empty_block();
    ASSERT_NE(state.get(node_key(1)), nullptr) << "expired early at " << next_block - 1;
  }
  const std::vector<Payout> out = empty_block();  // height unlock_at + 40
  EXPECT_EQ(state.get(node_key(1)), nullptr);
  const std::vector<Payout> want{{addr(1), coins(40)},
                                 {addr(2), Amount(33'123'456'789)},
                                 {addr(3), Amount(26'876'543'211)}};
  EXPECT_EQ(out, want);  // no active node left, so no reward follows
}

TEST_F(StakingRules, SecondUnlockRequestIsRefused) {
  register_solo(1, 1, coins(100));
  RegistryView v(state);
  ASSERT_TRUE(apply_request_unlock(v, p, addr(1), node_key(1), Height(5)).is_ok());
  state.apply(v.take_changes());
  RegistryView v2(state);
  EXPECT_REJECTED(apply_request_unlock(v2, p, addr(1), node_key(1), Height(6)), v2,
                  RegistryError::kUnlockAlreadyRequested);
}

TEST_F(StakingRules, UnlockBySomeoneWhoIsNotAContributorIsRefused) {
  register_solo(1, 1, coins(100));
  RegistryView v(state);
  EXPECT_REJECTED(apply_request_unlock(v, p, addr(2), node_key(1), Height(5)), v,
                  RegistryError::kNotAContributor);
  EXPECT_REJECTED(apply_request_unlock(v, p, addr(1), node_key(2), Height(5)), v,
                  RegistryError::kUnknownNode);
}

TEST_F(StakingRules, AwaitingNodeMayBeUnlockedByItsOperatorOnly) {
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(
                    v, p, chain_id, addr(1),
                    make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(20)}}),
                    coins(25), h, 0)
                    .is_ok());
    ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(20), h, 1).is_ok());
    ASSERT_TRUE(apply_stake(v, p, addr(3), node_key(1), coins(10), h, 2).is_ok());
  });
  ASSERT_EQ(rec(node_key(1)).state, NodeState::kAwaiting);
  {
    RegistryView v(state);
    EXPECT_REJECTED(apply_request_unlock(v, p, addr(2), node_key(1), Height(5)), v,
                    RegistryError::kUnlockNotAllowed);
    EXPECT_REJECTED(apply_request_unlock(v, p, addr(3), node_key(1), Height(5)), v,
                    RegistryError::kUnlockNotAllowed);
  }
  const Height h(next_block);
  block([&](RegistryView& v, Height bh) {
    ASSERT_TRUE(apply_request_unlock(v, p, addr(1), node_key(1), bh).is_ok());
  });
  while (next_block <= h.value + 40) empty_block();
  EXPECT_EQ(state.get(node_key(1)), nullptr);
}

TEST_F(StakingRules, AwaitingNodeExpiryReturnsPartialStakesAndSkipsEmptySpots) {
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(
                    v, p, chain_id, addr(1),
                    make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(20)}}),
                    coins(30), h, 0)
                    .is_ok());
    ASSERT_TRUE(apply_stake(v, p, addr(3), node_key(1), coins(10), h, 1).is_ok());
    ASSERT_TRUE(apply_request_unlock(v, p, addr(1), node_key(1), h).is_ok());
  });
  std::vector<Payout> out;
  while (state.get(node_key(1)) != nullptr) out = empty_block();
  EXPECT_EQ(out, (std::vector<Payout>{{addr(1), coins(30)}, {addr(3), coins(10)}}));
}

TEST_F(StakingRules, NodeWhoseUnlockWasRequestedTakesNoMoreStakes) {
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(
                    v, p, chain_id, addr(1),
                    make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(20)}}),
                    coins(25), h, 0)
                    .is_ok());
    ASSERT_TRUE(apply_request_unlock(v, p, addr(1), node_key(1), h).is_ok());
  });
  RegistryView v(state);
  EXPECT_REJECTED(apply_stake(v, p, addr(3), node_key(1), coins(10), Height(5), 0), v,
                  RegistryError::kUnlockAlreadyRequested);
  EXPECT_REJECTED(apply_stake(v, p, addr(2), node_key(1), coins(20), Height(5), 0), v,
                  RegistryError::kUnlockAlreadyRequested);
}

TEST_F(StakingRules, AnyContributorOfADecommissionedNodeMayUnlock) {
  ServiceNode sn;
  sn.pubkey = fake_key(1);
  sn.operator_address = addr(1);
  sn.contributors = {{addr(1), coins(50), coins(50)}, {addr(2), coins(50), Amount()}};
  sn.total_contributed = sn.total_reserved = sn.staking_requirement = coins(100);
  sn.state = NodeState::kDecommissioned;
  state.apply({{sn.pubkey, sn}});
  RegistryView v(state);
  ASSERT_TRUE(apply_request_unlock(v, p, addr(2), fake_key(1), Height(5)).is_ok());
  EXPECT_EQ(v.get(fake_key(1))->requested_unlock_height, Height(45));
}

// ---------------------------------------------------------------------------------------------
// Rewards


TEST(SplitReward, FeeGoesToTheOperatorAndTheRestProRata) {
  const ServiceNode sn = synthetic_node(fake_key(1), 1'000, {coins(50), coins(30), coins(20)});
  const std::vector<Payout> out = split_reward(sn, coins(1));
  // fee 0.1; rest 0.9 split 0.45 / 0.27 / 0.18.
  const std::vector<Payout> want{{sn.contributors[0].address, Amount(550'000'000)},
                                 {sn.contributors[1].address, Amount(270'000'000)},
                                 {sn.contributors[2].address, Amount(180'000'000)}};
  EXPECT_EQ(out, want);
}

TEST(SplitReward, RemainderGoesToTheOperator) {
  // 10 atomic units, fee 0, stakes 1:1:1 -> 3, 3, 3 and the remaining 1 to the operator.
  const ServiceNode sn = synthetic_node(fake_key(2), 0, {Amount(1), Amount(1), Amount(1)});
  const std::vector<Payout> out = split_reward(sn, Amount(10));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].amount, Amount(4));
  EXPECT_EQ(out[1].amount, Amount(3));
  EXPECT_EQ(out[2].amount, Amount(3));
}

TEST(SplitReward, FullFeeLeavesContributorsNothingAndSkipsZeroEntries) {
  const ServiceNode sn = synthetic_node(fake_key(3), 10'000, {coins(25), coins(75)});
  EXPECT_EQ(split_reward(sn, coins(1)),
            (std::vector<Payout>{{sn.operator_address, coins(1)}}));
  EXPECT_TRUE(split_reward(sn, Amount()).empty());
}

TEST(SplitReward, SumIsExactlyTheRewardOverRandomFeesAndAmounts) {
  std::mt19937_64 rng(20240611);
  for (int iter = 0; iter < 5'000; ++iter) {
    const auto fee = static_cast<uint16_t>(rng() % 10'001);
    const std::size_t n = 1 + rng() % 10;
    std::vector<Amount> amounts;
    for (std::size_t i = 0; i < n; ++i) {
      // Mix of tiny and huge stakes, to exercise rounding and 128-bit products.
      amounts.push_back(Amount(iter % 3 == 0 ? 1 + rng() % 1000 : 1 + rng() % (UINT64_MAX / 16)));
    }
    const ServiceNode sn = synthetic_node(fake_key(static_cast<uint64_t>(iter)), fee, amounts);
    const Amount reward(iter % 2 == 0 ? rng() % 10'000 : rng());
    const std::vector<Payout> out = split_reward(sn, reward);
    u128 sum = 0;
    for (const Payout& pay : out) {
      EXPECT_NE(pay.amount, Amount());
      sum += pay.amount.atomic();
    }
    ASSERT_EQ(static_cast<uint64_t>(sum), reward.atomic()) << "iteration " << iter;
    ASSERT_EQ(sum >> 64, 0u);
    ASSERT_LE(out.size(), n);
    if (!out.empty() && out[0].address != sn.operator_address) {
      // The operator only lacks an entry when its whole share is zero.
      const auto fee_part = static_cast<uint64_t>(
          static_cast<u128>(reward.atomic()) * fee / 10'000);
      EXPECT_EQ(fee_part, 0u);
    }
    // Contributor order is kept.
    std::size_t pos = 0;
    for (const Payout& pay : out) {
      while (pos < sn.contributors.size() && sn.contributors[pos].address != pay.address) ++pos;
      ASSERT_LT(pos, sn.contributors.size()) << "payout out of contributor order";
    }
  }
}

TEST_F(StakingRules, RewardGoesToTheLongestWaitingActiveNodeAndRotates) {
  // Block 1: nodes 1..3 activate at (1, 0), (1, 1), (1, 2); node 4 only awaits funding.
  block([&](RegistryView& v, Height h) {
    for (uint64_t i = 1; i <= 3; ++i) {
      ASSERT_TRUE(apply_registration(v, p, chain_id, addr(i), solo_reg(i, i, coins(100)),
                                     coins(100), h, static_cast<uint32_t>(i - 1))
                      .is_ok());
    }
    ASSERT_TRUE(apply_registration(v, p, chain_id, addr(4), solo_reg(4, 4), coins(25), h, 3)
                    .is_ok());
  });
  // Block 1 paid node 1, whose position became (1, 2^32-1).
  EXPECT_EQ(rec(node_key(1)).last_reward_height, Height(1));
  EXPECT_EQ(rec(node_key(1)).last_reward_index, UINT32_MAX);
  EXPECT_EQ(rec(node_key(1)).rewards_earned, coins(1));
  for (uint64_t who : {2, 3, 1, 2, 3, 1}) {
    const Height h(next_block);
    const std::vector<Payout> out = empty_block();
    ASSERT_EQ(out, (std::vector<Payout>{{addr(who), coins(1)}})) << "height " << h.value;
    EXPECT_EQ(rec(node_key(who)).last_reward_height, h);
    EXPECT_EQ(rec(node_key(who)).last_reward_index, UINT32_MAX);
  }
  EXPECT_EQ(rec(node_key(1)).rewards_earned, coins(3));
  EXPECT_EQ(rec(node_key(2)).rewards_earned, coins(2));
  EXPECT_EQ(rec(node_key(4)).rewards_earned, Amount());
}

TEST_F(StakingRules, RewardQueueOrdersByHeightThenTxIndexThenPubkey) {
  RegistryChanges init;
  auto put = [&](uint64_t i, uint64_t height, uint32_t index) {
    ServiceNode sn = synthetic_node(fake_key(i), 0, {coins(100)});
    sn.last_reward_height = Height(height);
    sn.last_reward_index = index;
    init[sn.pubkey] = sn;
  };
  put(1, 5, 7);
  put(2, 5, 3);
  put(3, 4, UINT32_MAX);
  put(4, 5, 3);  // ties with 2: pubkey decides
  put(5, 6, 0);
  state.apply(init);
  std::vector<PubKey> tied{fake_key(2), fake_key(4)};
  std::sort(tied.begin(), tied.end());
  const std::vector<PubKey> want{fake_key(3), tied[0], tied[1], fake_key(1), fake_key(5)};
  next_block = 10;
  for (const PubKey& pk : want) {
    empty_block();
    EXPECT_EQ(rec(pk).rewards_earned, coins(1));
  }
}

TEST_F(StakingRules, NodeThatBecameActiveThisBlockJoinsTheBackOfTheQueue) {
  register_solo(1, 1, coins(100));  // block 1, paid at 1
  next_block = 5;
  const std::vector<Payout> out = block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(v, p, chain_id, addr(2), solo_reg(2, 2, coins(100)),
                                   coins(100), h, 0)
                    .is_ok());
  });
  // Node 1 sits at (1, max), node 2 at (5, 0): node 1 is paid.
  EXPECT_EQ(out, (std::vector<Payout>{{addr(1), coins(1)}}));
}

TEST_F(StakingRules, NoActiveNodeMeansNoReward) {
  register_solo(1, 1, coins(25));
  EXPECT_TRUE(empty_block().empty());
  RegistryView v(state);
  std::vector<Payout> out;
  end_block(v, p, Height(50), block_seed(50), out);
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(v.changes().empty());
}

TEST_F(StakingRules, ExpiringNodeIsNotPaidAndStakesComeBeforeTheReward) {
  register_solo(1, 1, coins(100));  // block 1: node 1 paid, now (1, max)
  register_solo(2, 2, coins(100));  // block 2: node 2 joins at (2, 0); node 1 paid, (2, max)
  ASSERT_TRUE(waits_less_for_test(rec(node_key(2)), rec(node_key(1))));
  // Node 2 is next in line, but it expires in that very block.
  RegistryView v(state);
  ASSERT_TRUE(apply_request_unlock(v, p, addr(2), node_key(2), Height(3)).is_ok());
  state.apply(v.take_changes());
  next_block = 43;
  const std::vector<Payout> out = empty_block();
  EXPECT_EQ(state.get(node_key(2)), nullptr);
  EXPECT_EQ(out, (std::vector<Payout>{{addr(2), coins(100)}, {addr(1), coins(1)}}));
}

// ---------------------------------------------------------------------------------------------
// Swarms

TEST_F(StakingRules, SwarmsAreAssignedWhenNodesActivateAndLeaversRemovedOnExpiry) {
  // Block 1: 6 nodes activate together -> one swarm.
  const Height h1(next_block);
  const std::vector<PubKey> first = activate_in_one_block(1, 6);
  const SwarmTable t1 = assign_swarms({}, first, block_seed(h1.value), p.swarm);
  EXPECT_EQ(state.swarms(), t1);
  for (const auto& [id, members] : t1) {
    for (const PubKey& pk : members) EXPECT_EQ(rec(pk).swarm_id, id);
  }

  // Block 2: 14 more -> the table grows and splits exactly as assign_swarms says.
  const SwarmTable before2 = state.swarms();
  const Height h2(next_block);
  const std::vector<PubKey> second = activate_in_one_block(7, 20);
  const SwarmTable t2 = assign_swarms(before2, second, block_seed(h2.value), p.swarm);
  EXPECT_EQ(state.swarms(), t2);
  EXPECT_GE(t2.size(), 2u);
  std::size_t members_total = 0;
  for (const auto& [id, members] : t2) {
    EXPECT_GE(members.size(), p.swarm.min_swarm_size);
    members_total += members.size();
    for (const PubKey& pk : members) EXPECT_EQ(rec(pk).swarm_id, id);
  }
  EXPECT_EQ(members_total, 20u);

  // A block with no change in the active set touches only the reward winner.
  {
    RegistryView v(state);
    std::vector<Payout> out;
    end_block(v, p, Height(next_block), block_seed(next_block), out);
    EXPECT_EQ(v.changes().size(), 1u);
  }

  // Nodes 1..4 request unlock; 40 blocks later they leave their swarms.
  const Height hu(next_block);
  block([&](RegistryView& v, Height h) {
    for (uint64_t i = 1; i <= 4; ++i)
      ASSERT_TRUE(apply_request_unlock(v, p, addr(i), node_key(i), h).is_ok());
  });
  while (next_block < hu.value + 40) empty_block();
  const SwarmTable before3 = state.swarms();
  const Height h3(next_block);
  empty_block();
  std::vector<PubKey> leavers;
  for (uint64_t i = 1; i <= 4; ++i) leavers.push_back(node_key(i));
  const SwarmTable t3 =
      assign_swarms(remove_from_swarms(before3, leavers), {}, block_seed(h3.value), p.swarm);
  EXPECT_EQ(state.swarms(), t3);
  for (uint64_t i = 1; i <= 4; ++i) EXPECT_EQ(state.get(node_key(i)), nullptr);
  std::size_t remaining = 0;
  for (const auto& [id, members] : t3) {
    EXPECT_GE(members.size(), p.swarm.min_swarm_size);
    remaining += members.size();
    for (const PubKey& pk : members) EXPECT_EQ(rec(pk).swarm_id, id);
  }
  EXPECT_EQ(remaining, 16u);
}

TEST_F(StakingRules, NodeThatStopsBeingActiveLosesItsSwarmId) {
  RegistryChanges init;
  for (uint64_t i = 1; i <= 6; ++i) {
    ServiceNode sn = synthetic_node(fake_key(i), 0, {coins(100)});
    sn.swarm_id = 0;
    init[sn.pubkey] = sn;
  }
  state.apply(init);
  ASSERT_EQ(state.swarms().at(0).size(), 6u);
  RegistryView v(state);
  ServiceNode down = *v.get(fake_key(3));
  down.state = NodeState::kDecommissioned;  // as a future state_change would
  v.put(down);
  std::vector<Payout> out;
  end_block(v, p, Height(7), block_seed(7), out);
  EXPECT_EQ(v.get(fake_key(3))->swarm_id, kUnassignedSwarm);
  state.apply(v.take_changes());
  EXPECT_EQ(state.swarms().at(0).size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Genesis, view, names

TEST_F(StakingRules, GenesisRegistryMakesEveryNodeActiveInListOrder) {
  std::vector<GenesisStake> nodes;
  for (uint64_t i = 1; i <= 8; ++i) nodes.push_back({node_key(i), addr(i), coins(100 + i)});
  const Hash seed = chain_id;
  const RegistryChanges g = genesis_registry(p, nodes, seed);
  ASSERT_EQ(g.size(), 8u);
  std::vector<PubKey> sorted;
  for (const GenesisStake& n : nodes) sorted.push_back(n.sn_pubkey);
  std::sort(sorted.begin(), sorted.end());
  const SwarmTable table = assign_swarms({}, sorted, seed, p.swarm);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const ServiceNode& sn = *g.at(nodes[i].sn_pubkey);
    EXPECT_EQ(sn.state, NodeState::kActive);
    EXPECT_EQ(sn.fee_bps, 0);
    EXPECT_EQ(sn.operator_address, nodes[i].operator_address);
    ASSERT_EQ(sn.contributors.size(), 1u);
    EXPECT_EQ(sn.contributors[0].address, nodes[i].operator_address);
    EXPECT_EQ(sn.contributors[0].amount, nodes[i].stake);
    EXPECT_EQ(sn.total_contributed, nodes[i].stake);
    EXPECT_EQ(sn.staking_requirement, p.staking_requirement);
    EXPECT_EQ(sn.pubkey_x25519, *ed25519_pk_to_x25519(nodes[i].sn_pubkey));
    EXPECT_EQ(sn.last_reward_height, Height(0));
    EXPECT_EQ(sn.last_reward_index, i);
    EXPECT_NE(sn.swarm_id, kUnassignedSwarm);
  }
  state.apply(g);
  EXPECT_EQ(state.swarms(), table);
  // The first block pays the first genesis node.
  EXPECT_EQ(empty_block(), (std::vector<Payout>{{addr(1), coins(1)}}));
}

TEST_F(StakingRules, ViewReadsThroughTheBaseAndListsEverythingInOrder) {
  RegistryChanges init;
  for (uint64_t i = 1; i <= 5; ++i) init[fake_key(i)] = synthetic_node(fake_key(i), 0, {coins(1)});
  state.apply(init);
  RegistryView v(state);
  EXPECT_TRUE(v.get(fake_key(1)));
  EXPECT_FALSE(v.get(fake_key(6)));
  v.erase(fake_key(2));
  v.put(synthetic_node(fake_key(6), 0, {coins(2)}));
  ServiceNode changed = *v.get(fake_key(3));
  changed.fee_bps = 77;
  v.put(changed);
  EXPECT_FALSE(v.get(fake_key(2)));
  EXPECT_TRUE(v.get(fake_key(6)));
  EXPECT_EQ(v.get(fake_key(3))->fee_bps, 77);
  const std::vector<ServiceNode> all = v.all();
  std::vector<PubKey> want{fake_key(1), fake_key(3), fake_key(4), fake_key(5), fake_key(6)};
  std::sort(want.begin(), want.end());
  ASSERT_EQ(all.size(), want.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].pubkey, want[i]);
  for (const ServiceNode& sn : all) {
    if (sn.pubkey == fake_key(3)) {
      EXPECT_EQ(sn.fee_bps, 77);
    }
  }
  EXPECT_EQ(state.get(fake_key(3))->fee_bps, 0) << "the base must not change";
}

TEST(RegistryErrorName, EveryReasonHasADistinctSnakeCaseName) {
  std::set<std::string> names;
  for (int c = static_cast<int>(RegistryError::kAlreadyRegistered);
       c <= static_cast<int>(RegistryError::kZeroAmount); ++c) {
    const std::string name = registry_error_name(static_cast<RegistryError>(c));
    EXPECT_TRUE(names.insert(name).second) << name;
    for (char ch : name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '_') << name;
  }
  EXPECT_EQ(names.size(), 19u);
  EXPECT_STREQ(registry_error_name(RegistryError::kOk), "ok");
  EXPECT_STREQ(registry_error_name(RegistryError::kMustFillReservedSpot),
               "must_fill_reserved_spot");
}

}  // namespace
}  // namespace swarmchain
