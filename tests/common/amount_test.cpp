#include "common/amount.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace swarmchain {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// ---- parse: accepted forms ----

TEST(AmountParse, ReadsDecimalCoins) {
  EXPECT_EQ(Amount::parse("12.5"), Amount(12'500'000'000ULL));
}

TEST(AmountParse, ReadsOneAtomicUnit) { EXPECT_EQ(Amount::parse("0.000000001"), Amount(1)); }

TEST(AmountParse, ReadsWholeCoinsWithoutDot) {
  EXPECT_EQ(Amount::parse("7"), Amount::coins(7));
  EXPECT_EQ(Amount::parse("0"), Amount(0));
}

TEST(AmountParse, ReadsNineDecimals) {
  EXPECT_EQ(Amount::parse("1.123456789"), Amount(1'123'456'789ULL));
}

TEST(AmountParse, ReadsTheLargestAmount) {
  EXPECT_EQ(Amount::parse("18446744073.709551615"), Amount(kMax));
}

// ---- parse: rejected forms ----

TEST(AmountParse, RejectsEmptyText) { EXPECT_FALSE(Amount::parse("").has_value()); }

TEST(AmountParse, RejectsLoneDot) { EXPECT_FALSE(Amount::parse(".").has_value()); }

TEST(AmountParse, RejectsEmptyFractionAfterDot) {
  EXPECT_FALSE(Amount::parse("12.").has_value());
}

// amount.h promises to reject "empty parts"; "12." is rejected, so ".5" must be too.
TEST(AmountParse, RejectsEmptyWholePartBeforeDot) {
  EXPECT_FALSE(Amount::parse(".5").has_value());
}

TEST(AmountParse, RejectsMinusSign) { EXPECT_FALSE(Amount::parse("-1").has_value()); }

TEST(AmountParse, RejectsPlusSign) { EXPECT_FALSE(Amount::parse("+1").has_value()); }

TEST(AmountParse, RejectsExponent) { EXPECT_FALSE(Amount::parse("1e3").has_value()); }

TEST(AmountParse, RejectsTenDecimals) {
  EXPECT_FALSE(Amount::parse("1.0000000001").has_value());
  EXPECT_FALSE(Amount::parse("1.0000000000").has_value());
}

TEST(AmountParse, RejectsSurroundingWhitespace) {
  EXPECT_FALSE(Amount::parse(" 1").has_value());
  EXPECT_FALSE(Amount::parse("1 ").has_value());
}

TEST(AmountParse, RejectsSecondDot) { EXPECT_FALSE(Amount::parse("1.2.3").has_value()); }

TEST(AmountParse, RejectsNonDigitInFraction) {
  EXPECT_FALSE(Amount::parse("1.5x").has_value());
}

TEST(AmountParse, RejectsOneAtomAboveTheLargestAmount) {
  EXPECT_FALSE(Amount::parse("18446744073.709551616").has_value());
}

TEST(AmountParse, RejectsWholePartAboveTheLargestAmount) {
  EXPECT_FALSE(Amount::parse("18446744074").has_value());
  EXPECT_FALSE(Amount::parse("18446744074.0").has_value());
}

TEST(AmountParse, RejectsWholePartOverflowingUint64) {
  EXPECT_FALSE(Amount::parse("18446744073709551616").has_value());
  EXPECT_FALSE(Amount::parse("99999999999999999999999999").has_value());
}

// ---- to_string ----

TEST(AmountToString, PrintsWholeCoinsWithoutDot) {
  EXPECT_EQ(Amount::coins(12).to_string(), "12");
  EXPECT_EQ(Amount(0).to_string(), "0");
}

TEST(AmountToString, DropsTrailingFractionZeros) {
  EXPECT_EQ(Amount(12'500'000'000ULL).to_string(), "12.5");
}

TEST(AmountToString, KeepsLeadingFractionZeros) {
  EXPECT_EQ(Amount(3).to_string(), "0.000000003");
}

TEST(AmountToString, RoundTripsThroughParse) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{10}, uint64_t{999'999'999},
                     Amount::kCoin, Amount::kCoin + 1, uint64_t{12'500'000'000ULL},
                     uint64_t{123'456'789'012'345ULL}, kMax - 1, kMax}) {
    const Amount a(v);
    EXPECT_EQ(Amount::parse(a.to_string()), a) << a.to_string();
  }
}

// ---- checked arithmetic ----

TEST(AmountArithmetic, AddsWithinRange) {
  EXPECT_EQ(Amount(2).checked_add(Amount(3)), Amount(5));
  EXPECT_EQ(Amount(kMax - 1).checked_add(Amount(1)), Amount(kMax));
}

TEST(AmountArithmetic, AdditionOverflowIsNullopt) {
  EXPECT_FALSE(Amount(kMax).checked_add(Amount(1)).has_value());
  EXPECT_FALSE(Amount(kMax / 2 + 1).checked_add(Amount(kMax / 2 + 1)).has_value());
}

TEST(AmountArithmetic, SubtractsWithinRange) {
  EXPECT_EQ(Amount(5).checked_sub(Amount(3)), Amount(2));
  EXPECT_EQ(Amount(5).checked_sub(Amount(5)), Amount(0));
}

TEST(AmountArithmetic, SubtractionBelowZeroIsNullopt) {
  EXPECT_FALSE(Amount(3).checked_sub(Amount(4)).has_value());
  EXPECT_FALSE(Amount(0).checked_sub(Amount(kMax)).has_value());
}

TEST(AmountArithmetic, MultipliesWithinRange) {
  EXPECT_EQ(Amount(7).checked_mul(6), Amount(42));
  EXPECT_EQ(Amount(kMax).checked_mul(1), Amount(kMax));
  EXPECT_EQ(Amount(kMax).checked_mul(0), Amount(0));
}

TEST(AmountArithmetic, MultiplicationOverflowIsNullopt) {
  EXPECT_FALSE(Amount(kMax).checked_mul(2).has_value());
  EXPECT_FALSE(Amount(uint64_t{1} << 32).checked_mul(uint64_t{1} << 32).has_value());
}

TEST(Amount, ComparesByAtomicValue) {
  EXPECT_LT(Amount(1), Amount(2));
  EXPECT_EQ(Amount::coins(1), Amount(Amount::kCoin));
}

}  // namespace
}  // namespace swarmchain
