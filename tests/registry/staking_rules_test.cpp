// Staking rules (registry/staking_rules.h), part 1: registration and stakes, every rule and
// every rejection (a rejected call leaves the view unchanged). Part 2 (unlock, expiry, rewards,
// swarms, genesis) is staking_lifecycle_test.cpp; the set-up is staking_test_util.h.
#include "registry/staking_rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "tests/registry/staking_test_util.h"

namespace swarmchain {
namespace {

using namespace staking_test;

// ---------------------------------------------------------------------------------------------
// Registration

TEST_F(StakingRules, RegistrationBelowRequirementCreatesAnAwaitingRecord) {
  RegistryView v(state);
  const Registration r = make_reg(1, addr(1), 500, {{addr(1), coins(30)}, {addr(2), coins(20)}});
  ASSERT_TRUE(apply_registration(v, p, chain_id, addr(1), r, coins(40), Height(7), 3).is_ok());
  const std::optional<ServiceNode> sn = v.get(node_key(1));
  ASSERT_TRUE(sn);
  EXPECT_EQ(sn->pubkey, node_key(1));
  EXPECT_EQ(sn->pubkey_x25519, *ed25519_pk_to_x25519(node_key(1)));
  EXPECT_EQ(sn->operator_address, addr(1));
  EXPECT_EQ(sn->fee_bps, 500);
  ASSERT_EQ(sn->contributors.size(), 2u);
  EXPECT_EQ(sn->contributors[0], (Contributor{addr(1), coins(40), coins(30)}));
  EXPECT_EQ(sn->contributors[1], (Contributor{addr(2), Amount(), coins(20)}));
  EXPECT_EQ(sn->total_contributed, coins(40));
  EXPECT_EQ(sn->total_reserved, coins(60));  // max(30, 40) + max(20, 0)
  EXPECT_EQ(sn->staking_requirement, coins(100));
  EXPECT_EQ(sn->registration_height, Height(7));
  EXPECT_EQ(sn->state, NodeState::kAwaiting);
  EXPECT_EQ(sn->active_since_height, Height());
  EXPECT_EQ(sn->requested_unlock_height, Height());
  EXPECT_EQ(sn->swarm_id, kUnassignedSwarm);
  EXPECT_EQ(sn->rewards_earned, Amount());
}

TEST_F(StakingRules, OperatorStakingTheWholeRequirementIsActiveAtOnce) {
  RegistryView v(state);
  const Registration r = solo_reg(1, 1, coins(100));
  ASSERT_TRUE(apply_registration(v, p, chain_id, addr(1), r, coins(100), Height(9), 4).is_ok());
  const ServiceNode sn = *v.get(node_key(1));
  EXPECT_EQ(sn.state, NodeState::kActive);
  EXPECT_EQ(sn.active_since_height, Height(9));
  EXPECT_EQ(sn.last_reward_height, Height(9));
  EXPECT_EQ(sn.last_reward_index, 4u);
  EXPECT_EQ(sn.swarm_id, kUnassignedSwarm);
}

TEST_F(StakingRules, OperatorMayStakeMoreThanItsReservedSpot) {
  RegistryView v(state);
  const Registration r = solo_reg(1, 1, coins(25));
  ASSERT_TRUE(apply_registration(v, p, chain_id, addr(1), r, coins(60), Height(1), 0).is_ok());
  EXPECT_EQ(v.get(node_key(1))->total_contributed, coins(60));
  EXPECT_EQ(v.get(node_key(1))->total_reserved, coins(60));
}

TEST_F(StakingRules, RegistrationSentByAnotherAddressIsRefused) {
  RegistryView v(state);
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(2), solo_reg(1, 1), coins(25),
                                     Height(1), 0),
                  v, RegistryError::kNotTheOperator);
}

TEST_F(StakingRules, RegistrationWhoseFirstSpotIsNotTheOperatorIsRefused) {
  RegistryView v(state);
  const Registration r = make_reg(1, addr(1), 0, {{addr(2), coins(25)}, {addr(1), coins(25)}});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(1), 0), v,
                  RegistryError::kNotTheOperator);
  const Registration empty = make_reg(1, addr(1), 0, {});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), empty, coins(25), Height(1), 0), v,
                  RegistryError::kNotTheOperator);
}

