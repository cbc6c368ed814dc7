#include "chain/mempool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/hex.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

using ::testing::HasSubstr;
using test::make_transfer;
using test::test_genesis;
using test::test_key;

constexpr Amount kMinFee(100'000);

class MempoolTest : public ::testing::Test {
 protected:
  MempoolTest() : executor_(test_genesis(8)), state_(executor_.genesis_state()) {}

  // A transfer from test account `from` to an unfunded account.
  Tx transfer(uint8_t from, uint64_t nonce, Amount fee = kMinFee,
              Amount amount = Amount::coins(1)) const {
    return make_transfer(executor_.chain_id(), test_key(from), nonce, test_key(99).pubkey(),
                         amount, fee);
  }
  Mempool pool(MempoolLimits limits = {}) const {
    return Mempool(executor_.chain_id(), limits, executor_.registry_params());
  }
  static std::size_t tx_size() { return Tx{}.to_bytes().size(); }

  // The state after a block holding `txs` (each must apply).
  static ChainState after_block(const ChainState& before, const std::vector<Tx>& txs) {
    ChainState out = before;
    StateView view(out);
    const RegistryParams rp = registry_params(ChainParams::dev());
    for (const Tx& tx : txs) {
      EXPECT_TRUE(apply_tx(view, tx, TxEnv{tx.chain_id, rp, out.height.next(), 0}).is_ok());
    }
    out.accounts.apply(view.take_changes());
    out.height = out.height.next();
    return out;
  }

  Executor executor_;
  ChainState state_;
};

// The refusal carries `code` and a message naming what went wrong.
void expect_refused(const Expected<TxId>& r, TxError code, const std::string& words) {
  ASSERT_FALSE(r.has_value()) << "expected " << tx_error_name(code);
  EXPECT_EQ(r.error().code_as<TxError>(), code)
      << tx_error_name(r.error().code_as<TxError>()) << ": " << r.error().message();
  EXPECT_THAT(r.error().message(), HasSubstr(words));
}

std::vector<uint64_t> nonces_of(const std::vector<Tx>& txs, const PubKey& sender) {
  std::vector<uint64_t> out;
  for (const Tx& tx : txs)
    if (tx.sender == sender) out.push_back(tx.nonce);
  return out;
}

// ---- admission ----

TEST_F(MempoolTest, AdmitsATransferThatCouldApplyAndReturnsItsTxid) {
  Mempool mp = pool();
  Tx tx = transfer(1, 0);
  auto r = mp.add(tx, state_);
  ASSERT_TRUE(r.has_value()) << r.error().message();
  EXPECT_EQ(*r, tx.id());
  EXPECT_TRUE(mp.contains(tx.id()));
  EXPECT_EQ(mp.get(tx.id()), tx);
  EXPECT_EQ(mp.size(), 1u);
  EXPECT_EQ(mp.bytes(), tx.to_bytes().size());
}

TEST_F(MempoolTest, AdmitsConsecutiveNoncesFromOneSenderAndCountsThemInNextNonce) {
  Mempool mp = pool();
  for (uint64_t n = 0; n < 5; ++n) ASSERT_TRUE(mp.add(transfer(1, n), state_).has_value());
  EXPECT_EQ(mp.size(), 5u);
  EXPECT_EQ(mp.next_nonce(test_key(1).pubkey(), state_), 5u);
  EXPECT_EQ(mp.next_nonce(test_key(2).pubkey(), state_), 0u);
}

TEST_F(MempoolTest, PendingFlowLeavesOutTxsTheCommittedStateAlreadyHolds) {
  // Between a block's commit and the pool being told, a tx is in both; a balance read from the
  // new state plus the pool's flow must count it once (seen by hand: "balance 13.5" beside
  // "pending: +1 incoming" for the same coin).
  Mempool mp = pool();
  const Tx first = transfer(1, 0, kMinFee, Amount::coins(1));
  const Tx second = transfer(1, 1, kMinFee, Amount::coins(2));
  ASSERT_TRUE(mp.add(first, state_).has_value());
  ASSERT_TRUE(mp.add(second, state_).has_value());
  const PubKey to = test_key(99).pubkey();
  const auto before = mp.pending_flow(to, state_);
  EXPECT_EQ(before.in_txs, 2u);
  EXPECT_EQ(before.in, Amount::coins(3));
  const ChainState applied = after_block(state_, {first});
  const auto in_after = mp.pending_flow(to, applied);
  EXPECT_EQ(in_after.in_txs, 1u);
  EXPECT_EQ(in_after.in, Amount::coins(2));
  const auto out_after = mp.pending_flow(test_key(1).pubkey(), applied);
  EXPECT_EQ(out_after.out_txs, 1u);
  EXPECT_EQ(out_after.out, *Amount::coins(2).checked_add(kMinFee));
}

TEST_F(MempoolTest, RefusesATxLargerThanThePoolCouldEverHold) {
  Mempool mp = pool({.max_count = 10, .max_bytes = 100, .min_fee = kMinFee});
  expect_refused(mp.add(transfer(1, 0), state_), TxError::kTooLarge,
                 std::to_string(tx_size()) + " bytes, the mempool limit is 100");
}

TEST_F(MempoolTest, RefusesATxForAnotherChain) {
  Mempool mp = pool();
  Hash other = executor_.chain_id();
  other.data[0] ^= 1;
  Tx tx = make_transfer(other, test_key(1), 0, test_key(2).pubkey(), Amount::coins(1));
  expect_refused(mp.add(tx, state_), TxError::kWrongChain, "another chain");
}

TEST_F(MempoolTest, RefusesAZeroAmountTransfer) {
  Mempool mp = pool();
  expect_refused(mp.add(transfer(1, 0, kMinFee, Amount(0)), state_), TxError::kZeroAmount,
                 "amount must be greater than zero");
}

TEST_F(MempoolTest, RefusesAFeeBelowTheMinimumAndNamesBothFees) {
  Mempool mp = pool();
  auto r = mp.add(transfer(1, 0, Amount(50'000)), state_);
  expect_refused(r, TxError::kFeeTooLow, "0.00005");
  EXPECT_THAT(r.error().message(), HasSubstr("0.0001"));
}

TEST_F(MempoolTest, RefusesATxWithABadSignature) {
  Mempool mp = pool();
  Tx tx = transfer(1, 0);
  tx.signature.data[5] ^= 0x40;
  expect_refused(mp.add(tx, state_), TxError::kBadSignature, "signature");
  EXPECT_EQ(mp.size(), 0u);
}

TEST_F(MempoolTest, RefusesATransferToBytesThatAreNotAPublicKeyAndSaysWhy) {
  PubKey not_a_point;  // y = 2: no x satisfies the curve equation
  not_a_point.data[0] = 2;
  const Tx tx = make_transfer(executor_.chain_id(), test_key(1), 0, not_a_point, Amount::coins(1));
  SigCache cache(1024);
  Mempool cached(executor_.chain_id(), {}, executor_.registry_params(), &cache);
  const Status pre = cached.precheck(tx);  // what a peer's tx meets on its p2p strand
  EXPECT_EQ(pre.code_as<TxError>(), TxError::kRecipientNotAKey);
  EXPECT_THAT(pre.message(), HasSubstr("not a valid public key (not a point on the curve)"));
  expect_refused(cached.add(tx, state_), TxError::kRecipientNotAKey, to_hex(not_a_point));
  EXPECT_EQ(cached.size(), 0u);
  Mempool plain = pool();
  expect_refused(plain.add(tx, state_), TxError::kRecipientNotAKey, "could never be spent");
  EXPECT_TRUE(tx_refusal_is_senders_fault(TxError::kRecipientNotAKey))
      << "a peer relaying it could have checked it";
}

TEST_F(MempoolTest, RefusesATxAlreadyInThePool) {
  Mempool mp = pool();
  Tx tx = transfer(1, 0);
  ASSERT_TRUE(mp.add(tx, state_).has_value());
  expect_refused(mp.add(tx, state_), TxError::kDuplicate, "already in the mempool");
  EXPECT_EQ(mp.size(), 1u);
}

TEST_F(MempoolTest, RefusesANonceBelowTheCommittedNonce) {
  Mempool mp = pool();
  ChainState state;
  state.accounts.load(test_key(1).pubkey(), Account{Amount::coins(10), 3});
  state.accounts.rebuild();
  expect_refused(mp.add(transfer(1, 2), state), TxError::kNonceTooLow,
                 "nonce 2 too low: account nonce is 3");
}

TEST_F(MempoolTest, RefusesANonceThatWouldLeaveAGap) {
  Mempool mp = pool();
  ASSERT_TRUE(mp.add(transfer(1, 0), state_).has_value());
  expect_refused(mp.add(transfer(1, 2), state_), TxError::kNonceTooHigh,
                 "expected at most 1");
  expect_refused(mp.add(transfer(2, 1), state_), TxError::kNonceTooHigh, "gap");
}

TEST_F(MempoolTest, RefusesATxTheSendersEarlierPendingTxsLeaveUnaffordable) {
  Mempool mp = pool();  // test accounts hold 1000 coins
  ASSERT_TRUE(mp.add(transfer(1, 0, kMinFee, Amount::coins(600)), state_).has_value());
  expect_refused(mp.add(transfer(1, 1, kMinFee, Amount::coins(600)), state_),
                 TxError::kInsufficientBalance, "insufficient balance");
  EXPECT_TRUE(mp.add(transfer(1, 1, kMinFee, Amount::coins(300)), state_).has_value());
}

TEST_F(MempoolTest, RefusesATxWhoseAmountPlusFeeOverflows) {
  Mempool mp = pool();
  expect_refused(mp.add(transfer(1, 0, kMinFee, Amount(UINT64_MAX)), state_),
                 TxError::kAmountOverflow, "overflows");
}

TEST_F(MempoolTest, RefusesANewTxWhenFullAndNoEvictableTxPaysLess) {
  Mempool mp = pool({.max_count = 2, .max_bytes = 1 << 20, .min_fee = kMinFee});
  ASSERT_TRUE(mp.add(transfer(1, 0, Amount(200'000)), state_).has_value());
  ASSERT_TRUE(mp.add(transfer(2, 0, Amount(200'000)), state_).has_value());
  expect_refused(mp.add(transfer(3, 0, Amount(200'000)), state_), TxError::kMempoolFull,
                 "fee must exceed 0.0002");
  EXPECT_EQ(mp.size(), 2u);
}

// ---- replace-by-fee ----

TEST_F(MempoolTest, ReplaceByFeeAcceptsARaiseOfTenPercent) {
  Mempool mp = pool();
  Tx old_tx = transfer(1, 0, Amount(100'000));
  Tx new_tx = transfer(1, 0, Amount(110'000));
  ASSERT_TRUE(mp.add(old_tx, state_).has_value());
  ASSERT_TRUE(mp.add(new_tx, state_).has_value());
  EXPECT_FALSE(mp.contains(old_tx.id()));
  EXPECT_TRUE(mp.contains(new_tx.id()));
  EXPECT_EQ(mp.size(), 1u);
  EXPECT_EQ(mp.bytes(), new_tx.to_bytes().size());
}

TEST_F(MempoolTest, ReplaceByFeeRefusesASmallerRaiseAndNamesTheMinimum) {
  Mempool mp = pool();
  Tx old_tx = transfer(1, 0, Amount(100'000));
  ASSERT_TRUE(mp.add(old_tx, state_).has_value());
  expect_refused(mp.add(transfer(1, 0, Amount(109'999)), state_), TxError::kFeeTooLow,
                 "replacement fee must be at least 0.00011");
  EXPECT_TRUE(mp.contains(old_tx.id()));
}

TEST_F(MempoolTest, ReplacementDropsTheLaterTxsItMakesUnaffordable) {
  Mempool mp = pool();
  ASSERT_TRUE(mp.add(transfer(1, 0, kMinFee, Amount::coins(100)), state_).has_value());
  Tx second = transfer(1, 1, kMinFee, Amount::coins(800));
  Tx third = transfer(1, 2, kMinFee, Amount::coins(10));
  ASSERT_TRUE(mp.add(second, state_).has_value());
  ASSERT_TRUE(mp.add(third, state_).has_value());
  // Now nonce 0 spends 300: 1000 - 300 leaves too little for the 800 of nonce 1.
  ASSERT_TRUE(mp.add(transfer(1, 0, Amount(200'000), Amount::coins(300)), state_).has_value());
  EXPECT_FALSE(mp.contains(second.id()));
  EXPECT_FALSE(mp.contains(third.id()));  // would wait on nonce 1 forever
  EXPECT_EQ(mp.size(), 1u);
  EXPECT_EQ(mp.next_nonce(test_key(1).pubkey(), state_), 1u);
}

TEST_F(MempoolTest, ReplacementKeepsTheLaterTxsThatStillApply) {
  Mempool mp = pool();
  ASSERT_TRUE(mp.add(transfer(1, 0), state_).has_value());
  Tx second = transfer(1, 1);
  ASSERT_TRUE(mp.add(second, state_).has_value());
  ASSERT_TRUE(mp.add(transfer(1, 0, Amount(200'000)), state_).has_value());
  EXPECT_TRUE(mp.contains(second.id()));
  EXPECT_EQ(mp.size(), 2u);
}

// ---- eviction ----

TEST_F(MempoolTest, WhenFullEvictsTheLowestFeeTxAmongEachSendersLastTx) {
  Mempool mp = pool({.max_count = 3, .max_bytes = 1 << 20, .min_fee = kMinFee});
  Tx a0 = transfer(1, 0, Amount(100'000));  // lowest fee, but a1 depends on it
  Tx a1 = transfer(1, 1, Amount(500'000));
  Tx b0 = transfer(2, 0, Amount(150'000));
  for (const Tx& tx : {a0, a1, b0}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  Tx c0 = transfer(3, 0, Amount(300'000));
  ASSERT_TRUE(mp.add(c0, state_).has_value());
  EXPECT_FALSE(mp.contains(b0.id()));
  EXPECT_TRUE(mp.contains(a0.id()));
  EXPECT_TRUE(mp.contains(a1.id()));
  EXPECT_TRUE(mp.contains(c0.id()));
  EXPECT_EQ(mp.size(), 3u);
}

TEST_F(MempoolTest, WhenFullByBytesEvictsLastTxsOnlySoNoSenderIsLeftWithAGap) {
  const std::size_t size = tx_size();
  Mempool mp = pool({.max_count = 1000, .max_bytes = 3 * size, .min_fee = kMinFee});
  Tx a0 = transfer(1, 0, Amount(100'000));
  Tx a1 = transfer(1, 1, Amount(400'000));
  Tx b0 = transfer(2, 0, Amount(200'000));
  for (const Tx& tx : {a0, a1, b0}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  ASSERT_TRUE(mp.add(transfer(3, 0, Amount(300'000)), state_).has_value());  // evicts b0
  ASSERT_TRUE(mp.add(transfer(4, 0, Amount(450'000)), state_).has_value());  // evicts c0
  ASSERT_TRUE(mp.add(transfer(5, 0, Amount(500'000)), state_).has_value());  // evicts a1
  EXPECT_FALSE(mp.contains(b0.id()));
  EXPECT_FALSE(mp.contains(a1.id()));
  EXPECT_TRUE(mp.contains(a0.id()));  // a0 paid least of all, yet was never a sender's last
  EXPECT_EQ(mp.size(), 3u);
  EXPECT_LE(mp.bytes(), 3 * size);
}

TEST_F(MempoolTest, WhenFullDoesNotEvictTheNewTxsOwnSender) {
  Mempool mp = pool({.max_count = 2, .max_bytes = 1 << 20, .min_fee = kMinFee});
  Tx a0 = transfer(1, 0, Amount(100'000));
  Tx b0 = transfer(2, 0, Amount(500'000));
  ASSERT_TRUE(mp.add(a0, state_).has_value());
  ASSERT_TRUE(mp.add(b0, state_).has_value());
  Tx a1 = transfer(1, 1, Amount(600'000));
  ASSERT_TRUE(mp.add(a1, state_).has_value());  // a0 is cheaper, but a1 needs it
  EXPECT_TRUE(mp.contains(a0.id()));
  EXPECT_FALSE(mp.contains(b0.id()));
  EXPECT_TRUE(mp.contains(a1.id()));
}

// ---- selection ----

TEST_F(MempoolTest, SelectTakesTheHighestFeeHeadFirstAndEachSendersTxsInNonceOrder) {
  Mempool mp = pool();
  Tx a0 = transfer(1, 0, Amount(100'000));
  Tx a1 = transfer(1, 1, Amount(900'000));
  Tx b0 = transfer(2, 0, Amount(300'000));
  Tx c0 = transfer(3, 0, Amount(200'000));
  for (const Tx& tx : {a0, a1, b0, c0}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  EXPECT_EQ(mp.select(100, 1 << 20), (std::vector<Tx>{b0, c0, a0, a1}));
}

TEST_F(MempoolTest, SelectBreaksFeeTiesByEarlierArrival) {
  Mempool mp = pool();
  Tx first = transfer(3, 0);
  Tx second = transfer(1, 0);
  Tx third = transfer(2, 0);
  for (const Tx& tx : {first, second, third}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  EXPECT_EQ(mp.select(100, 1 << 20), (std::vector<Tx>{first, second, third}));
}

TEST_F(MempoolTest, SelectStopsAtTheCountAndByteLimits) {
  Mempool mp = pool();
  for (uint8_t s = 1; s <= 4; ++s) ASSERT_TRUE(mp.add(transfer(s, 0), state_).has_value());
  EXPECT_EQ(mp.select(2, 1 << 20).size(), 2u);
  EXPECT_EQ(mp.select(100, 3 * tx_size() - 1).size(), 2u);
  EXPECT_EQ(mp.size(), 4u);  // select does not remove anything
}

// ---- blocks ----

TEST_F(MempoolTest, OnBlockCommittedEvictsTheIncludedTxsAndKeepsTheRest) {
  Mempool mp = pool();
  Tx a0 = transfer(1, 0), a1 = transfer(1, 1), b0 = transfer(2, 0);
  for (const Tx& tx : {a0, a1, b0}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  const std::vector<Tx> block{a0, b0};
  mp.on_block_committed(block, after_block(state_, block));
  EXPECT_FALSE(mp.contains(a0.id()));
  EXPECT_FALSE(mp.contains(b0.id()));
  EXPECT_EQ(mp.select(100, 1 << 20), std::vector<Tx>{a1});
  EXPECT_EQ(mp.bytes(), a1.to_bytes().size());
}

TEST_F(MempoolTest, OnBlockCommittedDropsTxsTheBlockMadeStaleOrUnaffordable) {
  Mempool mp = pool();
  Tx a0 = transfer(1, 0, kMinFee, Amount::coins(10));
  Tx a1 = transfer(1, 1, kMinFee, Amount::coins(10));
  Tx b0 = transfer(2, 0);
  for (const Tx& tx : {a0, a1, b0}) ASSERT_TRUE(mp.add(tx, state_).has_value());
  // Another node's block holds a different nonce-0 tx of sender 1 that spends almost all.
  const std::vector<Tx> block{transfer(1, 0, kMinFee, Amount::coins(995))};
  mp.on_block_committed(block, after_block(state_, block));
  EXPECT_FALSE(mp.contains(a0.id()));  // nonce 0 is used
  EXPECT_FALSE(mp.contains(a1.id()));  // 10 coins no longer covered
  EXPECT_TRUE(mp.contains(b0.id()));
  EXPECT_EQ(mp.size(), 1u);
}

TEST_F(MempoolTest, AddWithANewerStateFirstPrunesTheSendersIncludedTxs) {
  Mempool mp = pool();
  Tx a0 = transfer(1, 0);
  ASSERT_TRUE(mp.add(a0, state_).has_value());
  const ChainState newer = after_block(state_, {a0});  // the pool has not been told yet
  ASSERT_TRUE(mp.add(transfer(1, 1), newer).has_value());
  EXPECT_FALSE(mp.contains(a0.id()));
  EXPECT_EQ(mp.size(), 1u);
}

TEST_F(MempoolTest, AddWithAStateBehindThePoolRefusesAndKeepsThePendingTxs) {
  Mempool mp = pool();
  Tx a0 = transfer(1, 0), a1 = transfer(1, 1);
  ASSERT_TRUE(mp.add(a0, state_).has_value());
  ASSERT_TRUE(mp.add(a1, state_).has_value());
  mp.on_block_committed({a0}, after_block(state_, {a0}));
  expect_refused(mp.add(transfer(1, 2), state_), TxError::kNonceTooHigh, "retry");
  EXPECT_TRUE(mp.contains(a1.id()));
}

// ---- batches, fees, threads ----

TEST_F(MempoolTest, AddBatchRefusesOnlyTheTxWithABadSignature) {
  const Executor executor(test_genesis(120));
  const ChainState state = executor.genesis_state();
  Mempool mp(executor.chain_id(), MempoolLimits{}, executor.registry_params());
  std::vector<Tx> txs;
  for (uint8_t s = 1; s <= 120; ++s)
    txs.push_back(make_transfer(executor.chain_id(), test_key(s), 0, test_key(s).pubkey(),
                                Amount::coins(1)));
  txs[37].signature.data[0] ^= 1;
  auto results = mp.add_batch(txs, state);
  ASSERT_EQ(results.size(), txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (i == 37) {
      expect_refused(results[i], TxError::kBadSignature, "signature");
    } else {
      EXPECT_TRUE(results[i].has_value()) << i << ": " << results[i].error().message();
    }
  }
  EXPECT_EQ(mp.size(), 119u);
}

TEST_F(MempoolTest, FeeEstimateIsTheMinimumFeeWhileThePoolIsAtMostHalfFull) {
  Mempool mp = pool({.max_count = 4, .max_bytes = 1 << 20, .min_fee = kMinFee});
  ASSERT_TRUE(mp.add(transfer(1, 0, Amount(700'000)), state_).has_value());
  ASSERT_TRUE(mp.add(transfer(2, 0, Amount(900'000)), state_).has_value());
  EXPECT_EQ(mp.fee_estimate(), kMinFee);
}

TEST_F(MempoolTest, FeeEstimateIsTheMedianFeePlusOneOnceThePoolIsOverHalfFull) {
  Mempool mp = pool({.max_count = 4, .max_bytes = 1 << 20, .min_fee = kMinFee});
  ASSERT_TRUE(mp.add(transfer(1, 0, Amount(300'000)), state_).has_value());
  ASSERT_TRUE(mp.add(transfer(2, 0, Amount(100'000)), state_).has_value());
  ASSERT_TRUE(mp.add(transfer(3, 0, Amount(200'000)), state_).has_value());
  EXPECT_EQ(mp.fee_estimate(), Amount(200'001));
}

TEST_F(MempoolTest, ConcurrentAddsAndSelectsLeaveAConsistentPool) {
  constexpr int kThreads = 4, kSendersPerThread = 2, kNonces = 25;
  Mempool mp = pool();
  std::vector<std::vector<Tx>> work(kThreads);  // signed up front: threads only add
  for (int t = 0; t < kThreads; ++t)
    for (uint64_t n = 0; n < kNonces; ++n)
      for (int s = 0; s < kSendersPerThread; ++s)
        work[t].push_back(transfer(static_cast<uint8_t>(1 + t * kSendersPerThread + s), n,
                                   Amount(100'000 + n)));

  std::vector<int> refused(kThreads, 0);
  std::vector<std::thread> adders;
  for (int t = 0; t < kThreads; ++t)
    adders.emplace_back([&, t] {
      for (const Tx& tx : work[t]) refused[t] += mp.add(tx, state_).has_value() ? 0 : 1;
    });
  // Every snapshot handed to a block producer holds each sender's txs from nonce 0, no gap.
  // (No ASSERT before the join: returning early would leave joinable threads.)
  int gaps = 0;
  for (int i = 0; i < 300; ++i) {
    std::map<PubKey, uint64_t> expected;
    for (const Tx& tx : mp.select(1000, 1 << 20)) gaps += tx.nonce == expected[tx.sender]++ ? 0 : 1;
  }
  for (auto& th : adders) th.join();
  EXPECT_EQ(gaps, 0);

  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(refused[t], 0);
  const std::size_t total = kThreads * kSendersPerThread * kNonces;
  EXPECT_EQ(mp.size(), total);
  EXPECT_EQ(mp.bytes(), total * tx_size());
  const std::vector<Tx> all = mp.select(1000, 1 << 20);
  ASSERT_EQ(all.size(), total);
  for (uint8_t s = 1; s <= kThreads * kSendersPerThread; ++s) {
    std::vector<uint64_t> want(kNonces);
    for (uint64_t n = 0; n < kNonces; ++n) want[n] = n;
    EXPECT_EQ(nonces_of(all, test_key(s).pubkey()), want);
  }
}

}  // namespace
}  // namespace swarmchain
