// RegistryState (registry/registry_state.h): the registry_root layout, root_with/apply, bulk
// load, Merkle proofs of records, and the active list and swarm table kept by apply().
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "common/merkle.h"
#include "registry/registry_state.h"
#include "tests/registry/swarm_test_keys.h"

namespace swarmchain {
namespace {

constexpr std::size_t kBuckets = RegistryState::kBuckets;

// A record with enough distinct content that two nodes never share a leaf hash.
ServiceNode make_node(const PubKey& pk, NodeState state = NodeState::kAwaiting,
                      SwarmId swarm = kUnassignedSwarm, uint64_t salt = 0) {
  ServiceNode sn;
  sn.pubkey = pk;
  sn.pubkey_x25519 = pk;
  sn.pubkey_x25519.data[0] ^= 0xff;
  sn.operator_address = pk;
  sn.operator_address.data[31] ^= 0x55;
  sn.fee_bps = static_cast<uint16_t>(pk.data[2] % 100);
  sn.contributors = {{sn.operator_address, Amount::coins(100), Amount::coins(25)}};
  sn.total_contributed = Amount::coins(100);
  sn.total_reserved = Amount::coins(25);
  sn.staking_requirement = Amount::coins(100);
  sn.registration_height = Height(1 + salt);
  sn.active_since_height = state == NodeState::kAwaiting ? Height(0) : Height(2 + salt);
  sn.state = state;
  sn.swarm_id = swarm;
  return sn;
}

// A pubkey in bucket `bucket` (its first 12 bits), the rest from `low`.
PubKey key_in_bucket(std::size_t bucket, uint8_t low) {
  PubKey pk;
  pk.data.fill(low);
  pk.data[0] = static_cast<uint8_t>(bucket >> 4);
  pk.data[1] = static_cast<uint8_t>(((bucket & 0xf) << 4) | (low & 0xf));
  return pk;
}

std::vector<ServiceNode> random_nodes(std::mt19937_64& rng, std::size_t n) {
  std::vector<ServiceNode> out;
  for (const PubKey& pk : test::random_pubkeys(rng, n)) {
    const auto kind = rng() % 3;
    const NodeState state = kind == 0   ? NodeState::kAwaiting
                            : kind == 1 ? NodeState::kActive
                                        : NodeState::kDecommissioned;
    const SwarmId swarm =
        state == NodeState::kActive && rng() % 4 != 0 ? rng() % 8 : kUnassignedSwarm;
    out.push_back(make_node(pk, state, swarm, rng() % 1000));
  }
  return out;
}

RegistryChanges insert_all(const std::vector<ServiceNode>& nodes) {
  RegistryChanges changes;
  for (const auto& sn : nodes) changes[sn.pubkey] = sn;
  return changes;
}

RegistryState state_with(const std::vector<ServiceNode>& nodes) {
  RegistryState s;
  s.apply(insert_all(nodes));
  return s;
}

// registry_root straight from its definition, with none of RegistryState's machinery.
Hash root_by_definition(const std::vector<ServiceNode>& nodes) {
  std::vector<ServiceNode> sorted = nodes;
  std::sort(sorted.begin(), sorted.end(),
            [](const ServiceNode& a, const ServiceNode& b) { return a.pubkey < b.pubkey; });
  std::vector<std::vector<Hash>> bucket_leaves(kBuckets);
  for (const auto& sn : sorted) {
    const std::size_t b = (std::size_t{sn.pubkey.data[0]} << 4) | (sn.pubkey.data[1] >> 4);
    bucket_leaves[b].push_back(sn.leaf_hash());
  }
  std::vector<Hash> bucket_roots;
  for (const auto& leaves : bucket_leaves) bucket_roots.push_back(merkle_root(leaves));
  return merkle_root(bucket_roots);  // 4,096 = 2^12 leaves: a complete tree
}

// What active() and swarms() must be, recomputed from the records.
std::vector<PubKey> active_by_definition(const RegistryState& s) {
  std::vector<PubKey> out;
  s.for_each([&](const ServiceNode& sn) {
    if (sn.state == NodeState::kActive) out.push_back(sn.pubkey);
  });
  return out;
}

SwarmTable swarms_by_definition(const RegistryState& s) {
  SwarmTable out;
  s.for_each([&](const ServiceNode& sn) {
    if (sn.state == NodeState::kActive && sn.swarm_id != kUnassignedSwarm)
      out[sn.swarm_id].push_back(sn.pubkey);
  });
  return out;
}

// ---- the root ----

TEST(RegistryRoot, OfAnEmptyRegistryIsTheTreeOfFourThousandNinetySixEmptyBuckets) {
  const std::vector<Hash> empty_buckets(kBuckets, merkle_empty_root());
  EXPECT_EQ(RegistryState().root(), merkle_root(empty_buckets));
}

TEST(RegistryRoot, IsTheMerkleTreeOfTheBucketRootsOfTheSortedRecords) {
  std::mt19937_64 rng(1);
  auto nodes = random_nodes(rng, 300);
  // A few buckets with several records, so the in-bucket trees have depth.
  for (uint8_t i = 0; i < 5; ++i) nodes.push_back(make_node(key_in_bucket(7, i)));
  EXPECT_EQ(state_with(nodes).root(), root_by_definition(nodes));
}

TEST(RegistryRoot, RootWithPredictsTheRootAfterApply) {
  std::mt19937_64 rng(2);
  RegistryState s = state_with(random_nodes(rng, 200));
  RegistryChanges changes = insert_all(random_nodes(rng, 10));
  changes[s.active().front()] = std::nullopt;
  const Hash predicted = s.root_with(changes);
  s.apply(changes);
  EXPECT_EQ(s.root(), predicted);
}

TEST(RegistryRoot, RootWithLeavesTheStateUnchanged) {
  std::mt19937_64 rng(3);
  const auto nodes = random_nodes(rng, 100);
  RegistryState s = state_with(nodes);
  const Hash before = s.root();
  const auto active_before = s.active();
  (void)s.root_with(insert_all(random_nodes(rng, 10)));
  EXPECT_EQ(s.root(), before);
  EXPECT_EQ(s.size(), nodes.size());
  EXPECT_EQ(s.active(), active_before);
}

TEST(RegistryRoot, RootWithNoChangesIsTheCurrentRoot) {
  std::mt19937_64 rng(4);
  RegistryState s = state_with(random_nodes(rng, 50));
  EXPECT_EQ(s.root_with({}), s.root());
}

TEST(RegistryRoot, RemovingANewRecordRestoresThePreviousRoot) {
  std::mt19937_64 rng(5);
  RegistryState s = state_with(random_nodes(rng, 100));
  const Hash before = s.root();
  const ServiceNode extra = make_node(test::random_fixed<PubKey>(rng), NodeState::kActive, 3);
  s.apply({{extra.pubkey, extra}});
  ASSERT_NE(s.root(), before);
  s.apply({{extra.pubkey, std::nullopt}});
  EXPECT_EQ(s.root(), before);
  EXPECT_EQ(s.size(), 100u);
}

TEST(RegistryRoot, RemovingTheLastRecordGivesTheEmptyRoot) {
  const ServiceNode sn = make_node(key_in_bucket(4095, 1), NodeState::kActive, 0);
  RegistryState s;
  s.apply({{sn.pubkey, sn}});
  s.apply({{sn.pubkey, std::nullopt}});
  EXPECT_EQ(s.root(), RegistryState().root());
  EXPECT_EQ(s.size(), 0u);
}

TEST(RegistryRoot, DoesNotDependOnInsertionOrder) {
  std::mt19937_64 rng(6);
  auto nodes = random_nodes(rng, 200);
  const Hash all_at_once = state_with(nodes).root();
  std::shuffle(nodes.begin(), nodes.end(), rng);
  RegistryState one_by_one;
  for (const auto& sn : nodes) one_by_one.apply({{sn.pubkey, sn}});
  EXPECT_EQ(one_by_one.root(), all_at_once);
}

TEST(RegistryRoot, ChangesWhenAnyRecordChanges) {
  std::mt19937_64 rng(7);
  RegistryState s = state_with(random_nodes(rng, 50));
  const Hash before = s.root();
  ServiceNode sn = *s.get(s.active().front());
  sn.last_reward_height = sn.last_reward_height + 1;
  s.apply({{sn.pubkey, sn}});
  EXPECT_NE(s.root(), before);
}

TEST(RegistryRoot, RemovingAnUnknownRecordChangesNothing) {
  std::mt19937_64 rng(8);
  RegistryState s = state_with(random_nodes(rng, 50));
  const Hash before = s.root();
  s.apply({{key_in_bucket(12, 3), std::nullopt}});
  EXPECT_EQ(s.root(), before);
  EXPECT_EQ(s.size(), 50u);
}

// ---- records ----

TEST(RegistryRecords, ApplyReplacesAnExistingRecord) {
  const ServiceNode old_sn = make_node(key_in_bucket(9, 1), NodeState::kAwaiting);
  ServiceNode new_sn = old_sn;
  new_sn.state = NodeState::kActive;
  RegistryState s;
  s.apply({{old_sn.pubkey, old_sn}});
  s.apply({{new_sn.pubkey, new_sn}});
  ASSERT_NE(s.get(new_sn.pubkey), nullptr);
  EXPECT_EQ(*s.get(new_sn.pubkey), new_sn);
  EXPECT_EQ(s.size(), 1u);
}

TEST(RegistryRecords, GetOfAnUnknownNodeIsNull) {
  EXPECT_EQ(RegistryState().get(key_in_bucket(1, 1)), nullptr);
}

TEST(RegistryRecords, ForEachVisitsEveryRecordAscendingByPubkey) {
  std::mt19937_64 rng(9);
  const auto nodes = random_nodes(rng, 500);
  std::vector<PubKey> expected;
  for (const auto& sn : nodes) expected.push_back(sn.pubkey);
  std::sort(expected.begin(), expected.end());
  std::vector<PubKey> seen;
  state_with(nodes).for_each([&](const ServiceNode& sn) { seen.push_back(sn.pubkey); });
  EXPECT_EQ(seen, expected);
}

TEST(RegistryRecords, RebuildAfterLoadGivesTheSameStateAsApply) {
  std::mt19937_64 rng(10);
  const auto nodes = random_nodes(rng, 500);
  const RegistryState applied = state_with(nodes);
  RegistryState loaded;
  for (const auto& sn : nodes) loaded.load(sn);
  loaded.rebuild();
  EXPECT_EQ(loaded.root(), applied.root());
  EXPECT_EQ(loaded.size(), applied.size());
  EXPECT_EQ(loaded.active(), applied.active());
  EXPECT_EQ(loaded.swarms(), applied.swarms());
}

// ---- proofs ----

class RegistryProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(11);
    nodes_ = random_nodes(rng, 1000);
    // One crowded bucket, so some proofs have several in-bucket steps.
    for (uint8_t i = 0; i < 9; ++i) nodes_.push_back(make_node(key_in_bucket(100, i)));
    state_ = state_with(nodes_);
  }
  const ServiceNode& some_record() const { return *state_.get(key_in_bucket(100, 4)); }
  MerkleProof proof_of(const ServiceNode& sn) const { return *state_.proof(sn.pubkey); }

