// The executor reports the coins end of block moves into accounts without a tx (chain/
// account_event.h): each block's reward split, and stakes returned after an unlock or after a
// deregistration's lock, each naming its service node and cause. Their amounts are exactly
// what was credited. Genesis committee: test_key(200) (operator 201), 210, 211, 212
// (operator test_key(1)).
#include <gtest/gtest.h>

#include <map>

#include "chain/tx_check.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::MemChain;
using test::test_key;

class AccountEventsTest : public ::testing::Test {
 protected:
  MemChain chain{genesis_with_nodes({210, 211, 212})};
  const PubKey op = test_key(1).pubkey();

  // Applies the next block and returns its events (as validate() computed them).
  std::vector<AccountEvent> next(const std::vector<Tx>& txs = {}) {
    const auto built = chain.build(txs);
    auto checked = chain.check(built.block);
    EXPECT_TRUE(checked) << checked.error().message();
    EXPECT_EQ(built.executed.events, checked ? checked->events : std::vector<AccountEvent>{})
        << "build and validate report the same events";
    chain.next(txs);
    return checked ? checked->events : std::vector<AccountEvent>{};
  }
  std::map<PubKey, uint64_t> balances() const {
    std::map<PubKey, uint64_t> out;
    chain.state.accounts.for_each(
        [&](const PubKey& pk, const Account& a) { out[pk] = a.balance.atomic(); });
    return out;
  }
  // In a block without txs every balance change is an event: checks they match exactly.
  void expect_events_explain_every_credit(const std::map<PubKey, uint64_t>& before,
                                          const std::vector<AccountEvent>& events) const {
    std::map<PubKey, uint64_t> credited;
    for (const AccountEvent& e : events) credited[e.account] += e.amount.atomic();
    for (const auto& [pk, now] : balances()) {
      const uint64_t was = before.contains(pk) ? before.at(pk) : 0;
      EXPECT_EQ(now - was, credited.contains(pk) ? credited.at(pk) : 0);
    }
  }
  Tx unlock_tx(const PubKey& sn) const {
    Tx tx;
    tx.chain_id = chain.ex.chain_id();
    tx.sender = op;
    tx.nonce = chain.state.accounts.get(op)->nonce;
    tx.fee = Amount(100'000);
    tx.payload = RequestUnlockPayload{sn};
    tx.sign(test_key(1));
    return tx;
  }
};

TEST_F(AccountEventsTest, EveryBlockReportsItsRewardNamingThePaidNode) {
  for (int i = 0; i < 8; ++i) {
    std::map<PubKey, Amount> earned;
    chain.state.registry.for_each([&](const ServiceNode& sn) { earned[sn.pubkey] = sn.rewards_earned; });
    const auto before = balances();
    const std::vector<AccountEvent> events = next();
    ASSERT_FALSE(events.empty());
    uint64_t total = 0;
    for (const AccountEvent& e : events) {
      EXPECT_EQ(e.kind, AccountEventKind::kReward);
      EXPECT_EQ(e.cause, StakeReturnCause::kNone);
      total += e.amount.atomic();
      const ServiceNode* paid = chain.state.registry.get(e.sn_pubkey);
      ASSERT_NE(paid, nullptr) << "the event names a node of the registry";
      EXPECT_EQ(paid->rewards_earned.atomic(),
                earned[e.sn_pubkey].atomic() + chain.ex.params().block_reward.atomic())
          << "the node named is the one this block paid";
      EXPECT_EQ(e.account, paid->operator_address) << "fee 0, one contributor: all to it";
    }
    EXPECT_EQ(total, chain.ex.params().block_reward.atomic());
    expect_events_explain_every_credit(before, events);
  }
}

TEST_F(AccountEventsTest, StakeReturnedAfterAnUnlockNamesTheNodeAndTheCause) {
  const PubKey sn = test_key(212).pubkey();
  const Amount stake = chain.state.registry.get(sn)->contributors[0].amount;
  chain.next({unlock_tx(sn)});
  const uint64_t unlock = chain.state.registry.get(sn)->requested_unlock_height.value;
  ASSERT_GT(unlock, chain.tip.height.value);
  chain.run_to(unlock - 1);
  const auto before = balances();
  const std::vector<AccountEvent> events = next();
  ASSERT_EQ(chain.state.registry.get(sn), nullptr) << "expired at its unlock height";
  std::vector<AccountEvent> returned;
  for (const AccountEvent& e : events)
    if (e.kind == AccountEventKind::kStakeReturned) returned.push_back(e);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0].account, op);
  EXPECT_EQ(returned[0].amount, stake);
  EXPECT_EQ(returned[0].sn_pubkey, sn);
  EXPECT_EQ(returned[0].cause, StakeReturnCause::kUnlock);
  EXPECT_EQ(events.front().kind, AccountEventKind::kStakeReturned) << "in the order credited";
  expect_events_explain_every_credit(before, events);
}

TEST_F(AccountEventsTest, StakeReturnedAfterADeregistrationLockSaysDeregistration) {
  const KeyPair offender = test_key(212);
  const auto vote = [&](uint8_t block_byte) {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.height = Height(1);
    v.block_hash.data.fill(block_byte);
    v.validator = offender.pubkey();
    v.sign(offender, chain.ex.chain_id());
    return v;
  };
  chain.run_to(1);
  Tx evidence;
  evidence.chain_id = chain.ex.chain_id();
  evidence.sender = test_key(3).pubkey();
  evidence.payload = EvidencePayload{vote(0xaa), vote(0xbb)};
  evidence.sign(test_key(3));
  chain.next({evidence});
  const ServiceNode* sn = chain.state.registry.get(offender.pubkey());
  ASSERT_NE(sn, nullptr);
  const Amount stake = sn->contributors[0].amount;
  chain.run_to(sn->requested_unlock_height.value - 1);
  const auto before = balances();
  const std::vector<AccountEvent> events = next();
  ASSERT_EQ(chain.state.registry.get(offender.pubkey()), nullptr);
  ASSERT_GE(events.size(), 1u);
  EXPECT_EQ(events[0].kind, AccountEventKind::kStakeReturned);
  EXPECT_EQ(events[0].account, op);
  EXPECT_EQ(events[0].amount, stake);
  EXPECT_EQ(events[0].sn_pubkey, offender.pubkey());
  EXPECT_EQ(events[0].cause, StakeReturnCause::kDeregistration);
  expect_events_explain_every_credit(before, events);
}

TEST(AccountEventEncoding, RoundTripsAndRefusesUnknownKindsAndTrailingBytes) {
  AccountEvent e;
  e.kind = AccountEventKind::kStakeReturned;
  e.amount = Amount(123'456);
  e.sn_pubkey = test_key(7).pubkey();
  e.cause = StakeReturnCause::kDeregistration;
  const Bytes bytes = encode(e);
  EXPECT_EQ(bytes.size(), 1u + 8u + 32u + 1u);
  auto back = decode_exact<AccountEvent>(bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, e);
  Bytes bad_kind = bytes;
  bad_kind[0] = 2;
  EXPECT_FALSE(decode_exact<AccountEvent>(bad_kind));
  Bytes bad_cause = bytes;
  bad_cause.back() = 3;
  EXPECT_FALSE(decode_exact<AccountEvent>(bad_cause));
  Bytes trailing = bytes;
  trailing.push_back(0);
  EXPECT_FALSE(decode_exact<AccountEvent>(trailing));
}

}  // namespace
}  // namespace swarmchain
