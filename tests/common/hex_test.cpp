#include "common/hex.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace swarmchain {
namespace {

TEST(Hex, EncodesBytesAsLowercaseDigits) {
  const Bytes b{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
  EXPECT_EQ(to_hex(b), "0001abcdefff");
}

TEST(Hex, EncodesEmptyBytesAsEmptyString) { EXPECT_EQ(to_hex(Bytes{}), ""); }

TEST(Hex, RoundTripsEveryByteValue) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
  auto back = from_hex(to_hex(all));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
}

TEST(Hex, DecodesEmptyStringAsEmptyBytes) {
  auto b = from_hex("");
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->empty());
}

TEST(Hex, RejectsOddLength) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("0").has_value());
}

TEST(Hex, RejectsNonHexDigits) {
  EXPECT_FALSE(from_hex("0g").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_FALSE(from_hex("0x12").has_value());
  EXPECT_FALSE(from_hex(" 1").has_value());
  EXPECT_FALSE(from_hex("12\n").has_value());
}

TEST(Hex, RejectsMixedCase) {
  EXPECT_FALSE(from_hex("aB").has_value());
  EXPECT_FALSE(from_hex("ABcd").has_value());
}

TEST(Hex, AcceptsAllUppercaseDigits) {
  auto b = from_hex("ABCDEF09");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*b, (Bytes{0xab, 0xcd, 0xef, 0x09}));
}

TEST(Hex, FixedFromHexRequiresExactlyTwoDigitsPerByte) {
  const std::string ok(64, 'a');
  auto h = fixed_from_hex<Hash>(ok);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(to_hex(*h), ok);
  EXPECT_FALSE(fixed_from_hex<Hash>(std::string(62, 'a')).has_value());
  EXPECT_FALSE(fixed_from_hex<Hash>(std::string(66, 'a')).has_value());
  EXPECT_FALSE(fixed_from_hex<Hash>(std::string(63, 'a') + "g").has_value());
}

}  // namespace
}  // namespace swarmchain
