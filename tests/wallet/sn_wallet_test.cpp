// The wallet's service-node commands without a node (wallet/sn_commands.h): parsing of stake
// amounts and pubkeys, the local checks done before a tx is sent (registration, balance, stake
// limits, unlock), tx construction, and how fees, swarm ids and node errors are shown.
// WalletClient's sn methods against a fake node are in sn_wallet_client_test.cpp.
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chain/tx.h"
#include "common/address.h"
#include "common/crypto.h"
#include "common/hex.h"
#include "registry/service_node.h"
#include "registry/swarm_id.h"
#include "rpc/json_rpc.h"
#include "tests/wallet/sn_wallet_test_util.h"
#include "wallet/sn_commands.h"
#include "wallet/wallet.h"

namespace swarmchain {
namespace {

using nlohmann::json;
using test::coins;
using test::signed_registration;
using test::status_with_limits;

// --- parse_stake_amount / resolve_stake_amount -----------------------------------------------

Amount resolved(const std::string& text, Amount requirement) {
  auto spec = parse_stake_amount(text);
  EXPECT_TRUE(spec) << text << ": " << spec.error().message();
  if (!spec) return Amount();
  auto a = resolve_stake_amount(*spec, requirement);
  EXPECT_TRUE(a) << text << ": " << a.error().message();
  return a ? *a : Amount();
}

TEST(StakeAmount, DecimalCoinsAreExact) {
  auto spec = parse_stake_amount("12.5");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->kind, StakeAmountSpec::Kind::kCoins);
  EXPECT_EQ(spec->coins, Amount(12'500'000'000));
  EXPECT_EQ(resolved("0.000000001", coins(15000)), Amount(1));
}

TEST(StakeAmount, CoinsIgnoreTheRequirement) {
  EXPECT_EQ(resolved("3", coins(15000)), coins(3));
  EXPECT_EQ(resolved("3", Amount()), coins(3));
}

TEST(StakeAmount, PercentIsAShareOfTheRequirement) {
  auto spec = parse_stake_amount("25%");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->kind, StakeAmountSpec::Kind::kPercent);
  EXPECT_EQ(resolved("25%", coins(15000)), coins(3750));
  EXPECT_EQ(resolved("100%", coins(15000)), coins(15000));
  EXPECT_EQ(resolved("12.5%", coins(15000)), coins(1875));
}

TEST(StakeAmount, PercentRoundsDownToTheAtomicUnit) {
  EXPECT_EQ(resolved("33%", Amount(1000)), Amount(330));
  EXPECT_EQ(resolved("50%", Amount(3)), Amount(1));
  EXPECT_EQ(resolved("33.333333333%", coins(3)), Amount(999'999'999));
}

TEST(StakeAmount, PercentOfTheLargestRequirementDoesNotOverflow) {
  const Amount max(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(resolved("100%", max), max);
  EXPECT_EQ(resolved("50%", max), Amount(max.atomic() / 2));
}

TEST(StakeAmount, PercentThatYieldsNothingIsRefused) {
  auto spec = parse_stake_amount("1%");
  ASSERT_TRUE(spec);
  auto a = resolve_stake_amount(*spec, Amount(99));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(), "1% of the staking requirement 0.000000099 is 0");
}

TEST(StakeAmount, RejectsMalformedText) {
  for (const char* bad : {"", "%", "abc", "abc%", "-5", "+5", "1e3", "12.5.1", "1.0000000001",
                          "101%", "100.000000001%", "-1%", "25 %", "25%%", " 25"}) {
    EXPECT_FALSE(parse_stake_amount(bad)) << bad;
  }
}

TEST(StakeAmount, RejectsZero) {
  for (const char* zero : {"0", "0.0", "0%", "0.000%"}) {
    auto spec = parse_stake_amount(zero);
    ASSERT_FALSE(spec) << zero;
    EXPECT_EQ(spec.error().message(), "stake must be greater than zero");
  }
}

TEST(StakeAmount, ErrorExplainsBothForms) {
  auto spec = parse_stake_amount("lots");
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message().find("12.5"), std::string::npos);
  EXPECT_NE(spec.error().message().find("25%"), std::string::npos);
  EXPECT_EQ(spec.error().message().find('\n'), std::string::npos);
}

// --- pubkeys ----------------------------------------------------------------------------------

TEST(Pubkeys, ServiceNodePubkeyIs64Hex) {
  const PubKey pk = KeyPair::generate().pubkey();
  auto parsed = parse_sn_pubkey(to_hex(pk));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, pk);
  EXPECT_FALSE(parse_sn_pubkey(to_hex(pk).substr(1)));
  EXPECT_FALSE(parse_sn_pubkey("05" + to_hex(pk)));
  EXPECT_FALSE(parse_sn_pubkey(std::string(64, 'g')));
  EXPECT_FALSE(parse_sn_pubkey(address_from_pubkey(pk)));
}

