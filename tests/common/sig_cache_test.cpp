// SigCache (common/sig_cache.h) and verify_certificate through it (common/commit.h): a hit
// skips the ed25519 verify, a wrong signature is never cached, memory stays bounded.
#include "common/sig_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/commit.h"
#include "common/crypto.h"

namespace swarmchain {
namespace {

KeyPair key(uint8_t i) {
  Seed s;
  s.data.fill(i);
  return KeyPair::from_seed(s);
}

Hash digest(uint64_t i) {
  Writer w;
  w.u64(i);
  return hash_tagged("swarmchain/test/sig-cache/v1", w.data());
}

struct Triple {
  PubKey pk;
  Hash digest;
  Signature sig;
};

Triple signed_triple(uint8_t k, uint64_t d) {
  const KeyPair kp = key(k);
  const Hash h = digest(d);
  return {kp.pubkey(), h, kp.sign(h)};
}

TEST(SigCacheTest, ASecondVerifyOfTheSameSignatureIsAHitWithoutAnEd25519Verify) {
  SigCache cache(1024);
  const Triple t = signed_triple(1, 1);
  EXPECT_FALSE(cache.contains(t.pk, t.digest, t.sig));
  EXPECT_TRUE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_EQ(cache.stats().verifies, 1u);
  EXPECT_TRUE(cache.contains(t.pk, t.digest, t.sig));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_EQ(cache.stats().verifies, 1u);
  EXPECT_EQ(cache.stats().hits, 5u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigCacheTest, AWrongSignatureIsRefusedEveryTimeAndNeverCached) {
  SigCache cache(1024);
  Triple t = signed_triple(1, 1);
  t.sig.data[10] ^= 1;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_EQ(cache.stats().verifies, 3u);
  EXPECT_EQ(cache.stats().rejected, 3u);
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_FALSE(cache.contains(t.pk, t.digest, t.sig));
  EXPECT_EQ(cache.size(), 0u);
}

// A cached valid triple does not vouch for the same signature under another key or digest.
TEST(SigCacheTest, AHitNeedsTheSamePubkeyDigestAndSignature) {
  SigCache cache(1024);
  const Triple t = signed_triple(1, 1);
  ASSERT_TRUE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_FALSE(cache.verify(key(2).pubkey(), t.digest, t.sig));
  EXPECT_FALSE(cache.verify(t.pk, digest(2), t.sig));
  Signature other = t.sig;
  other.data[63] ^= 0x20;
  EXPECT_FALSE(cache.verify(t.pk, t.digest, other));
  EXPECT_EQ(cache.stats().rejected, 3u);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigCacheTest, MemoryIsBoundedByTheCapacityAndEvictionNeverChangesAnAnswer) {
  SigCache cache(16);
  EXPECT_EQ(cache.capacity(), 16u);
  std::vector<Triple> triples;
  for (uint64_t d = 0; d < 200; ++d) triples.push_back(signed_triple(3, d));
  for (const Triple& t : triples) ASSERT_TRUE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_LE(cache.size(), cache.capacity());
  EXPECT_GT(cache.stats().evictions, 0u);
  EXPECT_EQ(cache.stats().evictions + cache.size(), triples.size());
  // Evicted or not, each one still verifies.
  for (const Triple& t : triples) EXPECT_TRUE(cache.verify(t.pk, t.digest, t.sig));
  EXPECT_LE(cache.size(), cache.capacity());
}

TEST(SigCacheTest, CapacityIsRoundedUpToAPowerOfTwo) {
  EXPECT_EQ(SigCache(100).capacity(), 128u);
  EXPECT_EQ(SigCache(1).capacity(), 4u);
  EXPECT_EQ(SigCache().capacity(), SigCache::kDefaultEntries);
}

TEST(SigCacheTest, ConcurrentVerifiersAgreeWithThePlainVerify) {
  SigCache cache(4096);
  std::vector<Triple> triples;
  for (uint64_t d = 0; d < 64; ++d) {
    Triple t = signed_triple(static_cast<uint8_t>(4 + d % 3), d);
    if (d % 4 == 0) t.sig.data[0] ^= 1;  // every fourth one is forged
    triples.push_back(t);
  }
  std::atomic<int> disagreements{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&] {
      for (int round = 0; round < 5; ++round)
        for (const Triple& t : triples)
          if (cache.verify(t.pk, t.digest, t.sig) != verify(t.pk, t.digest, t.sig))
            disagreements.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(disagreements.load(), 0);
  EXPECT_EQ(cache.size(), 48u);
  for (std::size_t d = 0; d < triples.size(); d += 4)
    EXPECT_FALSE(cache.contains(triples[d].pk, triples[d].digest, triples[d].sig));
}

TEST(SigCacheTest, VerifySignatureWithoutACacheIsThePlainVerify) {
  const Triple t = signed_triple(1, 9);
  EXPECT_TRUE(verify_signature(nullptr, t.pk, t.digest, t.sig));
  EXPECT_FALSE(verify_signature(nullptr, t.pk, digest(10), t.sig));
}

// --- valid_key: a transfer recipient's key check, cached like a signature --------------------

PubKey not_a_point() {
  PubKey pk;  // y = 2: no x satisfies the curve equation
  pk.data[0] = 2;
  return pk;
}

TEST(SigCacheTest, AValidKeyIsCheckedOnceThenAnsweredFromTheCache) {
  SigCache cache(1024);
  const PubKey pk = key(3).pubkey();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(cache.valid_key(pk));
  EXPECT_EQ(cache.stats().key_checks, 1u);
  EXPECT_EQ(cache.stats().key_hits, 3u);
  EXPECT_EQ(cache.stats().hits, 0u) << "signature hits are counted apart";
  EXPECT_EQ(cache.size(), 1u);
}

TEST(SigCacheTest, AnInvalidKeyIsRefusedEveryTimeAndNeverCached) {
  SigCache cache(1024);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(cache.valid_key(not_a_point()));
  EXPECT_EQ(cache.stats().key_checks, 3u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(valid_key(nullptr, not_a_point()));
  EXPECT_TRUE(valid_key(nullptr, key(3).pubkey()));
}

TEST(SigCacheTest, AKeyEntryAndASignatureEntryNeverAnswerForEachOther) {
  SigCache cache(1024);
  const Triple t = signed_triple(4, 4);
  ASSERT_TRUE(cache.valid_key(t.pk));
  EXPECT_FALSE(cache.contains(t.pk, t.digest, t.sig));
  SigCache other(1024);
  ASSERT_TRUE(other.verify(t.pk, t.digest, t.sig));
  EXPECT_TRUE(other.valid_key(t.pk));
  EXPECT_EQ(other.stats().key_checks, 1u) << "the verified triple must not count as a key check";
}

// --- verify_certificate with a cache ---------------------------------------------------------

const Hash kChainId = digest(777);

struct Committee {
  std::vector<KeyPair> keys;
  std::vector<PubKey> pubkeys;
  explicit Committee(int n) {
    for (int i = 0; i < n; ++i) {
      keys.push_back(key(static_cast<uint8_t>(50 + i)));
      pubkeys.push_back(keys.back().pubkey());
    }
  }
  CommitCertificate certify(Height h, const Hash& block) const {
    CommitCertificate c{h, 0, block, {}};
    const Hash d = vote_digest(kChainId, VoteType::kPrecommit, h, 0, block);
    for (std::size_t i = 0; i < keys.size(); ++i)
      c.sigs.push_back({static_cast<uint16_t>(i), keys[i].sign(d)});
    return c;
  }
};

TEST(SigCacheTest, ABatchAnswersCachedSignaturesAsHitsAndVerifiesOnlyTheRest) {
  SigCache cache(4096);
  std::vector<Triple> triples;
  for (uint64_t d = 0; d < 300; ++d) triples.push_back(signed_triple(static_cast<uint8_t>(d % 7), d));
  for (uint64_t d = 0; d < 300; d += 2) ASSERT_TRUE(cache.verify(triples[d].pk, triples[d].digest, triples[d].sig));
  const uint64_t verifies_before = cache.stats().verifies;
  triples[5].sig.data[0] ^= 1;    // uncached and wrong
  triples[201].digest.data[9] ^= 1;
  std::vector<SigCheck> checks;
  for (const Triple& t : triples) checks.push_back({&t.pk, t.digest, &t.sig});
  const std::vector<uint8_t> valid = verify_signatures(&cache, checks, 16);  // 150 misses: pool
  ASSERT_EQ(valid.size(), triples.size());
  for (std::size_t i = 0; i < valid.size(); ++i)
    EXPECT_EQ(valid[i] != 0, i != 5 && i != 201) << i;
  EXPECT_EQ(cache.stats().hits, 150u);
  EXPECT_EQ(cache.stats().verifies - verifies_before, 150u);
  EXPECT_EQ(cache.stats().rejected, 2u);
  // Without a cache every signature is verified, with the same answers.
  EXPECT_EQ(verify_signatures(nullptr, checks, 16), valid);
  EXPECT_TRUE(verify_signatures(&cache, {}, 16).empty());
}

TEST(SigCacheTest, ACertificateVerifiedOnceIsVerifiedAgainWithoutEd25519) {
  const Committee committee(4);
  const CommitCertificate cert = committee.certify(Height(5), digest(5));
  SigCache cache(1024);
  ASSERT_TRUE(verify_certificate(cert, kChainId, Height(5), digest(5), committee.pubkeys, &cache));
  EXPECT_EQ(cache.stats().verifies, 4u);
  ASSERT_TRUE(verify_certificate(cert, kChainId, Height(5), digest(5), committee.pubkeys, &cache));
  EXPECT_EQ(cache.stats().verifies, 4u);
  EXPECT_EQ(cache.stats().hits, 4u);
}

TEST(SigCacheTest, ACertificateWithOneBadSignatureIsRefusedWithTheOthersCached) {
  const Committee committee(4);
  const CommitCertificate good = committee.certify(Height(5), digest(5));
  SigCache cache(1024);
  ASSERT_TRUE(verify_certificate(good, kChainId, Height(5), digest(5), committee.pubkeys, &cache));
  CommitCertificate bad = good;
  bad.sigs[2].signature.data[7] ^= 1;
  const Status s = verify_certificate(bad, kChainId, Height(5), digest(5), committee.pubkeys, &cache);
  ASSERT_FALSE(s);
  EXPECT_NE(s.message().find("validator 2"), std::string::npos) << s.message();
  // Cached signatures prove nothing for another committee: membership is still checked.
  std::vector<PubKey> other = committee.pubkeys;
  std::swap(other[0], other[1]);
  EXPECT_FALSE(verify_certificate(good, kChainId, Height(5), digest(5), other, &cache));
}

}  // namespace
}  // namespace swarmchain
