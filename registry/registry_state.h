// RegistryState: every service-node record plus the registry_root commitment (design §4.4).
//
// registry_root layout (docs/protocol.md §registry_root):
//   records are split into 2^12 buckets by the first 12 bits of the SN pubkey;
//   bucket root = merkle_root(leaf hashes of the bucket's records, ascending by pubkey), with
//                 merkle_empty_root() for an empty bucket;
//   registry_root = the complete binary Merkle tree (merkle_parent) over the 4,096 bucket roots.
// So the tree is still a binary Merkle tree over the records sorted by pubkey, with a fixed
// top, and a block that changes k records rehashes k buckets and 12·k inner nodes: the cost is
// O(changed · log n), never a full rehash of the registry. The swarm table is committed through
// each record's swarm_id.
//
// A registry proof is the record plus one MerkleProof (steps inside the bucket, then the 12
// steps of the top tree); merkle_root_from_proof(leaf, proof) must give registry_root.
//
// Thread-safety: none; owned by the chain's single writer. Const methods may run concurrently
// with each other but not with apply().
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "common/merkle.h"
#include "registry/service_node.h"
#include "registry/swarm_id.h"

namespace swarmchain {

// New values of the records a block touched; nullopt removes the record.
using RegistryChanges = std::map<PubKey, std::optional<ServiceNode>>;

// A node's place in the reward queue (design §5.5): the smallest one is paid next.
struct RewardPosition {
  Height last_reward_height;
  uint32_t last_reward_index = 0;
  PubKey pubkey;
  friend auto operator<=>(const RewardPosition&, const RewardPosition&) = default;
  static RewardPosition of(const ServiceNode& sn) {
    return {sn.last_reward_height, sn.last_reward_index, sn.pubkey};
  }
};

class RegistryState {
 public:
  static constexpr unsigned kBucketBits = 12;
  static constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;

  RegistryState();

  // The bucket of a pubkey: its first kBucketBits bits.
  static std::size_t bucket_of(const PubKey& pk) {
    static_assert(kBucketBits == 12);
    return (std::size_t{pk.data[0]} << 4) | (pk.data[1] >> 4);
  }

  const ServiceNode* get(const PubKey& pk) const;
  std::size_t size() const { return count_; }
  Hash root() const { return tree_[1]; }

  // The tree work of `changes` against this state, done once (as AccountState::Update): `root`
  // is the root after them; apply(changes, update) installs the nodes and the new records'
  // leaf hashes without hashing again.
  struct Update {
    std::vector<std::pair<std::size_t, Hash>> nodes;  // children before parents
    std::vector<Hash> leaves;  // leaf hash of every non-erasing change, in the order of changes
    Hash root;
  };
  Update prepare(const RegistryChanges& changes) const;
  // The root after `changes`, without applying them.
  Hash root_with(const RegistryChanges& changes) const { return prepare(changes).root; }
  void apply(const RegistryChanges& changes) { apply(changes, prepare(changes)); }
  // REQUIRES: `update` is prepare(changes) on this state, and the state has not changed since.
  void apply(const RegistryChanges& changes, const Update& update);

  // Every record, ascending by pubkey.
  void for_each(const std::function<void(const ServiceNode&)>& fn) const;
  // Indexes kept up to date by apply(), so that a block's end (staking_rules.h) reads what it
  // needs in O(log n) instead of scanning every record:
  //   reward_queue()     : every active node, in payout order;
  //   unlock_queue()     : (requested_unlock_height, pubkey) of every node with an unlock
  //                        requested, ascending;
  //   unassigned_active(): active nodes without a swarm (normally none between blocks);
  //   swarms()           : swarm id -> members, ascending (active nodes with a swarm);
  //   liveness_queue()   : (liveness_since_ms, pubkey) of every active node, ascending: the
  //                        block time it last proved, or became active if later
  //                        (registry/liveness_rules.h);
  //   decommissioned()   : (last height it may stay decommissioned, pubkey) of every
  //                        decommissioned node, ascending.
  const std::set<RewardPosition>& reward_queue() const { return reward_queue_; }
  const std::set<std::pair<Height, PubKey>>& unlock_queue() const { return unlock_queue_; }
  const std::set<PubKey>& unassigned_active() const { return unassigned_active_; }
  const SwarmTable& swarms() const { return swarms_; }
  const std::set<std::pair<uint64_t, PubKey>>& liveness_queue() const { return liveness_queue_; }
  const std::set<std::pair<uint64_t, PubKey>>& decommissioned() const { return decommissioned_; }
  std::size_t active_count() const { return reward_queue_.size(); }
  // Records in state `s` (awaiting, active, decommissioned, deregistered), kept by apply().
  std::size_t count_in(NodeState s) const { return state_counts_[static_cast<std::size_t>(s)]; }
  // Active nodes' pubkeys, ascending. O(n): for tests and tools, not for block processing.
  std::vector<PubKey> active() const;

  // Proof that the current record of `pk` is in root(); nullopt if there is no such record.
  std::optional<MerkleProof> proof(const PubKey& pk) const;

  // Bulk load (startup): insert without hashing, then rebuild() once.
  void load(const ServiceNode& sn);
  void rebuild();

 private:
  // A record with its leaf hash, so that a block rehashes only the records it changed.
  struct Entry {
    ServiceNode sn;
    Hash leaf;
  };
  using Bucket = std::map<PubKey, Entry>;
  static Hash hash_bucket(const Bucket& b);
  void rebuild_indexes();
  void index(const ServiceNode& sn);
  void unindex(const ServiceNode& sn);

  std::vector<Bucket> buckets_;
  std::vector<Hash> tree_;  // heap layout: root at 1, bucket b's root at kBuckets + b
  std::size_t count_ = 0;
  std::set<RewardPosition> reward_queue_;
  std::set<std::pair<Height, PubKey>> unlock_queue_;
  std::set<PubKey> unassigned_active_;
  SwarmTable swarms_;
  std::set<std::pair<uint64_t, PubKey>> liveness_queue_;
  std::set<std::pair<uint64_t, PubKey>> decommissioned_;
  std::array<std::size_t, 4> state_counts_{};  // indexed by NodeState
};

// Light-client check: `record` is in the registry whose root is `registry_root`.
bool verify_registry_proof(const ServiceNode& record, const MerkleProof& proof,
                           const Hash& registry_root);

}  // namespace swarmchain
