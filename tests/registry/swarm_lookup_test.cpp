// Known answers and edge cases of pubkey -> swarm (design §5.7).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "common/hex.h"
#include "registry/swarm_lookup.h"

namespace swarmchain {
namespace {

PubKey key(std::string_view hex) {
  auto k = fixed_from_hex<PubKey>(hex);
  EXPECT_TRUE(k.has_value()) << hex;
  return k.value_or(PubKey{});
}

constexpr std::string_view kDesignKey =
    "0000000000000000000000000000000000000000000000000123456789abcdef";

TEST(SwarmSpace, AKeyWithOnlyTheLastChunkSetHasThatChunkAsItsSpace) {
  EXPECT_EQ(swarm_space(key(kDesignKey)), 0x0123456789abcdefULL);
}

TEST(SwarmSpace, IsTheXorOfTheFourChunksEachReadBigEndian) {
  const PubKey k = key(
      "1000000000000001"
      "0200000000000020"
      "0030000000000300"
      "0004000000004000");
  EXPECT_EQ(swarm_space(k), 0x1000000000000001ULL ^ 0x0200000000000020ULL ^
                                0x0030000000000300ULL ^ 0x0004000000004000ULL);
}

// Oxen's storage-server vector "ff…fe -> 1" (oxen-facts §4 gives it abbreviated): three chunks
// of all-ones cancel out to all-ones, and ...ff ^ ...fe = 1. The other Oxen vector
// ("3506f4a7…aae8") is truncated in our notes and cannot be used.
TEST(SwarmSpace, AllOnesExceptAFinalFeHasSpaceOneAsInOxen) {
  EXPECT_EQ(swarm_space(key(std::string(62, 'f') + "fe")), 1u);
}

TEST(SwarmIndex, TheDesignKnownAnswersHold) {
  const SwarmIndex index({100, 200});
  EXPECT_EQ(index.lookup(uint64_t{150}), 100u);
  EXPECT_EQ(index.lookup(uint64_t{151}), 200u);
}

TEST(SwarmIndex, EqualDistanceGoesToTheLeftSwarm) {
  EXPECT_EQ(SwarmIndex({10, 20, 30}).lookup(uint64_t{25}), 20u);
  EXPECT_EQ(SwarmIndex({10, 20, 30}).lookup(uint64_t{26}), 30u);
}

TEST(SwarmIndex, ASpaceEqualToASwarmIdGoesToThatSwarm) {
  EXPECT_EQ(SwarmIndex({100, 200, 300}).lookup(uint64_t{200}), 200u);
  EXPECT_EQ(SwarmIndex({100, 200, 300}).lookup(uint64_t{100}), 100u);
}

TEST(SwarmIndex, SpaceZeroWrapsAroundToTheLastSwarmWhenItIsCloser) {
  const uint64_t last = UINT64_MAX - 9;  // 10 below zero on the ring
  EXPECT_EQ(SwarmIndex({100, last}).lookup(uint64_t{0}), last);
  EXPECT_EQ(SwarmIndex({5, last}).lookup(uint64_t{0}), 5u);
  EXPECT_EQ(SwarmIndex({10, UINT64_MAX - 9}).lookup(uint64_t{0}), UINT64_MAX - 9)
      << "tie across zero goes left";
}

TEST(SwarmIndex, SpaceMaxWrapsAroundToTheFirstSwarmWhenItIsCloser) {
  EXPECT_EQ(SwarmIndex({3, 1000}).lookup(UINT64_MAX), 3u);
  EXPECT_EQ(SwarmIndex({3, UINT64_MAX - 2}).lookup(UINT64_MAX), UINT64_MAX - 2);
  EXPECT_EQ(SwarmIndex({2, UINT64_MAX - 3}).lookup(UINT64_MAX), UINT64_MAX - 3)
      << "tie across 2^64-1 goes left";
}

TEST(SwarmIndex, WithOneSwarmEverySpaceGoesToIt) {
  const SwarmIndex index({uint64_t{1} << 40});
  for (uint64_t space : {uint64_t{0}, uint64_t{1} << 40, UINT64_MAX, uint64_t{1} << 63})
    EXPECT_EQ(index.lookup(space), uint64_t{1} << 40);
}

TEST(SwarmIndex, WithNoSwarmTheAnswerIsUnassigned) {
  EXPECT_EQ(SwarmIndex().lookup(uint64_t{5}), kUnassignedSwarm);
  EXPECT_EQ(SwarmIndex({kUnassignedSwarm}).lookup(uint64_t{5}), kUnassignedSwarm);
}

TEST(SwarmIndex, UnsortedAndDuplicateIdsAreNormalised) {
  const SwarmIndex index({200, 100, 200, 100});
  EXPECT_EQ(index.ids(), (std::vector<SwarmId>{100, 200}));
  EXPECT_EQ(index.lookup(uint64_t{151}), 200u);
}

TEST(SwarmIndex, IsBuiltFromTheIdsOfATable) {
  const SwarmTable t{{100, {PubKey{}}}, {200, {PubKey{}}}};
  EXPECT_EQ(SwarmIndex::from_table(t).lookup(key(kDesignKey)), 200u);
}

// The binary search against the definition, by a linear scan over every swarm.
TEST(SwarmIndex, AgreesWithALinearScanOfRingDistancesOnRandomInputs) {
  std::mt19937_64 rng(2024);
  for (int round = 0; round < 200; ++round) {
    std::vector<SwarmId> ids(1 + rng() % 40);
    for (auto& id : ids) id = (round % 2 == 0) ? rng() % 1000 : rng() % UINT64_MAX;
    const SwarmIndex index(ids);
    const auto& sorted = index.ids();
    for (int probe = 0; probe < 50; ++probe) {
      const uint64_t space = (round % 2 == 0) ? rng() % 1100 : rng();
      // Smallest distance wins; on a tie the counter-clockwise ("left") neighbour wins.
      SwarmId best = sorted.front();
      uint64_t best_dist = UINT64_MAX;
      bool best_is_left = false;
      for (SwarmId id : sorted) {
        const uint64_t d_left = space - id, d_right = id - space;
        const bool left = d_left <= d_right;
        const uint64_t d = left ? d_left : d_right;
        if (d < best_dist || (d == best_dist && left && !best_is_left)) {
          best = id;
          best_dist = d;
          best_is_left = left;
        }
      }
      ASSERT_EQ(index.lookup(space), best) << "round " << round << " space " << space;
    }
  }
}

TEST(ParseUserPubkey, SixtyFourHexDigitsAreTheKeyItself) {
  const auto k = parse_user_pubkey(kDesignKey);
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(*k, key(kDesignKey));
}

TEST(ParseUserPubkey, ASessionIdDropsItsLeading05) {
  const auto k = parse_user_pubkey("05" + std::string(kDesignKey));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(swarm_space(*k), 0x0123456789abcdefULL);
}

TEST(ParseUserPubkey, ALeading03PrefixIsDroppedToo) {
  const auto k = parse_user_pubkey("03" + std::string(kDesignKey));
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(*k, key(kDesignKey));
}

TEST(ParseUserPubkey, UppercaseHexIsAccepted) {
  const auto k = parse_user_pubkey("05" + std::string(62, 'F') + "FE");
  ASSERT_TRUE(k) << k.error().message();
  EXPECT_EQ(swarm_space(*k), 1u);
}

TEST(ParseUserPubkey, ANonHexCharacterIsRejectedByNameAndPosition) {
  std::string bad(kDesignKey);
  bad[5] = 'g';
  const auto k = parse_user_pubkey(bad);
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code_as<PubKeyParseError>(), PubKeyParseError::kBadHex);
  EXPECT_NE(k.error().message().find("'g' at position 5"), std::string::npos) << k.error().message();
}

TEST(ParseUserPubkey, MixedCaseHexIsRejected) {
  const auto k = parse_user_pubkey("0A" + std::string(62, 'a') + "00");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code_as<PubKeyParseError>(), PubKeyParseError::kBadHex);
  EXPECT_NE(k.error().message().find("mixes upper and lower case"), std::string::npos);
}

TEST(ParseUserPubkey, AWrongLengthIsRejectedNamingTheLength) {
  for (std::size_t len : {0u, 2u, 62u, 63u, 65u, 67u, 68u, 130u}) {
    const auto k = parse_user_pubkey(std::string(len, 'a'));
    ASSERT_FALSE(k) << len;
    EXPECT_EQ(k.error().code_as<PubKeyParseError>(), PubKeyParseError::kWrongLength);
    EXPECT_NE(k.error().message().find("got " + std::to_string(len) + " characters"),
              std::string::npos)
        << k.error().message();
  }
}

TEST(ParseUserPubkeyBytes, ThirtyThreeBytesDropTheFirstAndOtherLengthsAreRejected) {
  Bytes raw(33, 0x11);
  raw[0] = 0x05;
  const auto k = parse_user_pubkey_bytes(raw);
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, PubKey::from(Bytes(32, 0x11)));
  const auto bad = parse_user_pubkey_bytes(Bytes(31, 0));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code_as<PubKeyParseError>(), PubKeyParseError::kWrongLength);
}

}  // namespace
}  // namespace swarmchain
