#include "common/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/hex.h"
#include "golden.h"

namespace swarmchain {
namespace {

using swarmchain::testing::load_golden;

std::vector<Hash> make_leaves(std::size_t n) {
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string data = "leaf-" + std::to_string(i);
    leaves.push_back(hash_tagged("swarmchain/test/leaf", as_bytes(data)));
  }
  return leaves;
}

Hash hash_from_hex(const std::string& hex) {
  auto h = fixed_from_hex<Hash>(hex);
  EXPECT_TRUE(h.has_value()) << hex;
  return h.value_or(Hash{});
}

// Python: hashlib.blake2b(b"swarmchain/merkle/empty", digest_size=32).hexdigest()
TEST(MerkleRoot, OfNoLeavesIsTheTaggedEmptyHash) {
  EXPECT_EQ(to_hex(merkle_root({})),
            "2bf53d21f04dd71026439e87aa926f37f9fd6ec94f20eaff9d97e4d1fb7acb61");
  EXPECT_EQ(merkle_root({}), merkle_empty_root());
}

TEST(MerkleRoot, OfOneLeafIsTheLeaf) {
  const auto leaves = make_leaves(1);
  EXPECT_EQ(merkle_root(leaves), leaves[0]);
}

TEST(MerkleRoot, OfTwoLeavesIsTheirParent) {
  const auto l = make_leaves(2);
  EXPECT_EQ(merkle_root(l), merkle_parent(l[0], l[1]));
}

TEST(MerkleRoot, PromotesTheOddLastNodeUnchanged) {
  const auto l = make_leaves(3);
  EXPECT_EQ(merkle_root(l), merkle_parent(merkle_parent(l[0], l[1]), l[2]));
}

TEST(MerkleRoot, DoesNotDuplicateTheLastLeaf) {
  auto l = make_leaves(3);
  const Hash three = merkle_root(l);
  l.push_back(l.back());
  EXPECT_NE(merkle_root(l), three);
}

TEST(MerkleRoot, DependsOnLeafOrder) {
  auto l = make_leaves(2);
  const Hash ab = merkle_root(l);
  std::swap(l[0], l[1]);
  EXPECT_NE(merkle_root(l), ab);
}

TEST(MerkleGolden, RootsMatchIndependentlyComputedValues) {
  const auto j = load_golden("common_merkle.json");
  std::vector<std::size_t> sizes;
  for (const auto& c : j.at("cases")) {
    std::vector<Hash> leaves;
    for (const auto& l : c.at("leaves")) leaves.push_back(hash_from_hex(l.get<std::string>()));
    sizes.push_back(leaves.size());
    EXPECT_EQ(to_hex(merkle_root(leaves)), c.at("root").get<std::string>())
        << leaves.size() << " leaves";
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{0, 1, 2, 3, 5, 8}));
}

TEST(MerkleProof, VerifiesForEveryIndexOfSizesOneToSeventeen) {
  for (std::size_t n = 1; n <= 17; ++n) {
    const auto leaves = make_leaves(n);
    const Hash root = merkle_root(leaves);
    for (std::size_t i = 0; i < n; ++i) {
      const MerkleProof p = merkle_proof(leaves, i);
      EXPECT_EQ(merkle_root_from_proof(leaves[i], p), root) << "n=" << n << " i=" << i;
    }
  }
}

TEST(MerkleProof, OfASingleLeafIsEmpty) {
  EXPECT_TRUE(merkle_proof(make_leaves(1), 0).steps.empty());
}

TEST(MerkleProof, SkipsPromotedLevels) {
  // 5 leaves: leaf 4 is promoted twice, then paired with the root of the first four.
  const auto l = make_leaves(5);
  const MerkleProof p = merkle_proof(l, 4);
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_TRUE(p.steps[0].sibling_on_left);
  EXPECT_EQ(p.steps[0].sibling, merkle_root(std::span<const Hash>(l).first(4)));
}

TEST(MerkleProof, FailsForAFlippedLeafBit) {
  const auto leaves = make_leaves(7);
  const Hash root = merkle_root(leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    Hash leaf = leaves[i];
    leaf.data[0] ^= 0x01;
    EXPECT_NE(merkle_root_from_proof(leaf, merkle_proof(leaves, i)), root) << i;
  }
}

