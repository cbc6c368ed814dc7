#include "common/address.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "common/crypto.h"
#include "common/hex.h"
#include "golden.h"

namespace swarmchain {
namespace {

using swarmchain::testing::load_golden;

// RFC 8032 test 1 pubkey; its address was computed independently (golden_vectors.py).
constexpr char kRfcPubKey[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kRfcAddress[] =
    "sw1d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a858d187b";

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return s;
}

AddressError error_of(const Expected<PubKey>& e) { return e.error().code_as<AddressError>(); }

TEST(Address, RoundTripsAGeneratedKey) {
  for (int i = 0; i < 20; ++i) {
    const PubKey pk = KeyPair::generate().pubkey();
    const std::string text = address_from_pubkey(pk);
    auto back = parse_address(text);
    ASSERT_TRUE(back.has_value()) << text << ": " << back.error().message();
    EXPECT_EQ(*back, pk);
  }
}

TEST(Address, HasPrefixPubkeyHexAndChecksum) {
  const PubKey pk = KeyPair::generate().pubkey();
  const std::string text = address_from_pubkey(pk);
  ASSERT_EQ(text.size(), 75u);
  EXPECT_EQ(text.substr(0, 3), "sw1");
  EXPECT_EQ(text.substr(3, 64), to_hex(pk));
}

TEST(AddressGolden, MatchesIndependentlyComputedAddresses) {
  const auto j = load_golden("common_address.json");
  ASSERT_FALSE(j.at("vectors").empty());
  for (const auto& v : j.at("vectors")) {
    auto pk = fixed_from_hex<PubKey>(v.at("pubkey").get<std::string>());
    ASSERT_TRUE(pk.has_value());
    const std::string addr = v.at("address").get<std::string>();
    EXPECT_EQ(address_from_pubkey(*pk), addr);
    auto back = parse_address(addr);
    if (!v.at("is_key").get<bool>()) {
      ASSERT_FALSE(back.has_value()) << addr;
      EXPECT_EQ(error_of(back), AddressError::kNotAKey);
      continue;
    }
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_EQ(*back, *pk);
  }
}

TEST(AddressParse, RefusesAWellFormedAddressWhoseBytesAreNotACurvePoint) {
  PubKey not_a_point;  // y = 2: no x satisfies the curve equation
  not_a_point.data[0] = 2;
  const std::string text = address_from_pubkey(not_a_point);  // a right checksum
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kNotAKey);
  EXPECT_EQ(r.error().message().rfind("address " + text +
                                          " is not a valid public key (not a point on the curve)",
                                      0),
            0u)
      << r.error().message();
}

TEST(AddressGolden, Rfc8032KeyHasTheExpectedAddress) {
  auto pk = fixed_from_hex<PubKey>(kRfcPubKey);
  ASSERT_TRUE(pk.has_value());
  EXPECT_EQ(address_from_pubkey(*pk), kRfcAddress);
}

TEST(AddressParse, AcceptsAllUppercase) {
  auto back = parse_address(upper(kRfcAddress));
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(to_hex(*back), kRfcPubKey);
}

TEST(AddressParse, RejectsTooShortWithALengthMessage) {
  const std::string text(kRfcAddress);
  auto r = parse_address(text.substr(0, text.size() - 1));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kLength);
  EXPECT_NE(r.error().message().find("length"), std::string::npos) << r.error().message();
}

TEST(AddressParse, RejectsTooLong) {
  auto r = parse_address(std::string(kRfcAddress) + "0");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kLength);
}

TEST(AddressParse, RejectsEmptyText) {
  auto r = parse_address("");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kLength);
}

TEST(AddressParse, RejectsWrongPrefix) {
  std::string text(kRfcAddress);
  text[2] = '2';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kPrefix);
}

TEST(AddressParse, RejectsBareHexWithoutPrefix) {
  auto r = parse_address("abc" + std::string(kRfcAddress).substr(3));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kPrefix);
}

TEST(AddressParse, RejectsAChangedChecksumDigitWithAChecksumMessage) {
  std::string text(kRfcAddress);
  text.back() = text.back() == '0' ? '1' : '0';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kChecksum);
  EXPECT_NE(r.error().message().find("checksum"), std::string::npos) << r.error().message();
}

TEST(AddressParse, RejectsAChangedPubkeyDigit) {
  std::string text(kRfcAddress);
  text[10] = text[10] == '0' ? '1' : '0';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kChecksum);
}

TEST(AddressParse, RejectsNonHexInPubkey) {
  std::string text(kRfcAddress);
  text[20] = 'g';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kHex);
}

TEST(AddressParse, RejectsNonHexInChecksum) {
  std::string text(kRfcAddress);
  text[70] = 'z';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kHex);
}

TEST(AddressParse, RejectsMixedCase) {
  std::string text(kRfcAddress);
  ASSERT_EQ(text[4], '7');
  ASSERT_EQ(text[5], '5');
  ASSERT_EQ(text[6], 'a');
  text[6] = 'A';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kMixedCase);
}

TEST(AddressParse, RejectsUppercasePrefixWithLowercaseDigits) {
  std::string text(kRfcAddress);
  text[0] = 'S';
  text[1] = 'W';
  auto r = parse_address(text);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(error_of(r), AddressError::kMixedCase);
}

}  // namespace
}  // namespace swarmchain
