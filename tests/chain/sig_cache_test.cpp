// The signature cache on the tx paths (common/sig_cache.h): the executor's block check and the
// mempool's two-step admission (chain/mempool.h: precheck without the chain's state, then add).
// Verifies are counted with SigCache::stats().verifies: the ed25519 checks actually run.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "chain/executor.h"
#include "chain/mempool.h"
#include "common/sig_cache.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::make_transfer;
using test::MemChain;
using test::test_key;

class SigCacheChainTest : public ::testing::Test {
 protected:
  SigCacheChainTest() : chain(test::genesis_with_nodes({210, 211, 212})) {
    chain.run_to(2);  // block 3 carries a last_commit with 4 signatures
  }

  // One transfer from each test account 1..n (nonces as committed).
  std::vector<Tx> transfers(int n) const {
    std::vector<Tx> txs;
    for (int i = 1; i <= n; ++i) {
      const KeyPair k = test_key(static_cast<uint8_t>(i));
      const uint64_t nonce = chain.state.accounts.get(k.pubkey()).value_or(Account{}).nonce;
      txs.push_back(make_transfer(chain.ex.chain_id(), k, nonce, test_key(99).pubkey(),
                                  Amount::coins(1)));
    }
    return txs;
  }
  Block build(const std::vector<Tx>& txs) const {
    const std::vector<PubKey> members = chain.ex.committee(chain.state, chain.tip.height.next());
    return chain.ex
        .build(chain.state, chain.tip, chain.cert, txs, chain.tip.time_ms + 500, members.front())
        .block;
  }
  Expected<ExecutedBlock> validate(const Block& b, SigCache* cache) const {
    return chain.ex.validate(chain.state, chain.tip, chain.cert, b, false, cache);
  }
  Mempool pool(SigCache* cache) const {
    return Mempool(chain.ex.chain_id(), {}, chain.ex.registry_params(), cache);
  }

  MemChain chain;
};

TEST_F(SigCacheChainTest, AWarmCacheValidatesABlockWithoutAnyEd25519Verify) {
  const Block b = build(transfers(4));
  ASSERT_EQ(b.txs.size(), 4u);
  ASSERT_TRUE(b.last_commit);
  ASSERT_EQ(b.last_commit->sigs.size(), 4u);
  SigCache cache(1024);
  ASSERT_TRUE(validate(b, &cache));
  EXPECT_EQ(cache.stats().verifies, 8u);  // 4 txs + 4 last_commit signatures
  const uint64_t key_hits_cold = cache.stats().key_hits;
  const auto warm = validate(b, &cache);
  ASSERT_TRUE(warm);
  EXPECT_EQ(cache.stats().verifies, 8u);
  EXPECT_EQ(cache.stats().hits, 8u);  // the 8 signatures; key checks count in key_hits
  EXPECT_EQ(cache.stats().key_hits - key_hits_cold, 4u);  // one per transfer's recipient
  // Same verdict and result as without a cache.
  const auto plain = validate(b, nullptr);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->state_root(), warm->state_root());
}

