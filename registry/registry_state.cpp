// RegistryState: the bucketed registry tree (layout at the top of registry_state.h), modelled
// on chain/account_state.cpp. The differences: a bucket's root is itself a Merkle tree over
// its records' leaf hashes (so one record can be proven), each record keeps its leaf hash, and
// the indexes the end of a block reads (reward queue, unlock queue, active nodes without a
// swarm, swarm table) are kept next to the records.
#include "registry/registry_state.h"

#include <algorithm>
#include <cassert>

#include "common/crypto.h"

namespace swarmchain {

namespace {

// Sorted-vector set operations for the swarm members (a handful of keys per swarm).
void sorted_insert(std::vector<PubKey>& v, const PubKey& pk) {
  auto it = std::lower_bound(v.begin(), v.end(), pk);
  if (it == v.end() || *it != pk) v.insert(it, pk);
}

void sorted_erase(std::vector<PubKey>& v, const PubKey& pk) {
  auto it = std::lower_bound(v.begin(), v.end(), pk);
  if (it != v.end() && *it == pk) v.erase(it);
}

bool has_swarm(const ServiceNode& sn) {
  return sn.is_active() && sn.swarm_id != kUnassignedSwarm;
}

}  // namespace

RegistryState::RegistryState() : buckets_(kBuckets), tree_(2 * kBuckets) {
  rebuild();
}

const ServiceNode* RegistryState::get(const PubKey& pk) const {
  const Bucket& b = buckets_[bucket_of(pk)];
  auto it = b.find(pk);
  return it == b.end() ? nullptr : &it->second.sn;
}

Hash RegistryState::hash_bucket(const Bucket& b) {
  if (b.empty()) return merkle_empty_root();
  std::vector<Hash> leaves;
  leaves.reserve(b.size());
  for (const auto& [pk, e] : b) leaves.push_back(e.leaf);
  return merkle_root(leaves);
}

void RegistryState::load(const ServiceNode& sn) {
  auto [it, inserted] = buckets_[bucket_of(sn.pubkey)].insert_or_assign(sn.pubkey, Entry{sn, {}});
  (void)it;
  if (inserted) ++count_;
}

void RegistryState::rebuild() {
  // Most buckets are empty (4,096 buckets, a few thousand nodes), and a subtree of empty
  // buckets hashes the same at every position of its level: hash each such subtree once.
  std::vector<Hash> empty_at_height{merkle_empty_root()};
  for (unsigned h = 1; h <= kBucketBits; ++h)
    empty_at_height.push_back(merkle_parent(empty_at_height.back(), empty_at_height.back()));

  for (Bucket& b : buckets_)
    for (auto& [pk, e] : b) e.leaf = e.sn.leaf_hash();
  for (std::size_t b = 0; b < kBuckets; ++b)
    tree_[kBuckets + b] = buckets_[b].empty() ? empty_at_height[0] : hash_bucket(buckets_[b]);
  unsigned height = 1;
  for (std::size_t first = kBuckets / 2; first >= 1; first /= 2, ++height) {
    const Hash& empty_child = empty_at_height[height - 1];
    for (std::size_t i = first; i < 2 * first; ++i) {
      const Hash& l = tree_[2 * i];
      const Hash& r = tree_[2 * i + 1];
      tree_[i] =
          (l == empty_child && r == empty_child) ? empty_at_height[height] : merkle_parent(l, r);
    }
  }
  rebuild_indexes();
}

void RegistryState::rebuild_indexes() {
  reward_queue_.clear();
  unlock_queue_.clear();
  unassigned_active_.clear();
  swarms_.clear();
  liveness_queue_.clear();
  decommissioned_.clear();
  state_counts_.fill(0);
  for_each([this](const ServiceNode& sn) { index(sn); });
}

void RegistryState::index(const ServiceNode& sn) {
  ++state_counts_[static_cast<std::size_t>(sn.state)];
  if (sn.state == NodeState::kDecommissioned) decommissioned_.emplace(decommission_end_height(sn), sn.pubkey);
  if (sn.is_active()) {
    liveness_queue_.emplace(liveness_since_ms(sn), sn.pubkey);
    reward_queue_.insert(RewardPosition::of(sn));
    if (sn.swarm_id == kUnassignedSwarm) unassigned_active_.insert(sn.pubkey);
  }
  if (sn.requested_unlock_height != Height()) {
    unlock_queue_.emplace(sn.requested_unlock_height, sn.pubkey);
  }
  if (has_swarm(sn)) sorted_insert(swarms_[sn.swarm_id], sn.pubkey);
}

void RegistryState::unindex(const ServiceNode& sn) {
  --state_counts_[static_cast<std::size_t>(sn.state)];
  if (sn.state == NodeState::kDecommissioned) decommissioned_.erase({decommission_end_height(sn), sn.pubkey});
  if (sn.is_active()) {
    liveness_queue_.erase({liveness_since_ms(sn), sn.pubkey});
    reward_queue_.erase(RewardPosition::of(sn));
    unassigned_active_.erase(sn.pubkey);
  }
  if (sn.requested_unlock_height != Height()) {
    unlock_queue_.erase({sn.requested_unlock_height, sn.pubkey});
  }
  if (has_swarm(sn)) {
    auto s = swarms_.find(sn.swarm_id);
    if (s != swarms_.end()) {
      sorted_erase(s->second, sn.pubkey);
      if (s->second.empty()) swarms_.erase(s);
    }
  }
}

std::vector<PubKey> RegistryState::active() const {
  std::vector<PubKey> out;
  out.reserve(reward_queue_.size());
  for (const RewardPosition& r : reward_queue_) out.push_back(r.pubkey);
  std::sort(out.begin(), out.end());
  return out;
}

RegistryState::Update RegistryState::prepare(const RegistryChanges& changes) const {
  Update u;
  if (changes.empty()) {
    u.root = root();
    return u;
  }
  std::vector<std::pair<std::size_t, Hash>> bucket_roots;
  // Buckets: `changes` is sorted by pubkey, so the changes of one bucket are adjacent.
  for (auto it = changes.begin(); it != changes.end();) {
    const std::size_t b = bucket_of(it->first);
    // The bucket's leaves after the changes, ascending by pubkey: merge the bucket's records
    // (minus the changed ones) with the new values, without copying any record.
    std::vector<std::pair<PubKey, Hash>> leaves;
    auto changes_end = it;
    for (; changes_end != changes.end() && bucket_of(changes_end->first) == b; ++changes_end) {
      assert(!changes_end->second || changes_end->second->pubkey == changes_end->first);
      if (changes_end->second) {
        leaves.emplace_back(changes_end->first, changes_end->second->leaf_hash());
        u.leaves.push_back(leaves.back().second);
      }
    }
    for (const auto& [pk, e] : buckets_[b])
      if (changes.find(pk) == changes.end()) leaves.emplace_back(pk, e.leaf);
    std::sort(leaves.begin(), leaves.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    std::vector<Hash> hashes;
    hashes.reserve(leaves.size());
    for (const auto& [pk, h] : leaves) hashes.push_back(h);

    // merkle_empty_root() when the bucket empties.
    bucket_roots.emplace_back(kBuckets + b, merkle_root(hashes));
    it = changes_end;
  }
  u.nodes = merkle_heap_updates(std::move(bucket_roots), tree_);
  u.root = u.nodes.back().second;  // the root, index 1
  return u;
}

void RegistryState::apply(const RegistryChanges& changes, const Update& update) {
  auto next_leaf = update.leaves.begin();
  for (const auto& [pk, value] : changes) {
    Bucket& b = buckets_[bucket_of(pk)];
    auto old = b.find(pk);
    if (old != b.end()) unindex(old->second.sn);
    if (!value) {
      if (old != b.end()) {
        b.erase(old);
        --count_;
      }
      continue;
    }
    index(*value);
    const Hash leaf = *next_leaf++;
    if (old != b.end()) {
      old->second = Entry{*value, leaf};
    } else {
      b.emplace(pk, Entry{*value, leaf});
      ++count_;
    }
  }
  for (const auto& [i, h] : update.nodes) tree_[i] = h;
}

void RegistryState::for_each(const std::function<void(const ServiceNode&)>& fn) const {
  // Buckets are ordered by the leading bits and each bucket by pubkey: ascending overall.
  for (const auto& b : buckets_)
    for (const auto& [pk, e] : b) fn(e.sn);
}

std::optional<MerkleProof> RegistryState::proof(const PubKey& pk) const {
  const std::size_t b = bucket_of(pk);
  const Bucket& bucket = buckets_[b];
  auto it = bucket.find(pk);
  if (it == bucket.end()) return std::nullopt;

  std::vector<Hash> leaves;
  leaves.reserve(bucket.size());
  for (const auto& [key, e] : bucket) leaves.push_back(e.leaf);
  const auto index = static_cast<std::size_t>(std::distance(bucket.begin(), it));
  MerkleProof p = merkle_proof(leaves, index);

  for (std::size_t node = kBuckets + b; node > 1; node /= 2) {
    const std::size_t sibling = node ^ 1;
    p.steps.push_back({sibling < node, tree_[sibling]});
  }
  return p;
}

bool verify_registry_proof(const ServiceNode& record, const MerkleProof& proof,
                           const Hash& registry_root) {
  // The last 12 steps are the top tree; their sides spell the bucket the path enters. Require
  // it to be the record's own bucket, as proof() always makes it. Membership is already sound
  // without this (leaves and inner nodes hash under different tags); the check is defence in
  // depth that ties the path to the record's key, and costs nothing.
  constexpr std::size_t kTopSteps = RegistryState::kBucketBits;
  if (proof.steps.size() < kTopSteps) return false;
  const std::size_t top = proof.steps.size() - kTopSteps;
  std::size_t bucket = 0;
  for (std::size_t i = 0; i < kTopSteps; ++i)
    if (proof.steps[top + i].sibling_on_left) bucket |= std::size_t{1} << i;
  if (bucket != RegistryState::bucket_of(record.pubkey)) return false;
  return merkle_root_from_proof(record.leaf_hash(), proof) == registry_root;
}

}  // namespace swarmchain