TEST(Pubkeys, UserPubkeyTakes64Or66HexAndLowercasesIt) {
  const std::string hex64(64, 'a');
  EXPECT_EQ(*normalize_user_pubkey(hex64), hex64);
  EXPECT_EQ(*normalize_user_pubkey("05" + hex64), "05" + hex64);
  EXPECT_EQ(*normalize_user_pubkey("05" + std::string(64, 'A')), "05" + hex64);
  EXPECT_FALSE(normalize_user_pubkey(std::string(65, 'a')));
  EXPECT_FALSE(normalize_user_pubkey(std::string(62, 'a')));
  EXPECT_FALSE(normalize_user_pubkey(std::string(63, 'a') + "z"));
}

TEST(Pubkeys, AccountTextIsAnAddressOrHex) {
  const PubKey pk = KeyPair::generate().pubkey();
  EXPECT_EQ(pubkey_from_account_text(address_from_pubkey(pk)), pk);
  EXPECT_EQ(pubkey_from_account_text(to_hex(pk)), pk);
  std::string bad = address_from_pubkey(pk);
  bad.back() = bad.back() == '0' ? '1' : '0';  // breaks the checksum
  EXPECT_EQ(pubkey_from_account_text(bad), std::nullopt);
  EXPECT_EQ(pubkey_from_account_text("nonsense"), std::nullopt);
}

// --- check_registration -----------------------------------------------------------------------

class RegistrationCheck : public ::testing::Test {
 protected:
  Registration make(Height expiry = Height(100)) const {
    Registration reg;
    reg.sn_pubkey = sn_key.pubkey();
    reg.operator_address = wallet.pubkey();
    reg.fee_bps = 500;
    reg.reserved = {{wallet.pubkey(), coins(3750)}, {other.pubkey(), coins(2000)}};
    reg.expiry_height = expiry;
    reg.sign(sn_key, chain_id);
    return reg;
  }
  KeyPair sn_key = KeyPair::generate();
  KeyPair wallet = KeyPair::generate();
  KeyPair other = KeyPair::generate();
  Hash chain_id = random_fixed<Hash>();
};

TEST_F(RegistrationCheck, OperatorAmountDefaultsToTheReservedSpot) {
  auto a = check_registration(make(), wallet.pubkey(), chain_id, Height(10), std::nullopt);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, coins(3750));
}

TEST_F(RegistrationCheck, AmountMayRaiseTheOperatorStake) {
  auto a = check_registration(make(), wallet.pubkey(), chain_id, Height(10), coins(5000));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, coins(5000));
  EXPECT_EQ(*check_registration(make(), wallet.pubkey(), chain_id, Height(10), coins(3750)),
            coins(3750));
}

TEST_F(RegistrationCheck, AmountBelowTheReservedSpotIsRefused) {
  auto a = check_registration(make(), wallet.pubkey(), chain_id, Height(10), coins(3749));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(),
            "operator amount 3749 is below the operator's reserved spot 3750 (a reserved spot is "
            "filled entirely)");
}

TEST_F(RegistrationCheck, RegistrationForAnotherOperatorIsRefused) {
  auto a = check_registration(make(), other.pubkey(), chain_id, Height(10), std::nullopt);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(), "this registration is for operator " +
                                     address_from_pubkey(wallet.pubkey()) + ", not this wallet (" +
                                     address_from_pubkey(other.pubkey()) + ")");
}