TEST_F(StakingRules, FeeAboveTenThousandBasisPointsIsRefused) {
  RegistryView v(state);
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), solo_reg(1, 1, coins(25), 10'001),
                                     coins(25), Height(1), 0),
                  v, RegistryError::kBadFee);
  EXPECT_TRUE(apply_registration(v, p, chain_id, addr(1), solo_reg(1, 1, coins(25), 10'000),
                                 coins(25), Height(1), 0)
                  .is_ok());
}

TEST_F(StakingRules, MoreReservedSpotsThanContributorsIsRefused) {
  RegistryView v(state);
  std::vector<ReservedSpot> spots{{addr(1), coins(25)}};
  for (uint64_t i = 2; i <= 11; ++i) spots.push_back({addr(i), coins(7)});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), make_reg(1, addr(1), 0, spots),
                                     coins(25), Height(1), 0),
                  v, RegistryError::kTooManyContributors);
}

TEST_F(StakingRules, DuplicateReservedAddressIsRefused) {
  RegistryView v(state);
  const Registration r = make_reg(
      1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(10)}, {addr(2), coins(10)}});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(1), 0), v,
                  RegistryError::kDuplicateContributor);
  const Registration op_twice =
      make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(1), coins(10)}});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), op_twice, coins(25), Height(1), 0),
                  v, RegistryError::kDuplicateContributor);
}

TEST_F(StakingRules, OperatorReservedSpotBelowTheOperatorMinimumIsRefused) {
  RegistryView v(state);
  const Registration r = solo_reg(1, 1, sub(coins(25), Amount(1)));
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(30), Height(1), 0), v,
                  RegistryError::kOperatorStakeTooLow);
}

TEST_F(StakingRules, OperatorStakeShortOfItsReservedSpotIsRefused) {
  RegistryView v(state);
  const Registration r = solo_reg(1, 1, coins(40));
  EXPECT_REJECTED(
      apply_registration(v, p, chain_id, addr(1), r, sub(coins(40), Amount(1)), Height(1), 0), v,
      RegistryError::kOperatorStakeTooLow);
}

TEST_F(StakingRules, ZeroOperatorStakeIsRefused) {
  RegistryView v(state);
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), solo_reg(1, 1), Amount(), Height(1),
                                     0),
                  v, RegistryError::kZeroAmount);
}

TEST_F(StakingRules, OperatorStakeAboveWhatOthersLeaveIsRefused) {
  RegistryView v(state);
  const Registration r = make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(30)}});
  EXPECT_REJECTED(
      apply_registration(v, p, chain_id, addr(1), r, add(coins(70), Amount(1)), Height(1), 0), v,
      RegistryError::kAboveMaxContribution);
  EXPECT_TRUE(apply_registration(v, p, chain_id, addr(1), r, coins(70), Height(1), 0).is_ok());
}

TEST_F(StakingRules, ReservedSpotBelowTheMinimumAtItsPositionIsRefused) {
  // Spot 2's minimum is (100 − 25) / 9 = 8.333333333 coins.
  RegistryView v(state);
  const Registration r =
      make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), Amount(8'333'333'332)}});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(1), 0), v,
                  RegistryError::kReservedBelowMinimum);
  const Registration ok =
      make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), Amount(8'333'333'333)}});
  EXPECT_TRUE(apply_registration(v, p, chain_id, addr(1), ok, coins(25), Height(1), 0).is_ok());
}

TEST_F(StakingRules, ReservedSpotsAboveTheRequirementAreRefused) {
  RegistryView v(state);
  const Registration r = make_reg(1, addr(1), 0, {{addr(1), coins(60)}, {addr(2), coins(41)}});
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(60), Height(1), 0), v,
                  RegistryError::kReservedOverRequirement);
  const Registration op_over = solo_reg(1, 1, coins(101));
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), op_over, coins(101), Height(1), 0),
                  v, RegistryError::kReservedOverRequirement);
}

TEST_F(StakingRules, RegistrationPastItsExpiryHeightIsRefused) {
  RegistryView v(state);
  const Registration r = make_reg(1, addr(1), 0, {{addr(1), coins(25)}}, Height(50));
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(51), 0), v,
                  RegistryError::kRegistrationExpired);
  EXPECT_TRUE(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(50), 0).is_ok());
}

