// p2p/handshake.h and p2p/frame.h: both sides derive the same keys, a tampered transcript or
// signature is refused, frames round-trip, and tampered, oversize, truncated, replayed or
// reordered frames are refused.
#include <gtest/gtest.h>

#include "common/crypto.h"
#include "p2p/frame.h"
#include "p2p/handshake.h"
#include "tests/common/golden.h"

namespace swarmchain::p2p {
namespace {

using swarmchain::testing::pattern;

struct Pair {
  KeyPair ik = KeyPair::from_seed(pattern<Seed>(0x01));
  KeyPair rk = KeyPair::from_seed(pattern<Seed>(0x41));
  Handshake init{Role::kInitiator, ik, 1};
  Handshake resp{Role::kResponder, rk, 1};
  bool run() { return init.receive(resp.our_message()).is_ok() && resp.receive(init.our_message()).is_ok(); }
};

TEST(Handshake, BothSidesDeriveTheSameTranscriptAndCrossedKeys) {
  Pair p;
  ASSERT_TRUE(p.run());
  EXPECT_EQ(p.init.transcript(), p.resp.transcript());
  EXPECT_EQ(p.init.keys().tx, p.resp.keys().rx);
  EXPECT_EQ(p.init.keys().rx, p.resp.keys().tx);
  EXPECT_NE(p.init.keys().tx, p.init.keys().rx);
  EXPECT_EQ(p.init.peer_node_key(), p.rk.pubkey());
  EXPECT_EQ(p.resp.peer_node_key(), p.ik.pubkey());
  EXPECT_TRUE(p.resp.verify_peer_auth(p.init.our_auth()));
  EXPECT_TRUE(p.init.verify_peer_auth(p.resp.our_auth()));
}

TEST(Handshake, TheFirstMessageIsMagicVersionEphemeralAndNodeKey) {
  Pair p;
  const Bytes& m = p.init.our_message();
  ASSERT_EQ(m.size(), kHandshakeMessageBytes);
  EXPECT_EQ(Bytes(m.begin(), m.begin() + 8), (Bytes{'S', 'W', 'C', 'H', 1, 0, 0, 0}));
  EXPECT_EQ(PubKey::from(ByteView(m).subspan(40, 32)), p.ik.pubkey());
}

TEST(Handshake, FreshEphemeralKeysMakeEveryTranscriptDifferent) {
  Pair a, b;
  ASSERT_TRUE(a.run());
  ASSERT_TRUE(b.run());
  EXPECT_NE(a.init.transcript(), b.init.transcript());
  EXPECT_NE(a.init.keys().tx, b.init.keys().tx);
}

TEST(Handshake, ASignatureOverAnotherTranscriptIsRefused) {
  Pair a, b;
  ASSERT_TRUE(a.run());
  ASSERT_TRUE(b.run());
  // The same node key, a replayed Auth from another session: refused.
  EXPECT_FALSE(b.resp.verify_peer_auth(a.init.our_auth()));
}

TEST(Handshake, ASignatureByAnotherKeyOrRoleIsRefused) {
  Pair p;
  ASSERT_TRUE(p.run());
  const KeyPair other = KeyPair::from_seed(pattern<Seed>(0x77));
  EXPECT_FALSE(p.resp.verify_peer_auth(other.sign(auth_message(p.resp.transcript(), Role::kInitiator))));
  // The responder's own signature reflected back to it (the role byte differs).
  EXPECT_FALSE(p.resp.verify_peer_auth(p.resp.our_auth()));
  Signature bad = p.init.our_auth();
  bad.data[5] ^= 1;
  EXPECT_FALSE(p.resp.verify_peer_auth(bad));
}

TEST(Handshake, ATamperedFirstMessageChangesTheTranscriptSoTheAuthFails) {
  Pair p;
  ASSERT_TRUE(p.init.receive(p.resp.our_message()));
  Bytes tampered = p.init.our_message();
  tampered[12] ^= 0x01;  // a bit of the initiator's ephemeral key, flipped on the way
  ASSERT_TRUE(p.resp.receive(tampered));
  EXPECT_NE(p.init.transcript(), p.resp.transcript());
  EXPECT_FALSE(p.resp.verify_peer_auth(p.init.our_auth()));
}

TEST(Handshake, BadFirstMessagesAreRefusedWithTheirReason) {
  const KeyPair k = KeyPair::from_seed(pattern<Seed>(0x01));
  Handshake h(Role::kResponder, k, 1);
  Handshake other_version(Role::kInitiator, k, 2);
  EXPECT_EQ(h.receive(other_version.our_message()).code_as<HandshakeError>(), HandshakeError::kVersionMismatch);
  Bytes garbage(72, 0x41);
  EXPECT_EQ(h.receive(garbage).code_as<HandshakeError>(), HandshakeError::kBadMessage);
  Handshake ok(Role::kInitiator, k, 1);
  Bytes shorter(ok.our_message().begin(), ok.our_message().end() - 1);
  EXPECT_EQ(h.receive(shorter).code_as<HandshakeError>(), HandshakeError::kBadMessage);
  Bytes zero_key = ok.our_message();
  std::fill(zero_key.begin() + 8, zero_key.begin() + 40, 0);  // a low-order X25519 point
  EXPECT_EQ(h.receive(zero_key).code_as<HandshakeError>(), HandshakeError::kBadKey);
}

Bytes bytes_of_size(std::size_t n) { return Bytes(n, 0x5a); }

std::array<uint8_t, 32> key_of(uint8_t b) {
  std::array<uint8_t, 32> k{};
  k.fill(b);
  return k;
}

TEST(Frame, SealedFramesOpenInOrderAndCountersAdvance) {
  FrameSealer s(key_of(3));
  FrameOpener o(key_of(3), 1024);
  for (int i = 0; i < 5; ++i) {
    const Bytes msg(static_cast<std::size_t>(i * 10), static_cast<uint8_t>(i));
    auto f = s.seal(msg);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->size(), 4 + msg.size() + 16);
    EXPECT_EQ(*o.frame_length(*f), msg.size() + 16);
    auto back = o.open(*f);
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, msg);
  }
  EXPECT_EQ(s.counter(), 5u);
  EXPECT_EQ(o.counter(), 5u);
}