  std::vector<ServiceNode> nodes_;
  RegistryState state_;
};

TEST_F(RegistryProofTest, EveryRecordHasAProofThatVerifiesAgainstTheRoot) {
  for (const auto& sn : nodes_) {
    auto p = state_.proof(sn.pubkey);
    ASSERT_TRUE(p) << "no proof for a stored record";
    EXPECT_EQ(merkle_root_from_proof(sn.leaf_hash(), *p), state_.root());
    EXPECT_TRUE(verify_registry_proof(sn, *p, state_.root()));
  }
}

TEST_F(RegistryProofTest, ProofEndsWithTheTwelveStepsOfTheTopTree) {
  const ServiceNode alone = make_node(key_in_bucket(4000, 1));
  RegistryState s;
  s.apply({{alone.pubkey, alone}});
  EXPECT_EQ(s.proof(alone.pubkey)->steps.size(), RegistryState::kBucketBits);
  // 9 records in bucket 100: 4 in-bucket steps at most (ceil(log2 9)), at least 1.
  const std::size_t crowded = proof_of(some_record()).steps.size();
  EXPECT_GT(crowded, RegistryState::kBucketBits);
  EXPECT_LE(crowded, RegistryState::kBucketBits + 4);
}

TEST_F(RegistryProofTest, ThereIsNoProofForAnUnknownNode) {
  EXPECT_EQ(state_.proof(key_in_bucket(100, 200)), std::nullopt);
}

