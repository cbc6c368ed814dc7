// Seed text ("show once / restore"): 64 hex digits of seed + 8 of checksum.
#include <gtest/gtest.h>

#include <string>

#include "common/crypto.h"
#include "common/hex.h"
#include "wallet/keystore.h"

namespace swarmchain {
namespace {

Seed counting_seed() {
  Seed s;
  for (std::size_t i = 0; i < s.size(); ++i) s.data[i] = static_cast<uint8_t>(i);
  return s;
}

// hash_tagged("swarmchain/seed", 00 01 .. 1f)[0..4], computed when the format was fixed.
constexpr std::string_view kCountingSeedText =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f5cb0e8e0";

TEST(SeedText, HasTheDocumentedForm) {
  std::string text = seed_to_text(counting_seed());
  EXPECT_EQ(text.size(), kSeedTextLength);
  EXPECT_EQ(text.substr(0, 64), to_hex(counting_seed()));
  Hash h = hash_tagged("swarmchain/seed", counting_seed().view());
  EXPECT_EQ(text.substr(64), to_hex(ByteView(h.data.data(), 4)));
  EXPECT_EQ(text, kCountingSeedText);
}

TEST(SeedText, RoundTripsRandomSeeds) {
  ASSERT_TRUE(crypto_init());
  for (int i = 0; i < 100; ++i) {
    Seed seed = KeyPair::generate().seed();
    auto back = seed_from_text(seed_to_text(seed));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, seed);
  }
}

TEST(SeedText, AcceptsSurroundingWhitespace) {
  auto back = seed_from_text("  \t" + std::string(kCountingSeedText) + "\r\n");
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, counting_seed());
}

TEST(SeedText, AcceptsUppercaseAsCopiedFromPaper) {
  std::string upper(kCountingSeedText);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto back = seed_from_text(upper);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, counting_seed());
}

TEST(SeedText, RejectsAWrongLengthAndSaysSo) {
  std::string good(kCountingSeedText);
  for (std::string text : {std::string(), good.substr(0, 64), good.substr(1), good + "0",
                           good.substr(0, 36) + " " + good.substr(36)}) {
    SCOPED_TRACE(text);
    auto r = seed_from_text(text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code_as<SeedTextError>(), SeedTextError::kLength);
    EXPECT_EQ(r.error().message(), "seed text has " + std::to_string(text.size()) +
                                       " characters, expected 72 (64 hex digits of seed and "
                                       "8 of checksum)");
  }
}

TEST(SeedText, RejectsANonHexCharacterAndSaysWhere) {
  std::string text(kCountingSeedText);
  text[9] = 'g';
  auto r = seed_from_text(text);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<SeedTextError>(), SeedTextError::kHex);
  EXPECT_EQ(r.error().message(), "seed text has a non-hex character at position 10");
  text[9] = '\0';
  EXPECT_EQ(seed_from_text(text).error().code_as<SeedTextError>(), SeedTextError::kHex);
}

TEST(SeedText, RejectsEverySingleDigitTypoByChecksum) {
  const std::string good(kCountingSeedText);
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (char c : std::string_view("0123456789abcdef")) {
      if (c == good[i]) continue;
      std::string typo = good;
      typo[i] = c;
      auto r = seed_from_text(typo);
      ASSERT_FALSE(r) << "position " << i << " digit " << c;
      EXPECT_EQ(r.error().code_as<SeedTextError>(), SeedTextError::kChecksum);
      EXPECT_EQ(r.error().message(), "seed text checksum does not match (typo?)");
    }
  }
}

TEST(SeedText, RejectsSwappedAdjacentDigits) {
  const std::string good(kCountingSeedText);
  for (std::size_t i = 0; i + 1 < good.size(); ++i) {
    if (good[i] == good[i + 1]) continue;
    std::string typo = good;
    std::swap(typo[i], typo[i + 1]);
    EXPECT_FALSE(seed_from_text(typo)) << "position " << i;
  }
}

}  // namespace
}  // namespace swarmchain
