// PeerNetwork's ban points: what is provably the sender's doing scores, what an honest peer on
// a live network also sends is only counted.
#include "node/peer_network.h"

#include <gtest/gtest.h>

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
  EXPECT_FALSE(is_gossip_payload(Bytes{2, 1}));  // a block request goes to one peer
  EXPECT_FALSE(is_gossip_payload(Bytes{3, 1}));  // blocks answer one peer
  EXPECT_FALSE(is_gossip_payload(Bytes{}));
}

}  // namespace
}  // namespace swarmchain
