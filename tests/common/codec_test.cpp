#include "common/codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "common/hex.h"
#include "golden.h"

namespace swarmchain {
namespace {

using swarmchain::testing::load_golden;

Bytes unhex(std::string_view h) {
  auto b = from_hex(h);
  EXPECT_TRUE(b.has_value()) << "bad hex in test: " << h;
  return b.value_or(Bytes{});
}

DecodeError error_of(const Status& s) { return s.code_as<DecodeError>(); }

// A small encodable type for decode_exact.
struct Pair {
  uint32_t a = 0;
  std::string b;
  void encode(Writer& w) const {
    w.u32(a);
    w.str(b);
  }
  static Pair decode(Reader& r) {
    Pair p;
    p.a = r.u32();
    p.b = r.str(16);
    return p;
  }
  friend bool operator==(const Pair&, const Pair&) = default;
};

enum class Colour : uint8_t { kRed = 0, kGreen = 1, kBlue = 2 };

// ---- round trips ----

TEST(Codec, FixedWidthIntegersRoundTrip) {
  Writer w;
  w.u8(0xab);
  w.u16(0xbeef);
  w.u32(0xdeadbeef);
  w.u64(0x0123456789abcdefULL);
  Reader r(w.data());
  EXPECT_EQ(r.u8(), 0xab);
  EXPECT_EQ(r.u16(), 0xbeef);
  EXPECT_EQ(r.u32(), 0xdeadbeefu);
  EXPECT_EQ(r.u64(), 0x0123456789abcdefULL);
  EXPECT_TRUE(r.finish());
}

TEST(Codec, VarintsRoundTripAcrossEveryGroupBoundary) {
  Writer w;
  std::vector<uint64_t> values{0, std::numeric_limits<uint64_t>::max()};
  for (int bits = 1; bits < 64; ++bits) {
    values.push_back((uint64_t{1} << bits) - 1);
    values.push_back(uint64_t{1} << bits);
  }
  for (uint64_t v : values) w.varint(v);
  Reader r(w.data());
  for (uint64_t v : values) EXPECT_EQ(r.varint(), v);
  EXPECT_TRUE(r.finish());
}

TEST(Codec, BytesStringsAndFixedRoundTrip) {
  Hash h;
  for (std::size_t i = 0; i < h.size(); ++i) h.data[i] = static_cast<uint8_t>(i * 7);
  const Bytes blob{1, 2, 3, 0, 255};
  Writer w;
  w.bytes(blob);
  w.str("hello");
  w.str("");
  w.fixed(h);
  Reader r(w.data());
  EXPECT_EQ(r.bytes(5), blob);
  EXPECT_EQ(r.str(5), "hello");
  EXPECT_EQ(r.str(0), "");
  EXPECT_EQ(r.fixed<Hash>(), h);
  EXPECT_TRUE(r.finish());
}

TEST(Codec, AmountAndHeightRoundTripAsU64) {
  Writer w;
  w.amount(Amount(12'500'000'000ULL));
  w.height(Height(77));
  EXPECT_EQ(to_hex(w.data()), "00dd0ee902000000" "4d00000000000000");
  Reader r(w.data());
  EXPECT_EQ(r.amount(), Amount(12'500'000'000ULL));
  EXPECT_EQ(r.height(), Height(77));
  EXPECT_TRUE(r.finish());
}

TEST(Codec, EnumRoundTripsUpToItsMax) {
  Writer w;
  w.u8(static_cast<uint8_t>(Colour::kRed));
  w.u8(static_cast<uint8_t>(Colour::kBlue));
  Reader r(w.data());
  EXPECT_EQ(r.enumeration<Colour>(2), Colour::kRed);
  EXPECT_EQ(r.enumeration<Colour>(2), Colour::kBlue);
  EXPECT_TRUE(r.finish());
}

TEST(Codec, CountAtItsLimitIsAccepted) {
  Writer w;
  w.varint(64);
  Reader r(w.data());
  EXPECT_EQ(r.count(64), 64u);
  EXPECT_TRUE(r.finish());
}

TEST(Codec, DecodeExactRoundTripsAType) {
  const Pair p{42, "swarm"};
  auto back = decode_exact<Pair>(encode(p));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, p);
}

// ---- golden vectors (tests/data/common_codec.json, written by hand from the grammar) ----

TEST(CodecGolden, FixedWidthIntegersMatchVectors) {
  const auto j = load_golden("common_codec.json");
  for (const auto& c : j.at("u8")) {
    Writer w;
    w.u8(c.at("value").get<uint8_t>());
    EXPECT_EQ(to_hex(w.data()), c.at("hex").get<std::string>());
    const Bytes in = unhex(c.at("hex").get<std::string>());
    Reader r(in);
    EXPECT_EQ(r.u8(), c.at("value").get<uint8_t>());
    EXPECT_TRUE(r.finish());
  }
  for (const auto& c : j.at("u16")) {
    Writer w;
    w.u16(c.at("value").get<uint16_t>());
    EXPECT_EQ(to_hex(w.data()), c.at("hex").get<std::string>());
    const Bytes in = unhex(c.at("hex").get<std::string>());
    Reader r(in);
    EXPECT_EQ(r.u16(), c.at("value").get<uint16_t>());
    EXPECT_TRUE(r.finish());
  }
  for (const auto& c : j.at("u32")) {
    Writer w;
    w.u32(c.at("value").get<uint32_t>());
    EXPECT_EQ(to_hex(w.data()), c.at("hex").get<std::string>());
    const Bytes in = unhex(c.at("hex").get<std::string>());
    Reader r(in);
    EXPECT_EQ(r.u32(), c.at("value").get<uint32_t>());
    EXPECT_TRUE(r.finish());
  }
  for (const auto& c : j.at("u64")) {
    Writer w;
    w.u64(c.at("value").get<uint64_t>());
    EXPECT_EQ(to_hex(w.data()), c.at("hex").get<std::string>());
    const Bytes in = unhex(c.at("hex").get<std::string>());
    Reader r(in);
    EXPECT_EQ(r.u64(), c.at("value").get<uint64_t>());
    EXPECT_TRUE(r.finish());
  }
}

TEST(CodecGolden, VarintsMatchVectors) {
  const auto j = load_golden("common_codec.json");
  ASSERT_GE(j.at("varint").size(), 5u);
  for (const auto& c : j.at("varint")) {
    const uint64_t v = c.at("value").get<uint64_t>();
    const std::string hex = c.at("hex").get<std::string>();
    Writer w;
    w.varint(v);
    EXPECT_EQ(to_hex(w.data()), hex) << v;
    const Bytes in = unhex(hex);
    Reader r(in);
    EXPECT_EQ(r.varint(), v);
    EXPECT_TRUE(r.finish()) << v;
  }
}

TEST(CodecGolden, BytesMatchVectors) {
  const auto j = load_golden("common_codec.json");
  for (const auto& c : j.at("bytes")) {
    const Bytes v = unhex(c.at("value_hex").get<std::string>());
    const std::string hex = c.at("hex").get<std::string>();
    Writer w;
    w.bytes(v);
    EXPECT_EQ(to_hex(w.data()), hex);
    const Bytes in = unhex(hex);
    Reader r(in);
    EXPECT_EQ(r.bytes(1000), v);
    EXPECT_TRUE(r.finish());
  }
}

TEST(CodecGolden, StringsMatchVectors) {
  const auto j = load_golden("common_codec.json");
  for (const auto& c : j.at("str")) {
    const std::string v = c.at("value").get<std::string>();
    const std::string hex = c.at("hex").get<std::string>();
    Writer w;
    w.str(v);
    EXPECT_EQ(to_hex(w.data()), hex);
    const Bytes in = unhex(hex);
    Reader r(in);
    EXPECT_EQ(r.str(1000), v);
    EXPECT_TRUE(r.finish());
  }
}

TEST(CodecGolden, FixedMatchesVectors) {
  const auto j = load_golden("common_codec.json");
  for (const auto& c : j.at("fixed32")) {
    auto h = fixed_from_hex<Hash>(c.at("value_hex").get<std::string>());
    ASSERT_TRUE(h.has_value());
    const std::string hex = c.at("hex").get<std::string>();
    Writer w;
    w.fixed(*h);
    EXPECT_EQ(to_hex(w.data()), hex);
    const Bytes in = unhex(hex);
    Reader r(in);
    EXPECT_EQ(r.fixed<Hash>(), *h);
    EXPECT_TRUE(r.finish());
  }
}

// ---- rejections ----

TEST(CodecDecode, RejectsTruncatedFixedWidthInteger) {
  const Bytes in{0x01, 0x02, 0x03};
  Reader r(in);
  EXPECT_EQ(r.u32(), 0u);
  Status s = r.finish();
  EXPECT_FALSE(s);
  EXPECT_EQ(error_of(s), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsEmptyInputForU8) {
  Reader r(ByteView{});
  EXPECT_EQ(r.u8(), 0u);
  EXPECT_EQ(error_of(r.status()), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsVarintCutInsideAContinuation) {
  const Bytes in{0x80};
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsBytesShorterThanTheirLength) {
  const Bytes in{0x03, 0xaa, 0xbb};
  Reader r(in);
  EXPECT_TRUE(r.bytes(10).empty());
  EXPECT_EQ(error_of(r.finish()), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsTruncatedFixedBytes) {
  const Bytes in(31, 0x11);
  Reader r(in);
  EXPECT_TRUE(r.fixed<Hash>().is_zero());
  EXPECT_EQ(error_of(r.finish()), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsTrailingBytes) {
  const Bytes in{0x01, 0x00};
  Reader r(in);
  EXPECT_EQ(r.u8(), 1u);
  EXPECT_TRUE(r.ok());
  Status s = r.finish();
  EXPECT_FALSE(s);
  EXPECT_EQ(error_of(s), DecodeError::kTrailingBytes);
}

TEST(CodecDecode, DecodeExactRejectsTrailingBytes) {
  Bytes in = encode(Pair{1, "x"});
  in.push_back(0);
  auto back = decode_exact<Pair>(in);
  ASSERT_FALSE(back.has_value());
  EXPECT_EQ(error_of(back.error()), DecodeError::kTrailingBytes);
}

TEST(CodecDecode, RejectsNonMinimalVarintZero) {
  const Bytes in{0x80, 0x00};
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kNonMinimalVarint);
}

TEST(CodecDecode, RejectsNonMinimalVarint127) {
  const Bytes in{0xff, 0x00};
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kNonMinimalVarint);
}

TEST(CodecDecode, RejectsNonMinimalVarintWithSeveralPaddingGroups) {
  const Bytes in{0x81, 0x80, 0x80, 0x00};
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kNonMinimalVarint);
}

TEST(CodecDecode, RejectsNonMinimalTenByteVarint) {
  const Bytes in{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kNonMinimalVarint);
}

TEST(CodecDecode, RejectsTenByteVarintAbove64Bits) {
  // 2^64 and 2^64 * 63 + ...: the tenth byte may only be 0x01.
  for (uint8_t last : {uint8_t{0x02}, uint8_t{0x7f}, uint8_t{0x40}}) {
    Bytes in(9, 0xff);
    in.push_back(last);
    Reader r(in);
    EXPECT_EQ(r.varint(), 0u);
    EXPECT_EQ(error_of(r.finish()), DecodeError::kVarintOverflow) << int{last};
  }
}

TEST(CodecDecode, RejectsVarintLongerThanTenBytes) {
  Bytes in(10, 0x80);
  in[9] = 0x81;  // continuation bit on the tenth byte
  in.push_back(0x01);
  Reader r(in);
  r.varint();
  EXPECT_EQ(error_of(r.finish()), DecodeError::kVarintOverflow);
}

TEST(CodecDecode, RejectsBytesLengthAboveLimit) {
  Writer w;
  w.bytes(Bytes(5, 0xaa));
  Reader r(w.data());
  EXPECT_TRUE(r.bytes(4).empty());
  EXPECT_EQ(error_of(r.finish()), DecodeError::kLengthTooLarge);
}

TEST(CodecDecode, RejectsStringLengthAboveLimit) {
  Writer w;
  w.str("toolong");
  Reader r(w.data());
  EXPECT_EQ(r.str(3), "");
  EXPECT_EQ(error_of(r.finish()), DecodeError::kLengthTooLarge);
}

TEST(CodecDecode, RejectsHugeBytesLengthWithoutReadingPastTheEnd) {
  Writer w;
  w.varint(std::numeric_limits<uint64_t>::max());
  Reader r(w.data());
  EXPECT_TRUE(r.bytes(std::numeric_limits<std::size_t>::max()).empty());
  EXPECT_EQ(error_of(r.finish()), DecodeError::kTruncated);
}

TEST(CodecDecode, RejectsCountAboveLimit) {
  Writer w;
  w.varint(65);
  Reader r(w.data());
  EXPECT_EQ(r.count(64), 0u);
  EXPECT_EQ(error_of(r.finish()), DecodeError::kLengthTooLarge);
}

TEST(CodecDecode, RejectsEnumAboveItsMax) {
  const Bytes in{0x03};
  Reader r(in);
  r.enumeration<Colour>(2);
  Status s = r.finish();
  EXPECT_EQ(error_of(s), DecodeError::kBadEnum);
  EXPECT_NE(s.message().find("enum"), std::string::npos) << s.message();
}

TEST(CodecDecode, KeepsTheFirstError) {
  const Bytes in{0x80, 0x00, 0x01};  // non-minimal varint, then a truncated u64
  Reader r(in);
  r.varint();
  EXPECT_EQ(r.u64(), 0u);
  r.fail(DecodeError::kBadValue, "later");
  Status s = r.finish();
  EXPECT_EQ(error_of(s), DecodeError::kNonMinimalVarint);
  EXPECT_EQ(s.message().find("later"), std::string::npos) << s.message();
}

TEST(CodecDecode, ReadsZeroValuesAfterAnError) {
  const Bytes in{0x05, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07, 0x07};
  Reader r(in);
  r.count(4);  // fails: 5 > 4
  EXPECT_EQ(r.u8(), 0u);
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_EQ(r.varint(), 0u);
  EXPECT_FALSE(r.ok());
}

TEST(CodecDecode, ErrorsAreNotReplacedByTrailingBytes) {
  const Bytes in{0x09, 0x01, 0x02};
  Reader r(in);
  r.count(4);
  EXPECT_EQ(error_of(r.finish()), DecodeError::kLengthTooLarge);
}

TEST(CodecDecode, StatusMessageSaysDecodeError) {
  Reader r(ByteView{});
  r.u8();
  Status s = r.status();
  EXPECT_NE(s.message().find("decode error"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("truncated"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace swarmchain
