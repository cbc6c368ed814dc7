#include "chain/account_state.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/merkle.h"

namespace swarmchain {

AccountState::AccountState() : buckets_(kBuckets), tree_(2 * kBuckets) { rebuild(); }

std::optional<Account> AccountState::get(const PubKey& pk) const {
  const Bucket& b = buckets_[bucket_of(pk)];
  auto it = b.find(pk);
  if (it == b.end()) return std::nullopt;
  return it->second;
}

Hash AccountState::hash_bucket(const Bucket& b) {
  Writer w;
  w.varint(b.size());
  for (const auto& [pk, a] : b) {
    w.fixed(pk);
    a.encode(w);
  }
  return hash_tagged("swarmchain/accounts/bucket/v1", w.data());
}

void AccountState::load(const PubKey& pk, const Account& a) {
  auto [it, inserted] = buckets_[bucket_of(pk)].insert_or_assign(pk, a);
  (void)it;
  if (inserted) ++count_;
}

void AccountState::rebuild() {
  // Empty buckets all hash alike: hash that once.
  const Hash empty = hash_bucket({});
  for (std::size_t b = 0; b < kBuckets; ++b)
    tree_[kBuckets + b] = buckets_[b].empty() ? empty : hash_bucket(buckets_[b]);
  for (std::size_t i = kBuckets - 1; i >= 1; --i) tree_[i] = merkle_parent(tree_[2 * i], tree_[2 * i + 1]);
}

AccountState::Update AccountState::prepare(const AccountChanges& changes) const {
  if (changes.empty()) return {{}, root()};
  std::vector<std::pair<std::size_t, Hash>> leaves;
  // Leaves: `changes` is sorted by pubkey, so equal buckets are adjacent.
  for (auto it = changes.begin(); it != changes.end();) {
    std::size_t b = bucket_of(it->first);
    Bucket merged = buckets_[b];
    for (; it != changes.end() && bucket_of(it->first) == b; ++it) {
      if (it->second.is_empty()) merged.erase(it->first);
      else merged.insert_or_assign(it->first, it->second);
    }
    leaves.emplace_back(kBuckets + b, hash_bucket(merged));
  }
  Update u;
  u.nodes = merkle_heap_updates(std::move(leaves), tree_);
  u.root = u.nodes.back().second;  // the root, index 1
  return u;
}

void AccountState::apply(const AccountChanges& changes, const Update& update) {
  for (const auto& [pk, a] : changes) {
    Bucket& b = buckets_[bucket_of(pk)];
    if (a.is_empty()) {
      count_ -= b.erase(pk);
    } else {
      auto [it, inserted] = b.insert_or_assign(pk, a);
      (void)it;
      if (inserted) ++count_;
    }
  }
  for (const auto& [i, h] : update.nodes) tree_[i] = h;
}

void AccountState::for_each(const std::function<void(const PubKey&, const Account&)>& fn) const {
  for (const auto& b : buckets_)
    for (const auto& [pk, a] : b) fn(pk, a);
}

}  // namespace swarmchain