TEST(Frame, TheNonceIsTheCounterLittleEndianThenZeros) {
  const auto n = frame_nonce(0x0102030405060708ULL);
  EXPECT_EQ(n[0], 0x08);
  EXPECT_EQ(n[7], 0x01);
  for (std::size_t i = 8; i < 24; ++i) EXPECT_EQ(n[i], 0);
}

FrameError code_of(const Expected<Bytes>& r) {
  EXPECT_FALSE(r.has_value());
  return r ? FrameError::kOk : r.error().code_as<FrameError>();
}

TEST(Frame, TamperedFramesAreRefusedAndDoNotAdvanceTheCounter) {
  FrameSealer s(key_of(3));
  FrameOpener o(key_of(3), 1024);
  const Bytes f = *s.seal(bytes_of_size(40));
  for (std::size_t i : {std::size_t{4}, std::size_t{20}, f.size() - 1}) {
    Bytes t = f;
    t[i] ^= 0x80;
    EXPECT_EQ(code_of(o.open(t)), FrameError::kDecryptFailed) << i;
  }
  EXPECT_EQ(o.counter(), 0u);
  EXPECT_TRUE(o.open(f));
}

TEST(Frame, WrongKeyReplayAndReorderAreRefused) {
  FrameSealer s(key_of(3));
  FrameOpener wrong(key_of(4), 1024);
  const Bytes f0 = *s.seal(bytes_of_size(8));
  const Bytes f1 = *s.seal(bytes_of_size(8));
  EXPECT_EQ(code_of(wrong.open(f0)), FrameError::kDecryptFailed);
  FrameOpener o(key_of(3), 1024);
  EXPECT_EQ(code_of(o.open(f1)), FrameError::kDecryptFailed);  // reordered
  ASSERT_TRUE(o.open(f0));
  EXPECT_EQ(code_of(o.open(f0)), FrameError::kDecryptFailed);  // replayed
  EXPECT_TRUE(o.open(f1));
}

TEST(Frame, OversizeShortAndTruncatedFramesAreRefused) {
  FrameSealer s(key_of(3));
  FrameOpener o(key_of(3), 100);
  EXPECT_EQ(o.frame_length(Bytes{0xff, 0xff, 0xff, 0xff}).error().code_as<FrameError>(), FrameError::kTooLarge);
  EXPECT_EQ(o.frame_length(Bytes{101, 0, 0, 0}).error().code_as<FrameError>(), FrameError::kTooLarge);
  EXPECT_TRUE(o.frame_length(Bytes{100, 0, 0, 0}));
  EXPECT_EQ(o.frame_length(Bytes{15, 0, 0, 0}).error().code_as<FrameError>(), FrameError::kTooShort);
  EXPECT_EQ(o.frame_length(Bytes{16, 0}).error().code_as<FrameError>(), FrameError::kTooShort);
  const Bytes f = *s.seal(bytes_of_size(30));
  EXPECT_EQ(code_of(o.open(ByteView(f).first(f.size() - 1))), FrameError::kTooShort);
  Bytes longer = f;
  longer.push_back(0);
  EXPECT_EQ(code_of(o.open(longer)), FrameError::kTooShort);
  // The length is authenticated: a frame with its length changed does not open.
  Bytes relabelled = f;
  relabelled[0] = static_cast<uint8_t>(relabelled[0] - 1);
  relabelled.pop_back();
  EXPECT_EQ(code_of(o.open(relabelled)), FrameError::kDecryptFailed);
}

}  // namespace
}  // namespace swarmchain::p2p
