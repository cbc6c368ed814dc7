#include "common/bytes.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/height.h"

namespace swarmchain {
namespace {

TEST(FixedBytes, DefaultsToAllZero) {
  Hash h;
  EXPECT_TRUE(h.is_zero());
  h.data[31] = 1;
  EXPECT_FALSE(h.is_zero());
}

TEST(FixedBytes, FromCopiesExactlyNBytes) {
  Bytes src{1, 2, 3, 4};
  auto f = FixedBytes<4, HashTag>::from(src);
  EXPECT_EQ(f.data, (std::array<uint8_t, 4>{1, 2, 3, 4}));
  EXPECT_EQ(f.size(), 4u);
  EXPECT_EQ(f.view().size(), 4u);
}

TEST(FixedBytes, OrdersLexicographically) {
  Hash a, b;
  a.data[0] = 1;
  b.data[31] = 0xff;
  EXPECT_LT(b, a);
  EXPECT_NE(a, b);
}

TEST(FixedBytes, StdHashDiffersForDifferentLeadingBytes) {
  Hash a, b;
  a.data[0] = 1;
  EXPECT_NE(std::hash<Hash>{}(a), std::hash<Hash>{}(b));
}

TEST(AsBytes, ViewsTheCharactersOfAString) {
  auto v = as_bytes("ab");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], 'a');
  EXPECT_EQ(v[1], 'b');
}

TEST(Height, NextAndPlusAdvanceTheValue) {
  EXPECT_EQ(Height(5).next(), Height(6));
  EXPECT_EQ(Height(5) + 10, Height(15));
  EXPECT_LT(Height(1), Height(2));
  EXPECT_EQ(Height(42).to_string(), "42");
}

}  // namespace
}  // namespace swarmchain
