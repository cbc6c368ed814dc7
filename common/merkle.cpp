#include "common/merkle.h"

#include <unordered_map>

#include "common/crypto.h"

namespace swarmchain {

Hash merkle_empty_root() { return hash_tagged("swarmchain/merkle/empty", {}); }

Hash merkle_parent(const Hash& left, const Hash& right) {
  return Hasher("swarmchain/merkle/node").update(left).update(right).final();
}

namespace {
std::vector<Hash> next_level(const std::vector<Hash>& level) {
  std::vector<Hash> up;
  up.reserve((level.size() + 1) / 2);
  for (std::size_t i = 0; i + 1 < level.size(); i += 2)
    up.push_back(merkle_parent(level[i], level[i + 1]));
  if (level.size() % 2 == 1) up.push_back(level.back());
  return up;
}
}  // namespace

Hash merkle_root(std::span<const Hash> leaves) {
  if (leaves.empty()) return merkle_empty_root();
  std::vector<Hash> level(leaves.begin(), leaves.end());
  while (level.size() > 1) level = next_level(level);
  return level[0];
}

MerkleProof merkle_proof(std::span<const Hash> leaves, std::size_t index) {
  MerkleProof proof;
  std::vector<Hash> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    std::size_t sib = index ^ 1;
    if (sib < level.size()) proof.steps.push_back({sib < index, level[sib]});
    level = next_level(level);
    index /= 2;
  }
  return proof;
}

Hash merkle_root_from_proof(const Hash& leaf, const MerkleProof& proof) {
  Hash h = leaf;
  for (const auto& s : proof.steps)
    h = s.sibling_on_left ? merkle_parent(s.sibling, h) : merkle_parent(h, s.sibling);
  return h;
}

void MerkleProof::encode(Writer& w) const {
  w.varint(steps.size());
  for (const auto& s : steps) {
    w.u8(s.sibling_on_left ? 0 : 1);
    w.fixed(s.sibling);
  }
}

MerkleProof MerkleProof::decode(Reader& r) {
  MerkleProof p;
  uint64_t n = r.count(64);
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    MerkleStep s;
    uint8_t side = r.enumeration<uint8_t>(1);
    s.sibling_on_left = side == 0;
    s.sibling = r.fixed<Hash>();
    p.steps.push_back(s);
  }
  return p;
}

std::vector<std::pair<std::size_t, Hash>> merkle_heap_updates(
    std::vector<std::pair<std::size_t, Hash>> leaf_updates, const std::vector<Hash>& tree) {
  std::unordered_map<std::size_t, Hash> overlay;
  std::vector<std::size_t> level;
  for (const auto& [node, h] : leaf_updates) {
    overlay[node] = h;
    level.push_back(node);
  }
  std::vector<std::pair<std::size_t, Hash>> out = std::move(leaf_updates);
  auto get = [&](std::size_t i) -> const Hash& {
    auto f = overlay.find(i);
    return f == overlay.end() ? tree[i] : f->second;
  };
  // `level` is ascending, so siblings are adjacent and each parent is computed once.
  while (!level.empty() && level.front() > 1) {
    std::vector<std::size_t> up;
    for (std::size_t i : level)
      if (up.empty() || up.back() != i / 2) up.push_back(i / 2);
    for (std::size_t p : up) {
      const Hash h = merkle_parent(get(2 * p), get(2 * p + 1));
      overlay[p] = h;
      out.emplace_back(p, h);
    }
    level = std::move(up);
  }
  return out;
}

}  // namespace swarmchain
