// p2p/message.h and the handshake bytes: golden vectors (tests/data/p2p_messages.json,
// rewritten with SWARMCHAIN_REGEN_GOLDEN=1), round trips, and decoder refusals.
#include <gtest/gtest.h>

#include <fstream>

#include "common/codec.h"
#include "common/hex.h"
#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "p2p/message.h"
#include "tests/common/golden.h"

namespace swarmchain::p2p {
namespace {

using nlohmann::json;
using swarmchain::testing::pattern;

const std::string kGoldenPath = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/p2p_messages.json";

std::vector<std::pair<std::string, Message>> cases() {
  Hello hello;
  hello.protocol_version = 1;
  hello.chain_id = pattern<Hash>(0x10);
  hello.genesis_hash = pattern<Hash>(0x20);
  hello.height = 0x0102030405;
  hello.listen_port = 22022;
  return {
      {"auth", Auth{pattern<Signature>(0x80)}},
      {"hello", hello},
      {"payload", Payload{Bytes{0xde, 0xad, 0xbe, 0xef}}},
      {"payload_empty", Payload{}},
      {"ping", Ping{42}},
      {"pong", Pong{0xffffffffffffffffULL}},
      {"get_peers", GetPeers{}},
      {"peers", Peers{{*PeerAddress::parse("127.0.0.1:22022"), *PeerAddress::parse("[::1]:8080")}}},
      {"peers_empty", Peers{}},
  };
}

// The handshake with fixed node keys and ephemeral seeds: every byte is deterministic.
json handshake_vector() {
  const KeyPair ik = KeyPair::from_seed(pattern<Seed>(0x01));
  const KeyPair rk = KeyPair::from_seed(pattern<Seed>(0x41));
  Handshake init(Role::kInitiator, ik, 1, pattern<Seed>(0x11));
  Handshake resp(Role::kResponder, rk, 1, pattern<Seed>(0x51));
  EXPECT_TRUE(init.receive(resp.our_message()));
  EXPECT_TRUE(resp.receive(init.our_message()));
  FrameSealer sealer(init.keys().tx);
  const Bytes ping_frame = *sealer.seal(encode_message(Ping{42}));
  const Bytes ping_frame_1 = *sealer.seal(encode_message(Ping{42}));
  return json{
      {"initiator_node_seed", to_hex(pattern<Seed>(0x01))},
      {"initiator_ephemeral_seed", to_hex(pattern<Seed>(0x11))},
      {"responder_node_seed", to_hex(pattern<Seed>(0x41))},
      {"responder_ephemeral_seed", to_hex(pattern<Seed>(0x51))},
      {"initiator_message", to_hex(init.our_message())},
      {"responder_message", to_hex(resp.our_message())},
      {"transcript", to_hex(init.transcript())},
      {"initiator_tx_key", to_hex(ByteView(init.keys().tx.data(), 32))},
      {"initiator_rx_key", to_hex(ByteView(init.keys().rx.data(), 32))},
      {"initiator_auth", to_hex(init.our_auth())},
      {"responder_auth", to_hex(resp.our_auth())},
      {"initiator_frame_0_ping_42", to_hex(ping_frame)},
      {"initiator_frame_1_ping_42", to_hex(ping_frame_1)},
  };
}

TEST(P2pGoldenFile, RegeneratesWhenAskedTo) {
  if (!swarmchain::testing::env_flag("SWARMCHAIN_REGEN_GOLDEN"))
    GTEST_SKIP() << "set SWARMCHAIN_REGEN_GOLDEN=1 to rewrite " << kGoldenPath;
  json j{{"_comment",
          "Golden vectors for p2p/message.h, p2p/handshake.h and p2p/frame.h (docs/p2p.md). Generated "
          "from the fixed values in tests/p2p/message_test.cpp (SWARMCHAIN_REGEN_GOLDEN=1); review every diff."}};
  for (const auto& [name, m] : cases()) j["messages"][name] = to_hex(encode_message(m));
  j["handshake"] = handshake_vector();
  std::ofstream out(kGoldenPath);
  ASSERT_TRUE(out);
  out << j.dump(2) << "\n";
}

TEST(P2pMessages, EveryKindEncodesToItsGoldenBytesAndDecodesBack) {
  const json golden = swarmchain::testing::load_golden("p2p_messages.json");
  for (const auto& [name, m] : cases()) {
    SCOPED_TRACE(name);
    const Bytes bytes = encode_message(m);
    EXPECT_EQ(to_hex(bytes), golden.at("messages").at(name).get<std::string>());
    auto back = decode_message(bytes);
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_TRUE(*back == m);
  }
}

TEST(P2pMessages, TheHandshakeMatchesItsGoldenBytes) {
  const json golden = swarmchain::testing::load_golden("p2p_messages.json");
  EXPECT_EQ(handshake_vector(), golden.at("handshake"));
}

TEST(P2pMessages, TheGrammarIsKindThenFields) {
  EXPECT_EQ(to_hex(encode_message(Ping{1})), "030100000000000000");
  EXPECT_EQ(to_hex(encode_message(GetPeers{})), "05");
  EXPECT_EQ(to_hex(encode_message(Peers{{*PeerAddress::parse("1.2.3.4:258")}})), "0601" "04" "01020304" "0201");
  EXPECT_EQ(encode_payload(Bytes{9, 8}), encode_message(Payload{Bytes{9, 8}}));
}

DecodeError code_of(const Bytes& b) {
  auto m = decode_message(b);
  EXPECT_FALSE(m.has_value());
  return m ? DecodeError::kOk : m.error().code_as<DecodeError>();
}

TEST(P2pMessages, DecodersRefuseBadInput) {
  EXPECT_EQ(code_of({}), DecodeError::kTruncated);
  EXPECT_EQ(code_of({7}), DecodeError::kBadEnum);
  EXPECT_EQ(code_of({0xff}), DecodeError::kBadEnum);
  EXPECT_EQ(code_of({5, 0}), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of({3, 1, 0, 0}), DecodeError::kTruncated);
  Bytes ping = encode_message(Ping{1});
  ping.push_back(0);
  EXPECT_EQ(code_of(ping), DecodeError::kTrailingBytes);
  Bytes auth = encode_message(Auth{});
  auth.pop_back();
  EXPECT_EQ(code_of(auth), DecodeError::kTruncated);
  EXPECT_EQ(code_of({6, 65}), DecodeError::kLengthTooLarge);  // 65 > 64 addresses
  EXPECT_EQ(code_of({6, 1, 5, 1, 2, 3, 4, 1, 0}), DecodeError::kBadEnum);  // family 5
  EXPECT_EQ(code_of({6, 1, 4, 1, 2, 3, 4, 0, 0}), DecodeError::kBadValue);  // port 0
  EXPECT_EQ(code_of({6, 2, 4, 1, 2, 3, 4, 1, 0}), DecodeError::kTruncated);  // one of two
  EXPECT_EQ(code_of({6, 0x80, 0}), DecodeError::kNonMinimalVarint);
}

TEST(P2pMessages, AFullPeerListRoundTrips) {
  Peers p;
  for (int i = 0; i < 64; ++i) p.addresses.push_back(*PeerAddress::parse("10.0.0." + std::to_string(i) + ":1"));
  auto back = decode_message(encode_message(p));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == Message(p));
}

TEST(PeerAddress, ParsesOnlyIpLiteralsWithAPort) {
  EXPECT_EQ(PeerAddress::parse("127.0.0.1:22022")->to_string(), "127.0.0.1:22022");
  EXPECT_EQ(PeerAddress::parse("[::1]:5")->to_string(), "[::1]:5");
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "localhost:1",
                          "::1:5", "[::1]5", "1.2.3:4", "1.2.3.4:5x", ":5", "[]:5"})
    EXPECT_FALSE(PeerAddress::parse(bad).has_value()) << bad;
}

}  // namespace
}  // namespace swarmchain::p2p
