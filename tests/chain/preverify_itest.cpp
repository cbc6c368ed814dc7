// Sync's preverify (chain/preverify.h, Blockchain::preverify) and the Blockchain's own
// signature cache, on real stores: a node that fetched a batch of certified blocks preverifies
// them, then commits them on its chain thread without a single ed25519 verify; forged
// signatures are never cached and the commit still refuses them.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "chain/preverify.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::certify_all;
using test::make_transfer;
using test::TempDir;
using test::test_key;

constexpr int kBlocks = 12;  // crosses the epoch boundary at 10 (dev params)

class PreverifyTest : public ::testing::Test {
 protected:
  // Four genesis nodes: every certificate carries four signatures.
  Genesis genesis = test::genesis_with_nodes({210, 211, 212});
  TempDir source_dir{"swarmchain-preverify-src"};
  TempDir fresh_dir{"swarmchain-preverify-dst"};

  std::unique_ptr<Blockchain> open(const TempDir& dir) const {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    return bc ? std::move(*bc) : nullptr;
  }

  // Commits the next block on `bc` with one transfer from each of accounts 1..4.
  static void commit_transfers(Blockchain& bc) {
    std::vector<Tx> txs;
    for (uint8_t k = 1; k <= 4; ++k) {
      const uint64_t nonce = bc.account(test_key(k).pubkey()).value_or(Account{}).nonce;
      txs.push_back(make_transfer(bc.chain_id(), test_key(k), nonce, test_key(99).pubkey(),
                                  Amount::coins(1)));
    }
    test::commit_certified(bc, txs);
  }

  // A source chain of kBlocks blocks, and the batch a syncing node would fetch from it.
  void SetUp() override {
    source = open(source_dir);
    ASSERT_TRUE(source);
    for (int i = 0; i < kBlocks; ++i) ASSERT_NO_FATAL_FAILURE(commit_transfers(*source));
    for (uint64_t h = 1; h <= kBlocks; ++h) {
      auto b = source->store().block_at(Height(h));
      ASSERT_TRUE(b);
      auto c = test::read_ok(source->store().certificate_at(Height(h)));
      ASSERT_TRUE(c);
      blocks.push_back(std::move(*b));
      certs.push_back(std::move(*c));
    }
  }

  std::unique_ptr<Blockchain> source;
  std::vector<Block> blocks;
  std::vector<CommitCertificate> certs;
};

TEST_F(PreverifyTest, APreverifiedBatchCommitsWithoutAnyEd25519Verify) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  const PreverifyResult r = fresh->preverify(blocks, certs);
  EXPECT_EQ(r.tx_signatures, 4u * kBlocks);
  // Each block's last_commit is the previous block's certificate: looked at once.
  EXPECT_EQ(r.cert_signatures, 4u * kBlocks);
  EXPECT_EQ(r.invalid, 0u);
  EXPECT_EQ(r.unresolved, 0u);
  const uint64_t verifies = fresh->sig_cache().stats().verifies;
  EXPECT_EQ(verifies, 8u * kBlocks);
  for (int i = 0; i < kBlocks; ++i) {
    Status s = fresh->commit(blocks[i], certs[i]);
    ASSERT_TRUE(s) << "block " << i + 1 << ": " << s.message();
  }
  EXPECT_EQ(fresh->sig_cache().stats().verifies, verifies);
  EXPECT_EQ(fresh->tip().hash, source->tip().hash);
}

TEST_F(PreverifyTest, RecipientKeysArePreverifiedSoTheCommitChecksNone) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  fresh->preverify(blocks, certs);
  const uint64_t key_checks = fresh->sig_cache().stats().key_checks;
  EXPECT_GE(key_checks, 1u);  // every transfer pays test_key(99)
  for (int i = 0; i < kBlocks; ++i) ASSERT_TRUE(fresh->commit(blocks[i], certs[i]));
  EXPECT_EQ(fresh->sig_cache().stats().key_checks, key_checks);
}

TEST_F(PreverifyTest, ATransferToBytesThatAreNotAKeyIsCountedInvalidAndRefusedAtCommit) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  PubKey not_a_point;  // y = 2: no x satisfies the curve equation
  not_a_point.data[0] = 2;
  Block bad = blocks[0];
  bad.txs[0] = make_transfer(fresh->chain_id(), test_key(1), 0, not_a_point, Amount::coins(1));
  bad.header.tx_root = bad.compute_tx_root();  // validly signed; only the recipient is wrong
  const PreverifyResult r = fresh->preverify(std::span(&bad, 1), {});
  EXPECT_EQ(r.invalid, 1u);
  const auto v = fresh->validate(bad);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code_as<BlockError>(), BlockError::kBadTx);
  EXPECT_NE(v.error().message().find("recipient_not_a_key"), std::string::npos)
      << v.error().message();
}

