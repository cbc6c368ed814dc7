// The mempool's free txs (chain/mempool.h, "Free txs"): uptime proofs and evidence enter without
// fee or nonce, at most one proof per node is pending (a newer one replaces it), one evidence per
// offender, the block rules refuse them early, select() proposes them, and a committed block
// re-checks them. Genesis nodes: test_key(200), 210, 211, 212 (all in the committee).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain/mempool.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using ::testing::HasSubstr;
using test::genesis_with_nodes;
using test::MemChain;
using test::test_key;

class MempoolFreeTest : public ::testing::Test {
 protected:
  MemChain chain{genesis_with_nodes({210, 211, 212})};
  Mempool pool{chain.ex.chain_id(), MempoolLimits{}, chain.ex.registry_params()};

  Tx proof(uint8_t k, uint64_t time_ms) const {
    return make_uptime_proof(test_key(k), chain.ex.chain_id(), time_ms, {});
  }
  Tx proof(uint8_t k) const { return proof(k, chain.tip.time_ms); }
  Tx evidence(uint8_t offender, uint8_t reporter, uint8_t salt = 0) const {
    auto v = [&](uint8_t b) {
      Vote x;
      x.type = VoteType::kPrevote;
      x.height = Height(1);
      x.block_hash.data.fill(static_cast<uint8_t>(b + salt));
      x.validator = test_key(offender).pubkey();
      x.sign(test_key(offender), chain.ex.chain_id());
      return x;
    };
    Tx tx;
    tx.chain_id = chain.ex.chain_id();
    tx.sender = test_key(reporter).pubkey();
    tx.payload = EvidencePayload{v(1), v(2)};
    tx.sign(test_key(reporter));
    return tx;
  }
  static void refused(const Expected<TxId>& r, int code, const std::string& words) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code(), code) << r.error().message();
    EXPECT_THAT(r.error().message(), HasSubstr(words));
  }
};

TEST_F(MempoolFreeTest, AProofIsAdmittedWithoutAFeeAndSelectedFirst) {
  const Tx paid = test::make_transfer(chain.ex.chain_id(), test_key(1), 0, test_key(2).pubkey(),
                                      Amount::coins(1), Amount(1'000'000));
  ASSERT_TRUE(pool.add(paid, chain.state));
  const Tx p = proof(200);
  auto r = pool.add(p, chain.state);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(pool.contains(p.id()));
  EXPECT_EQ(pool.get(p.id()), p);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.bytes(), p.to_bytes().size() + paid.to_bytes().size());
  EXPECT_EQ(pool.select(10, 1 << 20), (std::vector<Tx>{p, paid}));
  // And the block built from the selection takes it.
  EXPECT_TRUE(chain.build(pool.select(10, 1 << 20)).skipped.empty());
}

TEST_F(MempoolFreeTest, ANewerProofOfTheSameNodeReplacesTheOlderOne) {
  const Tx older = proof(200, chain.tip.time_ms);
  const Tx newer = proof(200, chain.tip.time_ms + 1);
  ASSERT_TRUE(pool.add(older, chain.state));
  ASSERT_TRUE(pool.add(newer, chain.state));
  EXPECT_FALSE(pool.contains(older.id()));
  EXPECT_TRUE(pool.contains(newer.id()));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.bytes(), newer.to_bytes().size());
  refused(pool.add(proof(200, chain.tip.time_ms - 1), chain.state),
          static_cast<int>(TxError::kDuplicate), "at least as new");
  EXPECT_TRUE(pool.contains(newer.id()));
  EXPECT_TRUE(pool.add(proof(210), chain.state)) << "another node's proof is its own entry";
  EXPECT_EQ(pool.size(), 2u);
}

TEST_F(MempoolFreeTest, AProofOfAnUnknownNodeIsRefusedOnArrival) {
  refused(pool.add(proof(77), chain.state), static_cast<int>(RegistryError::kUnknownNode),
          "not a registered service node");
  EXPECT_EQ(pool.size(), 0u);
}

TEST_F(MempoolFreeTest, AProofTooSoonByTheCommittedTipsTimeIsRefusedOnArrival) {
  chain.next({proof(200, chain.next_time())});
  refused(pool.add(proof(200, chain.tip.time_ms + 1), chain.state),
          static_cast<int>(RegistryError::kProofTooSoon), "next is accepted");
}

TEST_F(MempoolFreeTest, AProofWithAFeeIsRefusedAsNotFree) {
  Tx tx = proof(200);
  tx.fee = Amount(100'000);
  tx.sign(test_key(200));
  refused(pool.add(tx, chain.state), static_cast<int>(TxError::kNotFree), "fee 0");
}

TEST_F(MempoolFreeTest, ACommittedBlockDropsTheIncludedProofAndOnesThatBecameTooSoon) {
  const Tx mine = proof(200, chain.tip.time_ms);
  const Tx other = proof(210, chain.tip.time_ms);
  ASSERT_TRUE(pool.add(mine, chain.state));
  ASSERT_TRUE(pool.add(other, chain.state));
  // Node 210's proof reached the block through another relay, with another stamp.
  const Block b = chain.next({mine, proof(210, chain.tip.time_ms + 5)});
  pool.on_block_committed(b.txs, chain.state);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.bytes(), 0u);
}

TEST_F(MempoolFreeTest, OneEvidencePerOffenderIsPendingAndItIsProposed) {
  chain.run_to(2);
  const Tx e = evidence(212, 3);
  ASSERT_TRUE(pool.add(e, chain.state));
  refused(pool.add(evidence(212, 4, 10), chain.state), static_cast<int>(TxError::kDuplicate),
          "already in the mempool");
  EXPECT_EQ(pool.select(10, 1 << 20), std::vector<Tx>{e});
  const Block b = chain.next(pool.select(10, 1 << 20));
  pool.on_block_committed(b.txs, chain.state);
  EXPECT_EQ(pool.size(), 0u);
  refused(pool.add(evidence(212, 4, 20), chain.state),
          static_cast<int>(RegistryError::kNodeDeregistered), "already deregistered");
}

TEST_F(MempoolFreeTest, InvalidEvidenceIsRefusedOnArrival) {
  chain.run_to(2);
  refused(pool.add(evidence(50, 3), chain.state),
          static_cast<int>(TxError::kEvidenceNotInCommittee), "committee");
}

}  // namespace
}  // namespace swarmchain