TEST_F(RegistrationCheck, ExpiryIsTheLastHeightItCanBeIncludedAt) {
  // The tx can land in block tip + 1 at the earliest.
  EXPECT_TRUE(
      check_registration(make(Height(100)), wallet.pubkey(), chain_id, Height(99), std::nullopt));
  auto a =
      check_registration(make(Height(100)), wallet.pubkey(), chain_id, Height(100), std::nullopt);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(),
            "this registration expired: it was valid until height 100 and the chain is at height "
            "100; run `swarmchaind prepare-registration` again");
}

TEST_F(RegistrationCheck, SignatureForAnotherChainIsRefused) {
  auto a =
      check_registration(make(), wallet.pubkey(), random_fixed<Hash>(), Height(10), std::nullopt);
  ASSERT_FALSE(a);
  EXPECT_NE(
      a.error().message().find("signature does not match service node " + to_hex(sn_key.pubkey())),
      std::string::npos);
}

TEST_F(RegistrationCheck, FirstReservedSpotMustBeTheOperators) {
  Registration reg = make();
  std::swap(reg.reserved[0], reg.reserved[1]);
  reg.sign(sn_key, chain_id);
  auto a = check_registration(reg, wallet.pubkey(), chain_id, Height(10), std::nullopt);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message(),
            "this registration is malformed: its first reserved spot is not the operator's");
  reg.reserved.clear();
  reg.sign(sn_key, chain_id);
  EXPECT_FALSE(check_registration(reg, wallet.pubkey(), chain_id, Height(10), std::nullopt));
}

TEST_F(RegistrationCheck, TextFormRoundTripsThroughTheCheck) {
  auto reg = Registration::from_text(make().to_text());
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_TRUE(check_registration(*reg, wallet.pubkey(), chain_id, Height(10), std::nullopt));
}

// --- check_balance ----------------------------------------------------------------------------

TEST(BalanceCheck, AmountPlusFeeMustBeCovered) {
  EXPECT_TRUE(check_balance(coins(10), coins(9), coins(1)));
  Status s = check_balance(coins(10), coins(9), Amount(1'000'000'001));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "insufficient funds: balance 10, need 10.000000001 (9 + fee 1.000000001)");
}

TEST(BalanceCheck, FeeAloneForAnUnlock) {
  Status s = check_balance(Amount(), Amount(), Amount(5));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "insufficient funds: balance 0, need 0.000000005 (fee 0.000000005)");
}

TEST(BalanceCheck, OverflowIsAnError) {
  EXPECT_FALSE(check_balance(Amount(std::numeric_limits<uint64_t>::max()),
                             Amount(std::numeric_limits<uint64_t>::max()), Amount(1)));
}

// --- check_stake_limits -----------------------------------------------------------------------

TEST(StakeLimitsCheck, AmountWithinTheLimitsIsAllowed) {
  const json st = status_with_limits(coins(1250), coins(11250));
  EXPECT_TRUE(check_stake_limits(st, coins(1250)));
  EXPECT_TRUE(check_stake_limits(st, coins(5000)));
  EXPECT_TRUE(check_stake_limits(st, coins(11250)));
}

TEST(StakeLimitsCheck, BelowTheMinimumIsRefused) {
  Status s = check_stake_limits(status_with_limits(coins(1250), coins(11250)), coins(3));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "stake 3 is below the minimum 1250 for this node");
  EXPECT_FALSE(check_stake_limits(status_with_limits(coins(1250), coins(11250)),
                                  Amount(coins(1250).atomic() - 1)));
}

TEST(StakeLimitsCheck, AboveTheMaximumIsRefused) {
  Status s = check_stake_limits(status_with_limits(coins(1250), coins(11250)), coins(11251));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "stake 11251 is above the maximum 11250 for this node");
}

