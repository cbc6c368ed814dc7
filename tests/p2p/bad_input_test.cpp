// Bad input (issue 9): each case is a raw TCP client against Host A while an honest Host B is
// connected to A. Each checks that A drops the bad peer for the named reason (drop_counts) and
// still serves B afterwards, with its tables bounded.
#include <gtest/gtest.h>

#include <thread>

#include "tests/p2p/support.h"

namespace swarmchain::p2p::test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    HostConfig ac = test_config();
    ac.handshake_timeout_ms = 1'500;
    ac.frame_timeout_ms = 1'500;
    ac.max_handshaking = 16;
    ac.gossip_dedup_window_ms = 600'000;
    a_ = std::make_unique<TestNode>(ac);
    HostConfig bc = test_config();
    bc.seeds = {a_->address()};
    b_ = std::make_unique<TestNode>(bc);
    ASSERT_TRUE(eventually([&] { return a_->connected_to(*b_) && b_->connected_to(*a_); }));
  }

  void honest_peer_still_served() {
    const std::string msg = "honest " + std::to_string(++n_);
    b_->host->broadcast(bytes_of(msg));
    a_->host->broadcast(bytes_of(msg + " back"));
    EXPECT_TRUE(eventually([&] { return a_->handler.count(msg) == 1 && b_->handler.count(msg + " back") == 1; }));
    EXPECT_TRUE(a_->connected_to(*b_));
  }

  uint16_t port() const { return a_->host->port(); }
  const HostConfig& cfg() const { return a_->config; }

  std::unique_ptr<TestNode> a_, b_;
  int n_ = 0;
};

TEST_F(BadInput, GarbageBytesAreDroppedAtOnce) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw.write(bytes_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  EXPECT_TRUE(raw.wait_closed(3s));  // well before the 1.5 s handshake deadline would matter
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "bad_handshake") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, ATruncatedFrameThenCloseIsCounted) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.handshake(KeyPair::generate(), cfg()));
  auto frame = *raw.sealer()->seal(encode_message(Ping{1}));
  ASSERT_TRUE(raw.write(ByteView(frame).first(frame.size() - 5)));
  raw.close();
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "truncated_frame") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AnOversizedLengthPrefixIsDroppedWithoutReadingIt) {
  RawPeer raw(port());
  const KeyPair key = KeyPair::generate();
  ASSERT_TRUE(raw.handshake(key, cfg()));
  ASSERT_TRUE(raw.write(Bytes{0xff, 0xff, 0xff, 0x7f}));
  EXPECT_TRUE(raw.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "oversize_frame") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AHandshakeSignedByAnotherKeyThanTheClaimedOneIsRefused) {
  RawPeer raw(port());
  const KeyPair claimed = b_->key;  // it claims to be the honest node
  ASSERT_TRUE(raw.exchange_first_messages(claimed));
  ASSERT_TRUE(raw.send_auth(KeyPair::generate()));
  EXPECT_TRUE(raw.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "bad_auth") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AReplayedHandshakeCannotFinish) {
  const KeyPair honest = KeyPair::generate();
  Bytes recorded;
  {
    RawPeer first(port());
    ASSERT_TRUE(first.handshake(honest, cfg()));
    ASSERT_TRUE(eventually([&] { return a_->host->peer_count() == 2; }));
    recorded = first.written();  // first message, Auth and Hello frames
  }
  ASSERT_TRUE(eventually([&] { return a_->host->peer_count() == 1; }));
  RawPeer replay(port());
  ASSERT_TRUE(replay.write(recorded));
  EXPECT_TRUE(replay.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "decrypt_failed") == 1; }));
  EXPECT_EQ(a_->host->peer_count(), 1u);
  EXPECT_EQ(a_->handler.connects.load(), 2);  // B and the honest first session only
  honest_peer_still_served();
}