TEST_F(SigCacheChainTest, ABadTxSignatureIsRefusedWhenEveryOtherTxIsCached) {
  std::vector<Tx> txs = transfers(4);
  SigCache cache(1024);
  ASSERT_TRUE(validate(build(txs), &cache));  // warms txs 0..3
  txs[2].signature.data[5] ^= 1;
  const Block forged = build(txs);  // build() trusts its candidates' signatures
  ASSERT_EQ(forged.txs.size(), 4u);
  const uint64_t before = cache.stats().verifies;
  const auto r = validate(forged, &cache);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_NE(r.error().message().find("tx 2: bad signature"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(cache.stats().verifies, before + 1);  // only the forged one was checked
  EXPECT_FALSE(cache.contains(txs[2].sender, txs[2].signing_hash(), txs[2].signature));
  // And again: a refusal is never remembered as a pass.
  EXPECT_FALSE(validate(forged, &cache));
}

TEST_F(SigCacheChainTest, ATxAdmittedToTheMempoolIsNotVerifiedAgainInItsBlock) {
  SigCache cache(1024);
  Mempool mp = pool(&cache);
  const std::vector<Tx> txs = transfers(3);
  for (const Tx& tx : txs) ASSERT_TRUE(mp.add(tx, chain.state)) << "tx refused";
  EXPECT_EQ(cache.stats().verifies, 3u);
  const Block b = build(mp.select(100, 1 << 20));
  ASSERT_EQ(b.txs.size(), 3u);
  ASSERT_TRUE(validate(b, &cache));
  EXPECT_EQ(cache.stats().verifies, 3u + 4u);  // only the last_commit's 4 signatures
}

TEST_F(SigCacheChainTest, PrecheckOnOtherThreadsThenAddRunsNoVerify) {
  SigCache cache(1024);
  Mempool mp = pool(&cache);
  const std::vector<Tx> txs = transfers(4);
  // Step 1 on four threads, with no ChainState anywhere in sight.
  std::vector<Status> pre(txs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < txs.size(); ++i)
    threads.emplace_back([&, i] { pre[i] = mp.precheck(txs[i]); });
  for (auto& t : threads) t.join();
  for (const Status& s : pre) ASSERT_TRUE(s) << s.message();
  EXPECT_EQ(cache.stats().verifies, 4u);
  EXPECT_EQ(mp.size(), 0u);  // precheck admits nothing
  // Step 2 with the state.
  for (const Tx& tx : txs) ASSERT_TRUE(mp.add(tx, chain.state));
  EXPECT_EQ(cache.stats().verifies, 4u);
  EXPECT_EQ(mp.size(), 4u);
}

TEST_F(SigCacheChainTest, PrecheckRefusesWhatAddWouldRefuseWithoutState) {
  SigCache cache(1024);
  Mempool mp = pool(&cache);
  Tx forged = transfers(1).front();
  forged.signature.data[0] ^= 1;
  const Status s = mp.precheck(forged);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<TxError>(), TxError::kBadSignature);
  const auto added = mp.add(forged, chain.state);  // still refused after a precheck
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code_as<TxError>(), TxError::kBadSignature);
  EXPECT_EQ(cache.stats().rejected, 2u);

  const Hash other_chain_id = hash_tagged("swarmchain/test/other-chain/v1", {});
  Tx other_chain =
      make_transfer(other_chain_id, test_key(1), 0, test_key(99).pubkey(), Amount::coins(1));
  EXPECT_EQ(mp.precheck(other_chain).code_as<TxError>(), TxError::kWrongChain);
  Tx cheap = make_transfer(chain.ex.chain_id(), test_key(1), 0, test_key(99).pubkey(),
                           Amount::coins(1), Amount(1));
  EXPECT_EQ(mp.precheck(cheap).code_as<TxError>(), TxError::kFeeTooLow);
  EXPECT_EQ(mp.size(), 0u);
}

// Stateful rules are add()'s alone: a prechecked tx with a stale nonce is refused by add().
TEST_F(SigCacheChainTest, APrecheckedTxStillGoesThroughTheStatefulRules) {
  SigCache cache(1024);
  Mempool mp = pool(&cache);
  const Tx stale = make_transfer(chain.ex.chain_id(), test_key(1), 7, test_key(99).pubkey(),
                                 Amount::coins(1));
  ASSERT_TRUE(mp.precheck(stale));
  const auto added = mp.add(stale, chain.state);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code_as<TxError>(), TxError::kNonceTooHigh);
}

TEST_F(SigCacheChainTest, AMempoolWithoutACacheStillChecksEverySignature) {
  Mempool mp = pool(nullptr);
  Tx forged = transfers(1).front();
  forged.signature.data[0] ^= 1;
  EXPECT_EQ(mp.precheck(forged).code_as<TxError>(), TxError::kBadSignature);
  const auto added = mp.add(forged, chain.state);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code_as<TxError>(), TxError::kBadSignature);
  EXPECT_TRUE(mp.add(transfers(1).front(), chain.state));
}

}  // namespace
}  // namespace swarmchain