TEST_F(StakingRules, SecondRegistrationOfTheSameNodeIsRefused) {
  RegistryView v(state);
  ASSERT_TRUE(
      apply_registration(v, p, chain_id, addr(1), solo_reg(1, 1), coins(25), Height(1), 0).is_ok());
  const RegistryChanges before = v.changes();
  const Status st =
      apply_registration(v, p, chain_id, addr(2), solo_reg(1, 2), coins(25), Height(1), 1);
  EXPECT_EQ(st.code_as<RegistryError>(), RegistryError::kAlreadyRegistered) << st.message();
  EXPECT_EQ(v.changes(), before);
  // Also against a committed record.
  state.apply(v.take_changes());
  RegistryView v2(state);
  EXPECT_REJECTED(
      apply_registration(v2, p, chain_id, addr(2), solo_reg(1, 2), coins(25), Height(2), 0), v2,
      RegistryError::kAlreadyRegistered);
}

TEST_F(StakingRules, RegistrationWithABadNodeSignatureIsRefused) {
  RegistryView v(state);
  Registration r = solo_reg(1, 1);
  r.fee_bps = 100;  // changed after signing
  EXPECT_REJECTED(apply_registration(v, p, chain_id, addr(1), r, coins(25), Height(1), 0), v,
                  RegistryError::kBadRegistrationSignature);
  Registration other_chain = solo_reg(1, 1);
  other_chain.sign(key("node", 1), hash_tagged("swarmchain/test/other-chain", ByteView{}));
  EXPECT_REJECTED(
      apply_registration(v, p, chain_id, addr(1), other_chain, coins(25), Height(1), 0), v,
      RegistryError::kBadRegistrationSignature);
  Registration wrong_key = solo_reg(1, 1);
  wrong_key.sign(key("node", 2), chain_id);
  EXPECT_REJECTED(
      apply_registration(v, p, chain_id, addr(1), wrong_key, coins(25), Height(1), 0), v,
      RegistryError::kBadRegistrationSignature);
}

// ---------------------------------------------------------------------------------------------
// Stakes

class Stakes : public StakingRules {
 protected:
  // Node 1, operator addr(1) staking 25 coins, open spots only.
  void SetUp() override { register_solo(1, 1, coins(25)); }
};

TEST_F(Stakes, ZeroStakeIsRefused) {
  RegistryView v(state);
  EXPECT_REJECTED(apply_stake(v, p, addr(2), node_key(1), Amount(), Height(5), 0), v,
                  RegistryError::kZeroAmount);
}

TEST_F(Stakes, StakeOnAnUnknownNodeIsRefused) {
  RegistryView v(state);
  EXPECT_REJECTED(apply_stake(v, p, addr(2), node_key(99), coins(10), Height(5), 0), v,
                  RegistryError::kUnknownNode);
}

TEST_F(Stakes, StakeBelowTheMinimumIsRefusedWithAReadableMessage) {
  RegistryView v(state);
  const Status st = apply_stake(v, p, addr(2), node_key(1), coins(8), Height(5), 0);
  EXPECT_EQ(st.code_as<RegistryError>(), RegistryError::kBelowMinContribution);
  EXPECT_EQ(st.message(), "stake 8 is below the minimum 8.333333333 for contributor 2 of 10");
  EXPECT_TRUE(v.changes().empty());
}

TEST_F(Stakes, StakeAboveWhatIsLeftUnfundedIsRefused) {
  RegistryView v(state);
  const Status st = apply_stake(v, p, addr(2), node_key(1), add(coins(75), Amount(1)), Height(5), 0);
  EXPECT_EQ(st.code_as<RegistryError>(), RegistryError::kAboveMaxContribution) << st.message();
  EXPECT_NE(st.message().find("above the maximum 75"), std::string::npos) << st.message();
  EXPECT_TRUE(v.changes().empty());
}

TEST_F(Stakes, NewContributorIsAppendedWithNoReservation) {
  RegistryView v(state);
  ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(20), Height(5), 0).is_ok());
  const ServiceNode sn = *v.get(node_key(1));
  ASSERT_EQ(sn.contributors.size(), 2u);
  EXPECT_EQ(sn.contributors[1], (Contributor{addr(2), coins(20), Amount()}));
  EXPECT_EQ(sn.total_contributed, coins(45));
  EXPECT_EQ(sn.total_reserved, coins(45));
  EXPECT_EQ(sn.state, NodeState::kAwaiting);
}

