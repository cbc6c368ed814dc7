// Unit tests of the pieces of design §5.6: RNG, new_id, removal, small runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "registry/swarm_assigner.h"
#include "registry/swarm_rng.h"
#include "tests/registry/swarm_test_keys.h"

namespace swarmchain {
namespace {

std::size_t total_nodes(const SwarmTable& t) {
  std::size_t n = 0;
  for (const auto& kv : t) n += kv.second.size();
  return n;
}

TEST(SwarmRng, SeedIsTheFirstEightBytesOfTheBlockHashReadLittleEndian) {
  Hash h;
  for (std::size_t i = 0; i < 32; ++i) h.data[i] = static_cast<uint8_t>(i + 1);
  EXPECT_EQ(SwarmRng::seed_from(h), 0x0807060504030201ULL);
}

TEST(SwarmRng, FirstDrawMatchesTheStandardMersenneTwisterWithThatSeed) {
  const Hash h = test::hash_with_seed(42);
  std::mt19937_64 reference(42);
  const uint64_t x = reference();
  const uint64_t n = 3;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  ASSERT_LT(x, limit);
  SwarmRng rng(h);
  EXPECT_EQ(rng.uniform(n), x / (limit / n));
}

TEST(SwarmRng, UniformOfOneReturnsZeroButStillConsumesADraw) {
  SwarmRng rng(test::hash_with_seed(7));
  std::mt19937_64 reference(7);
  EXPECT_EQ(rng.uniform(1), 0u);
  reference();
  const uint64_t second = reference();
  ASSERT_LT(second, UINT64_MAX);
  EXPECT_EQ(rng.uniform(UINT64_MAX), second);  // limit is UINT64_MAX: the draw itself
}

TEST(SwarmRng, UniformRedrawsWhenTheDrawIsAtOrAboveTheLimit) {
  const uint64_t n = (uint64_t{1} << 63) + 1;  // limit = 2^63 + 1: about half the draws rejected
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  ASSERT_EQ(limit, n);
  for (uint64_t seed = 0; seed < 1000; ++seed) {
    std::mt19937_64 reference(seed);
    const uint64_t first = reference();
    const uint64_t second = reference();
    if (first < limit || second >= limit) continue;
    SwarmRng rng(test::hash_with_seed(seed));
    EXPECT_EQ(rng.uniform(n), second / (limit / n)) << "seed " << seed;
    return;
  }
  FAIL() << "no seed with a rejected first draw found";
}

TEST(NewSwarmId, TheFirstNewSwarmNextToSwarmZeroSitsHalfwayAroundTheRing) {
  EXPECT_EQ(new_swarm_id({0}), (uint64_t{1} << 63) - 1);
}

TEST(NewSwarmId, TheLargestGapWinsAndEqualGapsGoToTheFirstIncludingTheWrapGap) {
  const uint64_t g = UINT64_MAX / 3;  // {0, g, 2g}: both inner gaps and the wrap gap equal g
  ASSERT_EQ(kMaxSwarmId - 2 * g + 0 + 1, g);
  EXPECT_EQ(new_swarm_id({0, g, 2 * g}), g / 2);
  EXPECT_EQ(new_swarm_id({0, 100, 150}), 150 + (kMaxSwarmId - 150 + 1) / 2);
  EXPECT_EQ(new_swarm_id({0, uint64_t{1} << 62, (uint64_t{1} << 62) + 10}),
            ((uint64_t{1} << 62) + 10) + (kMaxSwarmId - (uint64_t{1} << 62) - 10 + 1) / 2);
}

TEST(NewSwarmId, AnInnerGapLargerThanTheWrapGapWins) {
  EXPECT_EQ(new_swarm_id({5, kMaxSwarmId - 3}), 5 + (kMaxSwarmId - 8) / 2);
}

TEST(NewSwarmId, ANewIdPastMaxIdWrapsToTheStartOfTheRing) {
  // Wrap gap from 2^63+1 is MAX_ID; half of it is 2^63-1, which passes MAX_ID and lands on 1.
  const uint64_t top = uint64_t{1} << 63;
  EXPECT_EQ(new_swarm_id({top, top + 1}), 1u);
}

TEST(RemoveFromSwarms, LeaversAreTakenOutAndSwarmsThatBecomeEmptyAreDropped) {
  std::mt19937_64 rng(1);
  const auto keys = test::random_pubkeys(rng, 4);
  const PubKey stranger = test::random_fixed<PubKey>(rng);
  SwarmTable t{{3, {keys[0], keys[1]}}, {9, {keys[2]}}, {12, {keys[3]}}};
  const SwarmTable out = remove_from_swarms(t, {keys[1], keys[2], stranger});
  EXPECT_EQ(out, (SwarmTable{{3, {keys[0]}}, {12, {keys[3]}}}));
}

TEST(AssignSwarms, NoActiveNodeGivesAnEmptyTable) {
  EXPECT_TRUE(assign_swarms({}, {}, test::hash_with_seed(1)).empty());
}

TEST(AssignSwarms, FewerThanMinNodesAllSitInSwarmZero) {
  std::mt19937_64 rng(2);
  auto keys = test::random_pubkeys(rng, 4);
  const SwarmTable out = assign_swarms({}, keys, test::hash_with_seed(2));
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(out, (SwarmTable{{0, keys}}));
}

TEST(AssignSwarms, ThirteenNodesStayInOneSwarmAndTheFourteenthSplitsItSevenAndSeven) {
  std::mt19937_64 rng(3);
  const auto keys = test::random_pubkeys(rng, 14);
  const SwarmTable thirteen =
      assign_swarms({}, std::vector<PubKey>(keys.begin(), keys.begin() + 13), test::hash_with_seed(3));
  ASSERT_EQ(thirteen.size(), 1u);
  const SwarmTable fourteen = assign_swarms(thirteen, {keys[13]}, test::hash_with_seed(4));
  ASSERT_EQ(fourteen.size(), 2u);
  EXPECT_EQ(fourteen.at(0).size(), 7u);
  EXPECT_EQ(fourteen.at((uint64_t{1} << 63) - 1).size(), 7u);
}

TEST(AssignSwarms, TheResultDoesNotDependOnInputOrder) {
  std::mt19937_64 rng(4);
  const auto keys = test::random_pubkeys(rng, 60);
  const Hash h = test::hash_with_seed(99);
  const SwarmTable base = assign_swarms({}, std::vector<PubKey>(keys.begin(), keys.begin() + 50), h);
  const std::vector<PubKey> joining(keys.begin() + 50, keys.end());
  SwarmTable shuffled_base = base;
  for (auto& kv : shuffled_base) std::shuffle(kv.second.begin(), kv.second.end(), rng);
  std::vector<PubKey> shuffled_joining = joining;
  std::shuffle(shuffled_joining.begin(), shuffled_joining.end(), rng);
  EXPECT_EQ(assign_swarms(base, joining, h), assign_swarms(shuffled_base, shuffled_joining, h));
}

TEST(AssignSwarms, OnlyTheFirstEightBytesOfTheBlockHashMatter) {
  std::mt19937_64 rng(5);
  const auto keys = test::random_pubkeys(rng, 40);
  Hash a = test::hash_with_seed(12345);
  Hash b = a;
  b.data[8] ^= 0xff;
  b.data[31] ^= 0x01;
  EXPECT_EQ(assign_swarms({}, keys, a), assign_swarms({}, keys, b));
}

TEST(AssignSwarms, ADifferentBlockHashGivesADifferentTable) {
  std::mt19937_64 rng(6);
  const auto keys = test::random_pubkeys(rng, 40);
  EXPECT_NE(assign_swarms({}, keys, test::hash_with_seed(1)),
            assign_swarms({}, keys, test::hash_with_seed(2)));
}

TEST(AssignSwarms, NodesFiledUnderTheUnassignedIdAreTreatedAsJoining) {
  std::mt19937_64 rng(7);
  const auto keys = test::random_pubkeys(rng, 30);
  const Hash h = test::hash_with_seed(8);
  const SwarmTable base = assign_swarms({}, std::vector<PubKey>(keys.begin(), keys.begin() + 20), h);
  const std::vector<PubKey> joining(keys.begin() + 20, keys.end());
  SwarmTable with_unassigned = base;
  with_unassigned[kUnassignedSwarm] = joining;
  EXPECT_EQ(assign_swarms(with_unassigned, {}, h), assign_swarms(base, joining, h));
}

TEST(AssignSwarms, EmptySwarmsInTheInputAreIgnored) {
  std::mt19937_64 rng(8);
  const auto keys = test::random_pubkeys(rng, 30);
  const Hash h = test::hash_with_seed(9);
  const SwarmTable base = assign_swarms({}, std::vector<PubKey>(keys.begin(), keys.begin() + 25), h);
  SwarmTable with_empty = base;
  with_empty[12345] = {};
  const std::vector<PubKey> joining(keys.begin() + 25, keys.end());
  EXPECT_EQ(assign_swarms(with_empty, joining, h), assign_swarms(base, joining, h));
}

TEST(AssignSwarms, CustomParamsAreHonoured) {
  std::mt19937_64 rng(9);
  const auto keys = test::random_pubkeys(rng, 100);
  const SwarmParams p{.min_swarm_size = 3, .ideal_swarm_size = 4};
  const SwarmTable out = assign_swarms({}, keys, test::hash_with_seed(10), p);
  EXPECT_EQ(total_nodes(out), keys.size());
  EXPECT_GT(out.size(), assign_swarms({}, keys, test::hash_with_seed(10)).size());
  for (const auto& kv : out) EXPECT_GE(kv.second.size(), 3u);
}

}  // namespace
}  // namespace swarmchain