TEST_F(RegistryProofTest, FailsWhenAnyByteOfTheRecordChanges) {
  const ServiceNode& sn = some_record();
  const MerkleProof p = proof_of(sn);
  const Bytes bytes = sn.to_bytes();
  std::size_t decodable = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    Bytes changed = bytes;
    changed[i] ^= 0x01;
    auto altered = decode_exact<ServiceNode>(changed);
    if (!altered) continue;  // e.g. the contributor count: not a record at all
    ++decodable;
    EXPECT_FALSE(verify_registry_proof(*altered, p, state_.root())) << "byte " << i;
  }
  EXPECT_GT(decodable, bytes.size() - 3);
}

TEST_F(RegistryProofTest, FailsWhenAnyByteOfASiblingChanges) {
  const ServiceNode& sn = some_record();
  const MerkleProof p = proof_of(sn);
  for (std::size_t step = 0; step < p.steps.size(); ++step) {
    for (std::size_t i = 0; i < Hash::kSize; ++i) {
      MerkleProof altered = p;
      altered.steps[step].sibling.data[i] ^= 0x80;
      EXPECT_FALSE(verify_registry_proof(sn, altered, state_.root()))
          << "step " << step << " byte " << i;
    }
  }
}

TEST_F(RegistryProofTest, FailsWhenAStepIsOnTheWrongSide) {
  const ServiceNode& sn = some_record();
  const MerkleProof p = proof_of(sn);
  for (std::size_t step = 0; step < p.steps.size(); ++step) {
    MerkleProof altered = p;
    altered.steps[step].sibling_on_left = !altered.steps[step].sibling_on_left;
    EXPECT_FALSE(verify_registry_proof(sn, altered, state_.root())) << "step " << step;
  }
}