TEST_F(BadInput, APeerOnAnotherChainIdIsRefusedWithTheReason) {
  RawPeer raw(port());
  HostConfig other = cfg();
  other.chain_id.data[0] ^= 0xff;
  raw.handshake(KeyPair::generate(), other);
  EXPECT_TRUE(raw.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "wrong_chain") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AHostOnAnotherGenesisIsRefusedOnBothSides) {
  HostConfig cc = test_config();
  cc.genesis_hash.data[31] ^= 1;
  cc.seeds = {a_->address()};
  TestNode c(cc);
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "wrong_genesis") >= 1 && drops(*c.host, "wrong_genesis") >= 1; }));
  EXPECT_EQ(c.host->peer_count(), 0u);
  EXPECT_EQ(a_->host->peer_count(), 1u);
  honest_peer_still_served();
}

TEST_F(BadInput, AnotherProtocolVersionIsRefused) {
  RawPeer raw(port());
  Handshake hs(Role::kInitiator, b_->key, 2);
  ASSERT_TRUE(raw.write(hs.our_message()));
  EXPECT_TRUE(raw.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "protocol_version") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, ASlowHandshakeIsDroppedAtItsDeadline) {
  RawPeer raw(port());
  Handshake hs(Role::kInitiator, b_->key, 1);
  const auto start = std::chrono::steady_clock::now();
  // A byte every 200 ms: the 72 bytes would take 14 s; the deadline is 1.5 s.
  bool closed = false;
  for (std::size_t i = 0; i < kHandshakeMessageBytes && !closed; ++i) {
    if (!raw.write(ByteView(hs.our_message()).subspan(i, 1))) break;
    closed = raw.wait_closed(200ms);
  }
  EXPECT_TRUE(closed || raw.wait_closed());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "handshake_timeout") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, ASlowFrameIsDroppedAtTheFrameDeadline) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.handshake(KeyPair::generate(), cfg()));
  const Bytes frame = *raw.sealer()->seal(encode_message(Payload{Bytes(100, 1)}));
  bool closed = false;
  for (std::size_t i = 0; i < frame.size() && !closed; ++i) {
    if (!raw.write(ByteView(frame).subspan(i, 1))) break;
    closed = raw.wait_closed(200ms);
  }
  EXPECT_TRUE(closed || raw.wait_closed());
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "frame_timeout") == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AFloodOfConnectionsIsBoundedAndTheHonestPeerUnaffected) {
  std::vector<std::unique_ptr<RawPeer>> flood;
  std::size_t max_seen = 0;
  for (int i = 0; i < 200; ++i) {
    flood.push_back(std::make_unique<RawPeer>(port()));
    max_seen = std::max(max_seen, a_->host->memory().connections);
  }
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "too_many_connections") >= 200 - 16; }));
  EXPECT_LE(max_seen, 16u + 1u);
  EXPECT_LE(a_->host->memory().connections, 16u + 1u);
  honest_peer_still_served();
  // The 16 held connections end at the handshake deadline.
  EXPECT_TRUE(eventually([&] { return drops(*a_->host, "handshake_timeout") == 16; }));
  EXPECT_TRUE(eventually([&] { return a_->host->memory().connections == 1; }));
  honest_peer_still_served();
}

TEST_F(BadInput, AFloodOfDuplicateGossipReachesTheHandlerOnce) {
  RawPeer raw(port());
  ASSERT_TRUE(raw.handshake(KeyPair::generate(), cfg()));
  const Bytes vote = bytes_of("gossip vote 42");
  constexpr int kN = 10'000;
  Bytes batch;
  for (int i = 0; i < kN; ++i) {
    const Bytes f = *raw.sealer()->seal(encode_message(Payload{vote}));
    batch.insert(batch.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(raw.write(batch));
  ASSERT_TRUE(eventually([&] {
    return drops(*a_->host, "duplicate") + drops(*a_->host, "gossip_rate_limited") == kN - 1;
  }));
  EXPECT_EQ(a_->handler.count("gossip vote 42"), 1u);
  const HostMemory m = a_->host->memory();
  EXPECT_EQ(m.seen_gossip, 1u);
  EXPECT_EQ(m.connections, 2u);
  EXPECT_EQ(b_->handler.count("gossip vote 42"), 0u);  // A's handler did not relay it
  honest_peer_still_served();
}

}  // namespace
}  // namespace swarmchain::p2p::test