TEST_F(Stakes, ExistingContributorMayTopUpByAnyPositiveAmount) {
  RegistryView v(state);
  ASSERT_TRUE(apply_stake(v, p, addr(1), node_key(1), Amount(1), Height(5), 0).is_ok());
  EXPECT_EQ(v.get(node_key(1))->contributors[0].amount, add(coins(25), Amount(1)));
  const Expected<StakeLimits> lim = stake_limits(p, *v.get(node_key(1)), addr(1));
  ASSERT_TRUE(lim);
  EXPECT_EQ(lim->min, Amount(1));
  EXPECT_EQ(lim->max, sub(coins(75), Amount(1)));
}

TEST_F(Stakes, NodeBecomesActiveWhenContributionsReachTheRequirement) {
  next_block = 20;
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(50), h, 2).is_ok());
    EXPECT_EQ(v.get(node_key(1))->state, NodeState::kAwaiting);
    ASSERT_TRUE(apply_stake(v, p, addr(3), node_key(1), coins(25), h, 5).is_ok());
    const ServiceNode sn = *v.get(node_key(1));
    EXPECT_EQ(sn.state, NodeState::kActive);
    EXPECT_EQ(sn.active_since_height, h);
    EXPECT_EQ(sn.last_reward_height, h);
    EXPECT_EQ(sn.last_reward_index, 5u);
    EXPECT_EQ(sn.total_contributed, coins(100));
  });
  EXPECT_TRUE(rec(node_key(1)).is_active());
}

TEST_F(Stakes, StakeOnAFullyFundedNodeIsRefused) {
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(75), h, 0).is_ok());
  });
  RegistryView v(state);
  EXPECT_REJECTED(apply_stake(v, p, addr(3), node_key(1), coins(10), Height(9), 0), v,
                  RegistryError::kNodeFull);
  EXPECT_REJECTED(apply_stake(v, p, addr(1), node_key(1), Amount(1), Height(9), 0), v,
                  RegistryError::kNodeFull);
}

TEST_F(StakingRules, MinimumContributionFollowsTheOxenFormulaForContributorsTwoToTen) {
  register_solo(1, 1, coins(25));
  for (uint64_t n = 1; n <= 9; ++n) {  // n existing contributors; the next one is n + 1
    const ServiceNode& sn = rec(node_key(1));
    const uint64_t left = 100 * Amount::kCoin - sn.total_reserved.atomic();
    const Amount expected(left / (10 - n));
    EXPECT_EQ(min_contribution(p, sn.staking_requirement, sn.total_reserved, n), expected);
    const Expected<StakeLimits> lim = stake_limits(p, sn, addr(100 + n));
    ASSERT_TRUE(lim) << lim.error().message();
    EXPECT_EQ(lim->min, expected) << "contributor " << n + 1;
    EXPECT_EQ(lim->max, Amount(left));
    block([&](RegistryView& v, Height h) {
      const Status low = apply_stake(v, p, addr(100 + n), node_key(1), sub(expected, Amount(1)), h, 0);
      EXPECT_EQ(low.code_as<RegistryError>(), RegistryError::kBelowMinContribution);
      EXPECT_NE(low.message().find("for contributor " + std::to_string(n + 1) + " of 10"),
                std::string::npos)
          << low.message();
      EXPECT_TRUE(v.changes().empty());
      ASSERT_TRUE(apply_stake(v, p, addr(100 + n), node_key(1), expected, h, 1).is_ok());
    });
  }
  // The tenth contributor's minimum is everything that was left, so the node is now funded.
  EXPECT_EQ(rec(node_key(1)).contributors.size(), 10u);
  EXPECT_TRUE(rec(node_key(1)).is_active());
  EXPECT_EQ(rec(node_key(1)).total_contributed, coins(100));
}

TEST_F(StakingRules, MinContributionIsNoneOnceEverySpotIsTaken) {
  EXPECT_FALSE(min_contribution(p, coins(100), coins(50), 10));
  EXPECT_FALSE(min_contribution(p, coins(100), coins(50), 11));
  EXPECT_EQ(min_contribution(p, coins(100), coins(50), 9), coins(50));
  EXPECT_EQ(min_contribution(p, coins(100), coins(120), 3), Amount());  // over-reserved: 0
  EXPECT_EQ(min_contribution(p, coins(100), Amount(), 0), coins(10));
}