TEST(StakeLimitsCheck, RefusalCarriesTheNodesReason) {
  json st{{"state", "active"}, {"stake_refused", "service node ab is already fully funded"}};
  Status s = check_stake_limits(st, coins(10));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "this node takes no stake from this wallet: service node ab is already fully funded");
}

TEST(StakeLimitsCheck, AnswerWithoutLimitsIsRefused) {
  EXPECT_FALSE(check_stake_limits(json{{"state", "awaiting"}}, coins(10)));
  EXPECT_FALSE(check_stake_limits(json{{"stake_limits", {{"min", 1}}}}, coins(10)));
  EXPECT_FALSE(check_stake_limits(json{{"stake_limits", {{"min", -1}, {"max", 5}}}}, coins(10)));
  EXPECT_FALSE(check_stake_limits(json::array(), coins(10)));
}

// --- check_unlock -----------------------------------------------------------------------------

class UnlockCheck : public ::testing::Test {
 protected:
  json status(const std::string& state, uint64_t requested_unlock_height = 0) const {
    return json{{"state", state},
                {"requested_unlock_height", requested_unlock_height},
                {"contributors",
                 {{{"address", address_from_pubkey(op)},
                   {"amount", coins(3750).atomic()},
                   {"reserved", coins(3750).atomic()}},
                  {{"address", address_from_pubkey(staker)},
                   {"amount", coins(2000).atomic()},
                   {"reserved", 0}}}}};
  }
  PubKey op = KeyPair::generate().pubkey();
  PubKey staker = KeyPair::generate().pubkey();
};

TEST_F(UnlockCheck, AnyContributorOfAnActiveNodeMayUnlock) {
  EXPECT_TRUE(check_unlock(status("active"), op));
  EXPECT_TRUE(check_unlock(status("active"), staker));
  EXPECT_TRUE(check_unlock(status("decommissioned"), staker));
}

TEST_F(UnlockCheck, OnlyTheOperatorMayUnlockAnAwaitingNode) {
  EXPECT_TRUE(check_unlock(status("awaiting"), op));
  Status s = check_unlock(status("awaiting"), staker);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "this node is still awaiting funding: only its operator can request the unlock");
}

TEST_F(UnlockCheck, NonContributorIsRefused) {
  const PubKey stranger = KeyPair::generate().pubkey();
  Status s = check_unlock(status("active"), stranger);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(), "this wallet (" + address_from_pubkey(stranger) +
                             ") is not a contributor of this service node");
}

TEST_F(UnlockCheck, SecondUnlockIsRefused) {
  Status s = check_unlock(status("active", 240), staker);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.message(),
            "an unlock was already requested for this node: stakes return at height 240");
}

TEST_F(UnlockCheck, ContributorsGivenAsHexPubkeysAreRecognised) {
  json st = status("active");
  st["contributors"][1]["address"] = to_hex(staker);
  EXPECT_TRUE(check_unlock(st, staker));
}

TEST_F(UnlockCheck, MalformedAnswerIsRefused) {
  EXPECT_FALSE(check_unlock(json{{"state", "active"}}, staker));
  json st = status("active");
  st.erase("requested_unlock_height");
  EXPECT_FALSE(check_unlock(st, staker));
}

// --- tx construction --------------------------------------------------------------------------

class TxBuild : public ::testing::Test {
 protected:
  // The tx as the node will see it: encoded, then decoded.
  static Tx round_trip(const Tx& tx) {
    auto back = Tx::from_bytes(tx.to_bytes());
    EXPECT_TRUE(back) << back.error().message();
    return back ? *back : Tx{};
  }
  void expect_envelope(const Tx& tx) const {
    EXPECT_EQ(tx.chain_id, ctx.chain_id);
    EXPECT_EQ(tx.sender, key.pubkey());
    EXPECT_EQ(tx.nonce, 7u);
    EXPECT_EQ(tx.fee, Amount(1234));
    EXPECT_TRUE(tx.signature_valid());
  }
  KeyPair key = KeyPair::generate();
  TxContext ctx{random_fixed<Hash>(), 7, Amount(1234)};
};