TEST(MerkleProof, FailsForAFlippedSiblingBit) {
  const auto leaves = make_leaves(7);
  const Hash root = merkle_root(leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const MerkleProof good = merkle_proof(leaves, i);
    for (std::size_t s = 0; s < good.steps.size(); ++s) {
      MerkleProof bad = good;
      bad.steps[s].sibling.data[31] ^= 0x80;
      EXPECT_NE(merkle_root_from_proof(leaves[i], bad), root) << i << "/" << s;
    }
  }
}

TEST(MerkleProof, FailsForAFlippedSide) {
  const auto leaves = make_leaves(7);
  const Hash root = merkle_root(leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const MerkleProof good = merkle_proof(leaves, i);
    for (std::size_t s = 0; s < good.steps.size(); ++s) {
      MerkleProof bad = good;
      bad.steps[s].sibling_on_left = !bad.steps[s].sibling_on_left;
      EXPECT_NE(merkle_root_from_proof(leaves[i], bad), root) << i << "/" << s;
    }
  }
}

TEST(MerkleProof, FailsForAnotherLeafOfTheSameTree) {
  const auto leaves = make_leaves(6);
  EXPECT_NE(merkle_root_from_proof(leaves[1], merkle_proof(leaves, 2)), merkle_root(leaves));
}

// ---- encoding: vector<step, 64>, step = u8 side (0: sibling left, 1: right) || fixed<32> ----

TEST(MerkleProofCodec, RoundTrips) {
  const auto leaves = make_leaves(13);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const MerkleProof p = merkle_proof(leaves, i);
    auto back = decode_exact<MerkleProof>(encode(p));
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(*back, p);
  }
}

TEST(MerkleProofCodec, EncodesSideAndSiblingPerTheGrammar) {
  MerkleProof p;
  Hash a, b;
  a.data.fill(0xaa);
  b.data.fill(0xbb);
  p.steps.push_back({true, a});
  p.steps.push_back({false, b});
  const std::string expected =
      "02" "00" + std::string(64, 'a') + "01" + std::string(64, 'b');
  EXPECT_EQ(to_hex(encode(p)), expected);
}

TEST(MerkleProofCodec, EmptyProofIsOneZeroByte) {
  EXPECT_EQ(to_hex(encode(MerkleProof{})), "00");
}

TEST(MerkleProofCodec, DecodesSixtyFourSteps) {
  Writer w;
  w.varint(64);
  for (int i = 0; i < 64; ++i) {
    w.u8(1);
    w.fixed(Hash{});
  }
  auto p = decode_exact<MerkleProof>(w.data());
  ASSERT_TRUE(p.has_value()) << p.error().message();
  EXPECT_EQ(p->steps.size(), 64u);
}

TEST(MerkleProofCodec, RejectsMoreThanSixtyFourSteps) {
  Writer w;
  w.varint(65);
  for (int i = 0; i < 65; ++i) {
    w.u8(1);
    w.fixed(Hash{});
  }
  auto p = decode_exact<MerkleProof>(w.data());
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code_as<DecodeError>(), DecodeError::kLengthTooLarge);
}

TEST(MerkleProofCodec, RejectsTrailingBytes) {
  Bytes in = encode(merkle_proof(make_leaves(4), 1));
  in.push_back(0x00);
  auto p = decode_exact<MerkleProof>(in);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code_as<DecodeError>(), DecodeError::kTrailingBytes);
}

TEST(MerkleProofCodec, RejectsAnUnknownSide) {
  Writer w;
  w.varint(1);
  w.u8(2);
  w.fixed(Hash{});
  auto p = decode_exact<MerkleProof>(w.data());
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code_as<DecodeError>(), DecodeError::kBadEnum);
}

TEST(MerkleProofCodec, RejectsATruncatedStep) {
  Bytes in = encode(merkle_proof(make_leaves(4), 1));
  in.pop_back();
  auto p = decode_exact<MerkleProof>(in);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code_as<DecodeError>(), DecodeError::kTruncated);
}

}  // namespace
}  // namespace swarmchain
