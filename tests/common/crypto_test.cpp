#include "common/crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

#include "common/hex.h"

namespace swarmchain {
namespace {

// Expected values below were computed outside swarmchain (see golden_vectors.py / RFC 8032).

// Python: hashlib.blake2b(b"swarmchain/test" + b"abc", digest_size=32).hexdigest()
constexpr char kTaggedAbc[] = "39a4a3bee2123913c4a7759c3e531cbafe92972e0d014f66c86862542a7be0cc";

// RFC 8032 §7.1, TEST 1.
constexpr char kRfcSeed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kRfcPubKey[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kRfcEmptySig[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
    "46bd25bf5f0595bbe24655141438e7a100b";
// Python, birational map u = (1 + y) / (1 - y) mod 2^255 - 19 applied to kRfcPubKey.
constexpr char kRfcX25519[] = "d85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e";

template <typename Fixed>
Fixed fixed(std::string_view hex) {
  auto f = fixed_from_hex<Fixed>(hex);
  EXPECT_TRUE(f.has_value()) << hex;
  return f.value_or(Fixed{});
}

KeyPair rfc_key() { return KeyPair::from_seed(fixed<Seed>(kRfcSeed)); }

// ---- hashing ----

TEST(TaggedHash, MatchesBlake2b256OfTagFollowedByData) {
  EXPECT_EQ(to_hex(hash_tagged("swarmchain/test", as_bytes("abc"))), kTaggedAbc);
}

TEST(TaggedHash, DifferentTagsGiveDifferentHashes) {
  EXPECT_NE(hash_tagged("swarmchain/test", as_bytes("abc")),
            hash_tagged("swarmchain/test2", as_bytes("abc")));
  EXPECT_NE(hash_tagged("swarmchain/a/v1", {}), hash_tagged("swarmchain/b/v1", {}));
}

TEST(TaggedHash, DifferentDataGiveDifferentHashes) {
  EXPECT_NE(hash_tagged("swarmchain/test", as_bytes("abc")),
            hash_tagged("swarmchain/test", as_bytes("abd")));
}

// crypto.h: the tag is hashed as raw bytes with no length prefix (tags are fixed constants).
TEST(TaggedHash, HashesTheTagAsARawPrefix) {
  EXPECT_EQ(hash_tagged("swarmchain/test", as_bytes("abc")),
            hash_tagged("swarmchain/tes", as_bytes("tabc")));
}

TEST(Hasher, StreamingEqualsOneShot) {
  const std::string data(1000, 'x');
  Hasher h("swarmchain/test");
  h.update(as_bytes(std::string_view(data).substr(0, 1)));
  h.update(as_bytes(std::string_view(data).substr(1, 499)));
  h.update(ByteView{});
  h.update(as_bytes(std::string_view(data).substr(500)));
  EXPECT_EQ(h.final(), hash_tagged("swarmchain/test", as_bytes(data)));
}

TEST(Hasher, StreamingAbcMatchesKnownAnswer) {
  Hasher h("swarmchain/test");
  h.update(as_bytes("a")).update(as_bytes("bc"));
  EXPECT_EQ(to_hex(h.final()), kTaggedAbc);
}

TEST(Hasher, UpdatesWithFixedBytesAsRawBytes) {
  const Hash x = hash_tagged("swarmchain/test", as_bytes("x"));
  EXPECT_EQ(Hasher("swarmchain/test").update(x).final(),
            hash_tagged("swarmchain/test", x.view()));
}

// ---- ed25519 ----

TEST(KeyPair, FromSeedMatchesRfc8032PublicKey) {
  EXPECT_EQ(to_hex(rfc_key().pubkey()), kRfcPubKey);
}

TEST(KeyPair, FromSeedMatchesRfc8032EmptyMessageSignature) {
  EXPECT_EQ(to_hex(rfc_key().sign(ByteView{})), kRfcEmptySig);
}

TEST(KeyPair, FromSeedIsDeterministic) {
  const Seed seed = random_fixed<Seed>();
  const KeyPair a = KeyPair::from_seed(seed);
  const KeyPair b = KeyPair::from_seed(seed);
  EXPECT_EQ(a.pubkey(), b.pubkey());
  EXPECT_EQ(a.seed(), seed);
  EXPECT_EQ(a.sign(as_bytes("m")), b.sign(as_bytes("m")));
}

TEST(KeyPair, GenerateGivesDistinctKeys) {
  EXPECT_NE(KeyPair::generate().pubkey(), KeyPair::generate().pubkey());
}

TEST(KeyPair, CopySignsLikeTheOriginal) {
  const KeyPair a = KeyPair::generate();
  const KeyPair b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(a.sign(as_bytes("m")), b.sign(as_bytes("m")));
}

TEST(Ed25519, SignatureVerifies) {
  const KeyPair kp = KeyPair::generate();
  const auto msg = as_bytes("pay 5 to alice");
  EXPECT_TRUE(verify(kp.pubkey(), msg, kp.sign(msg)));
}

TEST(Ed25519, RfcSignatureVerifies) {
  EXPECT_TRUE(verify(fixed<PubKey>(kRfcPubKey), ByteView{}, fixed<Signature>(kRfcEmptySig)));
}

TEST(Ed25519, DigestOverloadSignsTheDigestBytes) {
  const KeyPair kp = KeyPair::generate();
  const Hash d = hash_tagged("swarmchain/test", as_bytes("abc"));
  const Signature s = kp.sign(d);
  EXPECT_EQ(s, kp.sign(d.view()));
  EXPECT_TRUE(verify(kp.pubkey(), d, s));
}

TEST(Ed25519, VerifyFailsOnAFlippedMessageBit) {
  const KeyPair kp = KeyPair::generate();
  Bytes msg{1, 2, 3, 4};
  const Signature s = kp.sign(msg);
  msg[2] ^= 0x10;
  EXPECT_FALSE(verify(kp.pubkey(), msg, s));
}

TEST(Ed25519, VerifyFailsOnAFlippedSignatureBit) {
  const KeyPair kp = KeyPair::generate();
  const auto msg = as_bytes("m");
  for (std::size_t byte : {std::size_t{0}, std::size_t{31}, std::size_t{32}, std::size_t{63}}) {
    Signature s = kp.sign(msg);
    s.data[byte] ^= 0x01;
    EXPECT_FALSE(verify(kp.pubkey(), msg, s)) << byte;
  }
}

TEST(Ed25519, VerifyFailsOnAFlippedKeyBit) {
  const KeyPair kp = KeyPair::generate();
  const auto msg = as_bytes("m");
  const Signature s = kp.sign(msg);
  PubKey pk = kp.pubkey();
  pk.data[5] ^= 0x04;
  EXPECT_FALSE(verify(pk, msg, s));
}

TEST(Ed25519, VerifyFailsUnderAnotherKey) {
  const auto msg = as_bytes("m");
  EXPECT_FALSE(verify(KeyPair::generate().pubkey(), msg, KeyPair::generate().sign(msg)));
}

// ---- X25519 conversion ----

TEST(X25519, ConvertsTheRfcKeyToItsMontgomeryForm) {
  auto x = ed25519_pk_to_x25519(fixed<PubKey>(kRfcPubKey));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(to_hex(*x), kRfcX25519);
}

TEST(X25519, ConvertsAGeneratedKey) {
  EXPECT_TRUE(ed25519_pk_to_x25519(KeyPair::generate().pubkey()).has_value());
}

TEST(X25519, RejectsTheSmallOrderIdentityPoint) {
  // y = 1: the neutral element, order 1. libsodium refuses small-order points.
  auto id = fixed<PubKey>("0100000000000000000000000000000000000000000000000000000000000000");
  EXPECT_FALSE(ed25519_pk_to_x25519(id).has_value());
}

TEST(X25519, RejectsAnOrderTwoPoint) {
  // y = -1 (p - 1): order 2.
  auto p = fixed<PubKey>("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
  EXPECT_FALSE(ed25519_pk_to_x25519(p).has_value());
}

TEST(X25519, RejectsAnEncodingThatIsNotOnTheCurve) {
  // y = 2: (y^2 - 1) / (d y^2 + 1) is not a square mod p, so there is no x.
  auto p = fixed<PubKey>("0200000000000000000000000000000000000000000000000000000000000000");
  EXPECT_FALSE(ed25519_pk_to_x25519(p).has_value());
}

// ---- is_valid_public_key: what a transfer may pay ----

TEST(ValidPublicKey, AcceptsTheRfcKeyAndGeneratedKeys) {
  EXPECT_TRUE(is_valid_public_key(fixed<PubKey>(kRfcPubKey)));
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(is_valid_public_key(KeyPair::generate().pubkey()));
}

TEST(ValidPublicKey, RefusesAnEncodingThatIsNotOnTheCurve) {
  // y = 2 has no x (see X25519 above): the "32 bytes that are not a curve point".
  EXPECT_FALSE(is_valid_public_key(
      fixed<PubKey>("0200000000000000000000000000000000000000000000000000000000000000")));
}

TEST(ValidPublicKey, RefusesSmallOrderPoints) {
  // Orders 1, 2, 4 (y = 0) and 8: libsodium's list of small-order encodings. No secret key
  // belongs to them, and anyone can forge "signatures" for them, so they are refused too.
  for (const char* hex : {"0100000000000000000000000000000000000000000000000000000000000000",
                          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                          "0000000000000000000000000000000000000000000000000000000000000000",
                          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"})
    EXPECT_FALSE(is_valid_public_key(fixed<PubKey>(hex))) << hex;
}

TEST(ValidPublicKey, RefusesAPointOutsideThePrimeOrderSubgroup) {
  // A real key plus a point of order 8 is on the curve and not of small order, but no
  // KeyPair has it: refused, like every encoding KeyPair could not produce.
  const PubKey order8 =
      fixed<PubKey>("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
  const PubKey real = KeyPair::generate().pubkey();
  PubKey mixed;
  ASSERT_EQ(crypto_core_ed25519_add(mixed.data.data(), real.data.data(), order8.data.data()), 0);
  EXPECT_FALSE(is_valid_public_key(mixed));
}

TEST(ValidPublicKey, RefusesANonCanonicalEncoding) {
  // y = p + 1 is y = 1 written with a value >= p: never a canonical encoding.
  EXPECT_FALSE(is_valid_public_key(
      fixed<PubKey>("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")));
}

// ---- helpers ----

TEST(RandomBytes, FillsDifferentValuesEachCall) {
  EXPECT_NE(random_fixed<Hash>(), random_fixed<Hash>());
}

TEST(SecureWipe, ZeroesMemory) {
  Seed s = random_fixed<Seed>();
  s.data[0] |= 1;
  secure_wipe(s.data.data(), s.size());
  EXPECT_TRUE(s.is_zero());
}

}  // namespace
}  // namespace swarmchain