TEST_F(RegistryProofTest, FailsWhenAnyByteOfTheRootChanges) {
  const ServiceNode& sn = some_record();
  const MerkleProof p = proof_of(sn);
  for (std::size_t i = 0; i < Hash::kSize; ++i) {
    Hash root = state_.root();
    root.data[i] ^= 0x01;
    EXPECT_FALSE(verify_registry_proof(sn, p, root)) << "byte " << i;
  }
}

TEST_F(RegistryProofTest, FailsWhenAStepIsDroppedOrAdded) {
  const ServiceNode& sn = some_record();
  MerkleProof shorter = proof_of(sn);
  shorter.steps.erase(shorter.steps.begin());
  EXPECT_FALSE(verify_registry_proof(sn, shorter, state_.root()));
  MerkleProof longer = proof_of(sn);
  longer.steps.push_back(MerkleStep{false, sn.leaf_hash()});
  EXPECT_FALSE(verify_registry_proof(sn, longer, state_.root()));
}

TEST_F(RegistryProofTest, OfAnOldVersionFailsOnceTheRecordChanged) {
  const ServiceNode old_sn = some_record();
  const MerkleProof old_proof = proof_of(old_sn);
  ServiceNode new_sn = old_sn;
  new_sn.decommission_count += 1;
  state_.apply({{new_sn.pubkey, new_sn}});
  EXPECT_FALSE(verify_registry_proof(old_sn, old_proof, state_.root()));
  EXPECT_TRUE(verify_registry_proof(new_sn, proof_of(new_sn), state_.root()));
}