TEST_F(PreverifyTest, WithoutPreverifyTheSameCommitsVerifyEverySignatureOnce) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  for (int i = 0; i < kBlocks; ++i) ASSERT_TRUE(fresh->commit(blocks[i], certs[i]));
  // Tx signatures once each; every certificate's 4 signatures once (as the block's own
  // certificate), then hits when the next block carries it as last_commit.
  EXPECT_EQ(fresh->sig_cache().stats().verifies, 8u * kBlocks);
}

TEST_F(PreverifyTest, AForgedCertificateIsNotCachedAndTheCommitStillRefusesIt) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  std::vector<CommitCertificate> forged = certs;
  // Three valid signatures would make a quorum of four: forge them all but one, so the
  // certificate cannot pass.
  for (int s = 0; s < 3; ++s) forged[0].sigs[s].signature.data[1] ^= 1;
  const PreverifyResult r = fresh->preverify(std::span(blocks).first(1), std::span(forged).first(1));
  EXPECT_EQ(r.invalid, 3u);
  const Status s = fresh->commit(blocks[0], forged[0]);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<BlockError>(), BlockError::kBadLastCommit);
  EXPECT_EQ(fresh->tip().header.height, Height(0));
  EXPECT_TRUE(fresh->commit(blocks[0], certs[0]));
}

TEST_F(PreverifyTest, ABlockWithAForgedTxIsRefusedAfterItsOtherSignaturesWerePreverified) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  fresh->preverify(std::span(blocks).first(1), std::span(certs).first(1));
  Block bad = blocks[0];
  bad.txs[1].signature.data[3] ^= 1;
  bad.header.tx_root = bad.compute_tx_root();  // a well-formed block, just a forged tx
  const PreverifyResult r = fresh->preverify(std::span(&bad, 1), {});
  EXPECT_EQ(r.invalid, 1u);
  const auto v = fresh->validate(bad);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code_as<BlockError>(), BlockError::kBadTx);
}

// A wrong committee guess caches nothing wrong: the commit verifies against the real committee.
TEST_F(PreverifyTest, AWrongCommitteeGuessCostsVerifiesNotCorrectness) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  const std::vector<PubKey> wrong{test_key(1).pubkey(), test_key(2).pubkey(),
                                  test_key(3).pubkey(), test_key(4).pubkey()};
  const PreverifyResult r =
      preverify(std::span(blocks).first(2), std::span(certs).first(2), fresh->chain_id(),
                [&](Height) { return wrong; }, fresh->sig_cache());
  EXPECT_EQ(r.invalid, r.cert_signatures);
  EXPECT_EQ(r.cert_signatures, 8u);
  const uint64_t before = fresh->sig_cache().stats().verifies;
  ASSERT_TRUE(fresh->commit(blocks[0], certs[0]));
  EXPECT_EQ(fresh->sig_cache().stats().verifies, before + 4);  // the real signers, now
}

TEST_F(PreverifyTest, SignersOutsideTheCommitteeAreCountedAsUnresolved) {
  auto fresh = open(fresh_dir);
  ASSERT_TRUE(fresh);
  const PreverifyResult r =
      preverify(std::span(blocks).first(1), std::span(certs).first(1), fresh->chain_id(),
                [](Height) { return std::vector<PubKey>{}; }, fresh->sig_cache());
  EXPECT_EQ(r.unresolved, 4u);
  EXPECT_EQ(r.cert_signatures, 0u);
  EXPECT_EQ(r.tx_signatures, 4u);
}

// The node's mempool shares the Blockchain's cache: a tx checked at admission costs no verify
// when its block is committed.
TEST_F(PreverifyTest, TheMempoolAndTheChainShareOneCache) {
  Mempool mp(source->chain_id(), {}, source->executor().registry_params(), &source->sig_cache());
  const uint64_t nonce = source->account(test_key(1).pubkey())->nonce;
  const Tx tx =
      make_transfer(source->chain_id(), test_key(1), nonce, test_key(98).pubkey(), Amount::coins(1));
  ASSERT_TRUE(mp.precheck(tx));
  std::optional<Expected<TxId>> added;
  source->with_state([&](const ChainState& s, const ChainTip&) { added.emplace(mp.add(tx, s)); });
  ASSERT_TRUE(*added);
  const uint64_t before = source->sig_cache().stats().verifies;
  const std::vector<PubKey> members = source->committee(source->tip().header.height.next());
  Block b;
  source->with_state([&](const ChainState& state, const ChainTip& tip) {
    b = source->executor()
            .build(state, tip.header, tip.cert, mp.select(10, 1 << 20), tip.header.time_ms + 500,
                   members.front())
            .block;
  });
  ASSERT_EQ(b.txs.size(), 1u);
  ASSERT_TRUE(source->commit(b, certify_all(source->chain_id(), b, members)));
  // The new certificate's 4 signatures are new; the tx and the last_commit are hits.
  EXPECT_EQ(source->sig_cache().stats().verifies, before + 4);
}

}  // namespace
}  // namespace swarmchain
