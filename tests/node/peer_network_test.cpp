// PeerNetwork's ban points: what is provably the sender's doing scores, what an honest peer on
// a live network also sends is only counted.
#include "node/peer_network.h"

#include <gtest/gtest.h>

#include "node/wire.h"
#include "tests/chain/test_util.h"
#include "tests/common/golden.h"

namespace swarmchain {
namespace {

TEST(PeerNetworkTest, FaultsOfTheSenderScoreBanPoints) {
  for (const char* r : {"malformed", "bad_signature", "bad_certificate", "bad_block", "tx_invalid"})
    EXPECT_GT(PeerNetwork::penalty_points(r), 0) << r;
  EXPECT_GE(PeerNetwork::penalty_points("bad_certificate"), PeerNetwork::penalty_points("malformed"));
}

TEST(PeerNetworkTest, WhatHonestPeersAlsoSendIsOnlyCounted) {
  for (const char* r : {"stale_height", "future_height", "round_too_far", "duplicate", "buffer_full",
                        "not_member", "not_proposer", "invalid_value", "tx_refused"})
    EXPECT_EQ(PeerNetwork::penalty_points(r), 0) << r;
}

TEST(PeerNetworkTest, OnlyConsensusMessagesAndTxsAreGossip) {
  EXPECT_TRUE(is_gossip_payload(Bytes{0, 1}));
  EXPECT_TRUE(is_gossip_payload(Bytes{1, 1}));
  EXPECT_TRUE(is_gossip_payload(Bytes{4, 1}));  // a tx batch
  EXPECT_FALSE(is_gossip_payload(Bytes{2, 1}));  // a block request goes to one peer
  EXPECT_FALSE(is_gossip_payload(Bytes{3, 1}));  // blocks answer one peer
  EXPECT_FALSE(is_gossip_payload(Bytes{}));
}

TEST(PeerNetworkTest, TxsAndTxBatchesAreDecodedOnceOtherPayloadsAreNot) {
  const Hash chain = swarmchain::testing::pattern<Hash>(0x11);
  const Tx a = test::make_transfer(chain, test::test_key(1), 0, test::test_key(2).pubkey(), Amount(1));
  const Tx b = test::make_transfer(chain, test::test_key(1), 1, test::test_key(2).pubkey(), Amount(1));
  EXPECT_EQ(PeerNetwork::decode_txs(wire::encode(a)), std::vector<Tx>{a});
  EXPECT_EQ(PeerNetwork::decode_txs(wire::encode(wire::TxBatch{{a, b}})), (std::vector<Tx>{a, b}));
  EXPECT_FALSE(PeerNetwork::decode_txs(wire::encode(wire::BlockRequest{Height(1), 1})));
  EXPECT_FALSE(PeerNetwork::decode_txs(Bytes{4, 1, 2, 0xff, 0xff}));  // the driver counts it
  EXPECT_FALSE(PeerNetwork::decode_txs(Bytes{}));
}

TEST(PeerNetworkTest, ABatchLosesOnlyItsFailingTxsAndForgeriesAreCountedAsFaults) {
  const Hash chain = swarmchain::testing::pattern<Hash>(0x11);
  Mempool pool(chain, MempoolLimits{}, RegistryParams{});
  const Tx good1 = test::make_transfer(chain, test::test_key(1), 0, test::test_key(2).pubkey(), Amount(1));
  const Tx good2 = test::make_transfer(chain, test::test_key(1), 1, test::test_key(2).pubkey(), Amount(1));
  Tx forged = test::make_transfer(chain, test::test_key(3), 0, test::test_key(2).pubkey(), Amount(1));
  forged.signature.data[5] ^= 1;
  const Tx other_chain = test::make_transfer(swarmchain::testing::pattern<Hash>(0x22), test::test_key(4), 0,
                                             test::test_key(2).pubkey(), Amount(1));
  Tx cheap = test::make_transfer(chain, test::test_key(5), 0, test::test_key(2).pubkey(), Amount(1));
  cheap.fee = Amount(1);  // below the floor: refused, but not a fault
  cheap.sign(test::test_key(5));
  std::vector<Tx> txs{good1, forged, cheap, other_chain, good2};
  EXPECT_EQ(PeerNetwork::drop_failing_txs(pool, txs), 2u);
  EXPECT_EQ(txs, (std::vector<Tx>{good1, good2}));
}

}  // namespace
}  // namespace swarmchain