TEST_F(RegistryProofTest, OfANeighbourStillVerifiesAfterAnUpdateInTheSameBucket) {
  ServiceNode changed = *state_.get(key_in_bucket(100, 2));
  changed.recommission_credit += 5;
  state_.apply({{changed.pubkey, changed}});
  const ServiceNode& neighbour = some_record();
  EXPECT_TRUE(verify_registry_proof(neighbour, proof_of(neighbour), state_.root()));
}

TEST(RegistryProof, WithoutTheTopTreeStepsIsRejected) {
  // A lone record's leaf hash is not a registry root: a proof must climb the 12 top levels.
  const ServiceNode sn = make_node(key_in_bucket(0, 0));
  EXPECT_FALSE(verify_registry_proof(sn, MerkleProof{}, sn.leaf_hash()));
}

// ---- active nodes and swarms ----

TEST(RegistryActive, ListsOnlyActiveNodesAscending) {
  const ServiceNode a = make_node(key_in_bucket(300, 1), NodeState::kActive);
  const ServiceNode b = make_node(key_in_bucket(5, 2), NodeState::kActive);
  const ServiceNode waiting = make_node(key_in_bucket(6, 3), NodeState::kAwaiting);
  const ServiceNode decommissioned = make_node(key_in_bucket(7, 4), NodeState::kDecommissioned);
  const RegistryState s = state_with({a, b, waiting, decommissioned});
  EXPECT_EQ(s.active(), (std::vector<PubKey>{b.pubkey, a.pubkey}));
}

TEST(RegistryActive, NodeThatBecomesActiveJoinsTheList) {
  ServiceNode sn = make_node(key_in_bucket(10, 1), NodeState::kAwaiting);
  RegistryState s = state_with({sn, make_node(key_in_bucket(11, 1), NodeState::kActive)});
  ASSERT_EQ(s.active().size(), 1u);
  sn.state = NodeState::kActive;
  s.apply({{sn.pubkey, sn}});
  EXPECT_EQ(s.active(), (std::vector<PubKey>{sn.pubkey, key_in_bucket(11, 1)}));
}

TEST(RegistryActive, DecommissionedNodeLeavesTheList) {
  ServiceNode sn = make_node(key_in_bucket(10, 1), NodeState::kActive);
  RegistryState s = state_with({sn});
  sn.state = NodeState::kDecommissioned;
  s.apply({{sn.pubkey, sn}});
  EXPECT_TRUE(s.active().empty());
}

TEST(RegistryActive, RemovedNodeLeavesTheList) {
  const ServiceNode sn = make_node(key_in_bucket(10, 1), NodeState::kActive);
  RegistryState s = state_with({sn});
  s.apply({{sn.pubkey, std::nullopt}});
  EXPECT_TRUE(s.active().empty());
}

TEST(RegistrySwarms, ActiveNodeWithoutASwarmIsInNoSwarm) {
  const RegistryState s = state_with({make_node(key_in_bucket(1, 1), NodeState::kActive)});
  EXPECT_TRUE(s.swarms().empty());
}

TEST(RegistrySwarms, ActiveNodeThatGetsASwarmJoinsItInPubkeyOrder) {
  const ServiceNode member = make_node(key_in_bucket(900, 1), NodeState::kActive, 42);
  ServiceNode sn = make_node(key_in_bucket(2, 1), NodeState::kActive);
  RegistryState s = state_with({member, sn});
  sn.swarm_id = 42;
  s.apply({{sn.pubkey, sn}});
  EXPECT_EQ(s.swarms(), (SwarmTable{{42, {sn.pubkey, member.pubkey}}}));
}