TEST_F(TxBuild, RegisterNodeTxDecodesWithItsPayloadAndSignature) {
  KeyPair sn_key = KeyPair::generate();
  const Registration reg =
      signed_registration(sn_key, key.pubkey(), 250, Height(99), ctx.chain_id);
  const Tx tx = round_trip(build_register_node_tx(key, ctx, reg, coins(4000)));
  EXPECT_EQ(tx.type(), TxType::kRegisterNode);
  expect_envelope(tx);
  ASSERT_TRUE(std::holds_alternative<RegisterNodePayload>(tx.payload));
  const auto& p = std::get<RegisterNodePayload>(tx.payload);
  EXPECT_EQ(p.registration, reg);
  EXPECT_TRUE(p.registration.signature_valid(ctx.chain_id));
  EXPECT_EQ(p.operator_amount, coins(4000));
  EXPECT_EQ(tx.moved(), coins(4000));
}

TEST_F(TxBuild, StakeTxDecodesWithItsPayloadAndSignature) {
  const PubKey sn = KeyPair::generate().pubkey();
  const Tx tx = round_trip(build_stake_tx(key, ctx, sn, coins(1250)));
  EXPECT_EQ(tx.type(), TxType::kStake);
  expect_envelope(tx);
  ASSERT_TRUE(std::holds_alternative<StakePayload>(tx.payload));
  EXPECT_EQ(std::get<StakePayload>(tx.payload), (StakePayload{sn, coins(1250)}));
}

TEST_F(TxBuild, RequestUnlockTxDecodesWithItsPayloadAndSignature) {
  const PubKey sn = KeyPair::generate().pubkey();
  const Tx tx = round_trip(build_request_unlock_tx(key, ctx, sn));
  EXPECT_EQ(tx.type(), TxType::kRequestUnlock);
  expect_envelope(tx);
  ASSERT_TRUE(std::holds_alternative<RequestUnlockPayload>(tx.payload));
  EXPECT_EQ(std::get<RequestUnlockPayload>(tx.payload).sn_pubkey, sn);
  EXPECT_EQ(tx.moved(), Amount());
}

TEST_F(TxBuild, SignatureCoversThePayload) {
  Tx tx = build_stake_tx(key, ctx, KeyPair::generate().pubkey(), coins(1250));
  std::get<StakePayload>(tx.payload).amount = coins(1251);
  EXPECT_FALSE(tx.signature_valid());
}

// --- display and errors -----------------------------------------------------------------------

TEST(Display, FeeBasisPointsPrintAsPercent) {
  EXPECT_EQ(format_fee_bps(0), "0%");
  EXPECT_EQ(format_fee_bps(500), "5%");
  EXPECT_EQ(format_fee_bps(1234), "12.34%");
  EXPECT_EQ(format_fee_bps(150), "1.5%");
  EXPECT_EQ(format_fee_bps(5), "0.05%");
  EXPECT_EQ(format_fee_bps(10000), "100%");
}

TEST(Display, SwarmIdPrintsAs16Hex) {
  EXPECT_EQ(format_swarm_id(0), "0000000000000000");
  EXPECT_EQ(format_swarm_id(0x0123456789abcdefULL), "0123456789abcdef");
  EXPECT_EQ(format_swarm_id(kMaxSwarmId), "fffffffffffffffe");
  EXPECT_EQ(format_swarm_id(kUnassignedSwarm), "none");
}

TEST(RpcErrorText, ReasonIsAppendedOnce) {
  EXPECT_EQ(
      describe_rpc_error(rpc::RpcError::rejected("nonce too low", {{"reason", "nonce_too_low"}})),
      "nonce too low (nonce_too_low)");
  EXPECT_EQ(
      describe_rpc_error(rpc::RpcError::rejected("below_min: stake 3", {{"reason", "below_min"}})),
      "below_min: stake 3");
  EXPECT_EQ(describe_rpc_error(rpc::RpcError::rejected("refused")), "refused");
  EXPECT_EQ(describe_rpc_error(rpc::RpcError::rejected("two\nlines")), "two lines");
}

}  // namespace
}  // namespace swarmchain
