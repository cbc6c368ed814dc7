// build_registration (`swarmchaind prepare-registration` without its I/O): it signs what the
// operator asked for, and refuses what the chain would refuse (check_registration_terms), with
// the chain's reason, before any fee is paid.
#include "node/registration_cmd.h"

#include <gtest/gtest.h>

#include <string>

#include "common/address.h"
#include "common/crypto.h"
#include "registry/staking_rules.h"

namespace swarmchain {
namespace {

class BuildRegistration : public ::testing::Test {
 protected:
  KeyPair node_key = KeyPair::generate();
  PubKey op = KeyPair::generate().pubkey();
  PubKey other = KeyPair::generate().pubkey();
  RegistrationContext ctx{hash_tagged("test", as_bytes("chain")), 100, Amount::coins(100),
                          Amount::coins(25), 4};
  PrepareRegistrationOptions opts() const {
    PrepareRegistrationOptions o;
    o.operator_address = address_from_pubkey(op);
    return o;
  }
};

TEST_F(BuildRegistration, SignsTheOperatorsTermsForThisChain) {
  PrepareRegistrationOptions o = opts();
  o.fee = "5%";
  o.reserve = {address_from_pubkey(other) + ":30"};
  const auto reg = build_registration(o, ctx, node_key);
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_EQ(reg->sn_pubkey, node_key.pubkey());
  EXPECT_EQ(reg->fee_bps, 500);
  ASSERT_EQ(reg->reserved.size(), 2u);
  EXPECT_EQ(reg->reserved[0], (ReservedSpot{op, Amount::coins(70)}));  // what the spots leave
  EXPECT_EQ(reg->reserved[1], (ReservedSpot{other, Amount::coins(30)}));
  EXPECT_EQ(reg->expiry_height, Height(100 + o.expiry_blocks));
  EXPECT_TRUE(reg->signature_valid(ctx.chain_id));
}

TEST_F(BuildRegistration, RefusesAReservedSpotBelowTheMinimumWithTheChainsReason) {
  PrepareRegistrationOptions o = opts();
  o.operator_stake = "25";
  o.reserve = {address_from_pubkey(other) + ":10"};  // minimum for spot 2 of 4: 75 / 3 = 25
  const auto reg = build_registration(o, ctx, node_key);
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.error().message(),
            "reserved spot 10 is below the minimum 25 for contributor 2 of 4");
}

TEST_F(BuildRegistration, RefusesAnOperatorStakeBelowTheOperatorMinimum) {
  PrepareRegistrationOptions o = opts();
  o.operator_stake = "24";
  const auto reg = build_registration(o, ctx, node_key);
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.error().message(), "operator stake 24 is below the minimum 25");
}

TEST_F(BuildRegistration, RefusesMoreSpotsThanContributors) {
  PrepareRegistrationOptions o = opts();
  o.operator_stake = "25";
  for (int i = 0; i < 4; ++i)
    o.reserve.push_back(address_from_pubkey(KeyPair::generate().pubkey()) + ":18");
  const auto reg = build_registration(o, ctx, node_key);
  ASSERT_FALSE(reg);
  EXPECT_EQ(reg.error().message(), "5 reserved spots, at most 4 contributors are allowed");
}

}  // namespace
}  // namespace swarmchain