TEST_F(StakingRules, EleventhContributorIsRefused) {
  // Operator + 9 reserved spots, each at its position's minimum, none of them filled yet:
  // all 10 spots are taken although only 25 of 100 coins are staked.
  std::vector<ReservedSpot> spots{{addr(1), coins(25)}};
  uint64_t reserved = coins(25).atomic();
  for (uint64_t i = 1; i <= 9; ++i) {
    const Amount amount((coins(100).atomic() - reserved) / (10 - i));
    spots.push_back({addr(i + 1), amount});
    reserved += amount.atomic();
  }
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(v, p, chain_id, addr(1), make_reg(1, addr(1), 0, spots),
                                   coins(25), h, 0)
                    .is_ok());
  });
  ASSERT_EQ(rec(node_key(1)).contributors.size(), 10u);
  RegistryView v(state);
  const Status st = apply_stake(v, p, addr(11), node_key(1), coins(10), Height(9), 0);
  EXPECT_EQ(st.code_as<RegistryError>(), RegistryError::kNodeFull) << st.message();
  EXPECT_NE(st.message().find("10 contributor spots"), std::string::npos) << st.message();
  EXPECT_TRUE(v.changes().empty());
  EXPECT_FALSE(stake_limits(p, rec(node_key(1)), addr(11)));
  // A reserved contributor can still fill its own spot.
  EXPECT_TRUE(apply_stake(v, p, addr(5), node_key(1), spots[4].amount, Height(9), 0).is_ok());
}

TEST_F(StakingRules, ReservedSpotMustBeFilledEntirelyInOneStake) {
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(
                    v, p, chain_id, addr(1),
                    make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(30)}}),
                    coins(25), h, 0)
                    .is_ok());
  });
  {
    RegistryView v(state);
    const Status st = apply_stake(v, p, addr(2), node_key(1), coins(29), Height(9), 0);
    EXPECT_EQ(st.code_as<RegistryError>(), RegistryError::kMustFillReservedSpot) << st.message();
    EXPECT_TRUE(v.changes().empty());
  }
  // Its maximum is what is left plus its own reservation: 100 − 55 + 30 = 75.
  const Expected<StakeLimits> lim = stake_limits(p, rec(node_key(1)), addr(2));
  ASSERT_TRUE(lim);
  EXPECT_EQ(lim->min, coins(30));
  EXPECT_EQ(lim->max, coins(75));
  {
    RegistryView v(state);
    EXPECT_REJECTED(apply_stake(v, p, addr(2), node_key(1), add(coins(75), Amount(1)), Height(9), 0),
                    v, RegistryError::kAboveMaxContribution);
  }
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(35), h, 0).is_ok());
  });
  const ServiceNode& sn = rec(node_key(1));
  EXPECT_EQ(sn.contributors[1], (Contributor{addr(2), coins(35), coins(30)}));
  EXPECT_EQ(sn.total_contributed, coins(60));
  EXPECT_EQ(sn.total_reserved, coins(60));
}

TEST_F(StakingRules, NewContributorCannotTakeWhatOthersReserved) {
  // 25 + 75 reserved: nothing is open to newcomers.
  block([&](RegistryView& v, Height h) {
    ASSERT_TRUE(apply_registration(
                    v, p, chain_id, addr(1),
                    make_reg(1, addr(1), 0, {{addr(1), coins(25)}, {addr(2), coins(75)}}),
                    coins(25), h, 0)
                    .is_ok());
  });
  RegistryView v(state);
  EXPECT_REJECTED(apply_stake(v, p, addr(3), node_key(1), coins(10), Height(9), 0), v,
                  RegistryError::kNodeFull);
  EXPECT_REJECTED(apply_stake(v, p, addr(1), node_key(1), coins(1), Height(9), 0), v,
                  RegistryError::kNodeFull);
  ASSERT_TRUE(apply_stake(v, p, addr(2), node_key(1), coins(75), Height(9), 3).is_ok());
  EXPECT_TRUE(v.get(node_key(1))->is_active());
}

}  // namespace
}  // namespace swarmchain