TEST(RegistrySwarms, NodeThatMovesSwarmLeavesTheOldOne) {
  ServiceNode sn = make_node(key_in_bucket(2, 1), NodeState::kActive, 1);
  const ServiceNode other = make_node(key_in_bucket(3, 1), NodeState::kActive, 1);
  RegistryState s = state_with({sn, other});
  sn.swarm_id = 2;
  s.apply({{sn.pubkey, sn}});
  EXPECT_EQ(s.swarms(), (SwarmTable{{1, {other.pubkey}}, {2, {sn.pubkey}}}));
}

TEST(RegistrySwarms, DecommissionedNodeLeavesItsSwarmEvenIfItsRecordKeepsTheId) {
  ServiceNode sn = make_node(key_in_bucket(2, 1), NodeState::kActive, 7);
  const ServiceNode other = make_node(key_in_bucket(3, 1), NodeState::kActive, 7);
  RegistryState s = state_with({sn, other});
  sn.state = NodeState::kDecommissioned;
  s.apply({{sn.pubkey, sn}});
  EXPECT_EQ(s.swarms(), (SwarmTable{{7, {other.pubkey}}}));
}

TEST(RegistrySwarms, RemovingTheLastMemberRemovesTheSwarm) {
  const ServiceNode sn = make_node(key_in_bucket(2, 1), NodeState::kActive, 7);
  const ServiceNode other = make_node(key_in_bucket(3, 1), NodeState::kActive, 8);
  RegistryState s = state_with({sn, other});
  s.apply({{sn.pubkey, std::nullopt}});
  EXPECT_EQ(s.swarms(), (SwarmTable{{8, {other.pubkey}}}));
}

TEST(RegistrySwarms, ActiveListSwarmTableAndStateCountsMatchTheRecordsAfterManyRandomBlocks) {
  std::mt19937_64 rng(13);
  auto pool = random_nodes(rng, 300);
  RegistryState s;
  for (int block = 0; block < 200; ++block) {
    RegistryChanges changes;
    for (int k = 0; k < 8; ++k) {
      const ServiceNode& base = pool[rng() % pool.size()];
      switch (rng() % 5) {
        case 0:
          changes[base.pubkey] = std::nullopt;
          break;
        case 1:
          changes[base.pubkey] = make_node(base.pubkey, NodeState::kActive, rng() % 5, block);
          break;
        case 2:
          changes[base.pubkey] =
              make_node(base.pubkey, NodeState::kActive, kUnassignedSwarm, block);
          break;
        case 3:
          changes[base.pubkey] =
              make_node(base.pubkey, NodeState::kDecommissioned, rng() % 5, block);
          break;
        default:
          changes[base.pubkey] = make_node(
              base.pubkey, rng() % 2 ? NodeState::kAwaiting : NodeState::kDeregistered,
              kUnassignedSwarm, block);
      }
    }
    s.apply(changes);
    ASSERT_EQ(s.active(), active_by_definition(s)) << "block " << block;
    ASSERT_EQ(s.swarms(), swarms_by_definition(s)) << "block " << block;
    std::size_t by_state[4] = {0, 0, 0, 0};
    s.for_each([&](const ServiceNode& sn) { ++by_state[static_cast<std::size_t>(sn.state)]; });
    for (NodeState st : {NodeState::kAwaiting, NodeState::kActive, NodeState::kDecommissioned,
                         NodeState::kDeregistered})
      ASSERT_EQ(s.count_in(st), by_state[static_cast<std::size_t>(st)])
          << "block " << block << " " << node_state_name(st);
  }
  std::vector<ServiceNode> records;
  s.for_each([&](const ServiceNode& sn) { records.push_back(sn); });
  EXPECT_EQ(s.size(), records.size());
  EXPECT_EQ(s.root(), root_by_definition(records));
}

}  // namespace
}  // namespace swarmchain
