// Binary Merkle tree over leaf hashes (tx_root, registry_root, proofs).
//
//   node  = H("swarmchain/merkle/node" || left || right)
//   empty = H("swarmchain/merkle/empty" || "")
// A level with an odd count promotes its last node unchanged to the next level (no
// duplication: duplicating the last leaf lets two different lists share a root, the
// Bitcoin CVE-2012-2459 trap).
//
// Proof grammar: vector<step, 64>, step = u8 side (0: sibling is on the left, 1: right) ||
// fixed<32> sibling. Promoted levels add no step.
#pragma once

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/codec.h"

namespace swarmchain {

Hash merkle_empty_root();
Hash merkle_parent(const Hash& left, const Hash& right);
Hash merkle_root(std::span<const Hash> leaves);

struct MerkleStep {
  bool sibling_on_left = false;
  Hash sibling;
  friend bool operator==(const MerkleStep&, const MerkleStep&) = default;
};

struct MerkleProof {
  std::vector<MerkleStep> steps;
  void encode(Writer& w) const;
  static MerkleProof decode(Reader& r);
  friend bool operator==(const MerkleProof&, const MerkleProof&) = default;
};

// REQUIRES: index < leaves.size().
MerkleProof merkle_proof(std::span<const Hash> leaves, std::size_t index);

// A complete binary tree kept in heap layout (root at 1, children of i at 2i and 2i+1), as the
// account state and the registry keep theirs. Given new values for some leaves (heap indexes
// ascending, no duplicates) and the current `tree`, returns every node that changes, children
// before parents; the last entry is the root (index 1). O(leaves · depth); `tree` is not touched.
std::vector<std::pair<std::size_t, Hash>> merkle_heap_updates(
    std::vector<std::pair<std::size_t, Hash>> leaf_updates, const std::vector<Hash>& tree);
Hash merkle_root_from_proof(const Hash& leaf, const MerkleProof& proof);

}  // namespace swarmchain
