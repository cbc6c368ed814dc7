// ServiceNode and Registration encodings (registry/service_node.h): golden vectors, the byte
// grammar rebuilt by hand, the decoder's refusals, the registration signature and the
// "swreg1" text form.
//
// The vectors live in tests/data/registry_encodings.json. They are built from the fixed values
// below (the registration key comes from a fixed seed, and ed25519 signatures are
// deterministic), so the file is reproducible. After a DELIBERATE format change, regenerate and
// review the diff before checking it in:
//   SWARMCHAIN_WRITE_GOLDEN=1 build/bin/registry_state_test --gtest_filter='*Regenerat*'
// In that mode the file is written instead of compared.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "common/hex.h"
#include "registry/service_node.h"
#include "tests/common/golden.h"

namespace swarmchain {
namespace {

using nlohmann::json;

const std::string kGoldenPath = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/registry_encodings.json";

using swarmchain::testing::pattern;

bool write_golden_mode() { return swarmchain::testing::env_flag("SWARMCHAIN_WRITE_GOLDEN"); }

KeyPair seed_key(uint8_t fill) {
  Seed s;
  s.data.fill(fill);
  return KeyPair::from_seed(s);
}

// ---- the fixed values behind the vectors (every field distinct and non-zero) ----

ServiceNode golden_node() {
  ServiceNode sn;
  sn.pubkey = pattern<PubKey>(0x10);
  sn.pubkey_x25519 = pattern<PubKey>(0x30);
  sn.operator_address = pattern<PubKey>(0x50);
  sn.fee_bps = 1234;
  sn.contributors = {{sn.operator_address, Amount::coins(60), Amount::coins(25)},
                     {pattern<PubKey>(0x70), Amount::coins(40), Amount()}};
  sn.total_contributed = Amount::coins(100);
  sn.total_reserved = Amount::coins(25);
  sn.staking_requirement = Amount::coins(100);
  sn.registration_height = Height(17);
  sn.active_since_height = Height(21);
  sn.state = NodeState::kActive;
  sn.requested_unlock_height = Height(5000);
  sn.last_reward_height = Height(33);
  sn.last_reward_index = 2;
  sn.decommission_count = 1;
  sn.recommission_credit = 720;
  sn.last_decommission_height = Height(29);
  sn.swarm_id = 0x0123456789abcdefULL;
  sn.rewards_earned = Amount(3'000'000'007ULL);
  sn.last_proof_height = Height(40);
  sn.last_proof_time_ms = 1'700'000'040'000ULL;
  sn.last_proof_sent_ms = 1'700'000'039'900ULL;
  sn.contact = UptimeContact{0xc0a80107, 22021, 22020, 22025, {2, 11, 3}};  // 192.168.1.7
  sn.active_since_time_ms = 1'700'000'010'500ULL;
  return sn;
}

Hash golden_chain_id() {
  return pattern<Hash>(0xa0);
}
KeyPair golden_sn_key() {
  return seed_key(0x42);
}
KeyPair golden_operator_key() {
  return seed_key(0x43);
}

Registration golden_registration() {
  Registration reg;
  reg.sn_pubkey = golden_sn_key().pubkey();
  reg.operator_address = golden_operator_key().pubkey();
  reg.fee_bps = 500;
  reg.reserved = {{reg.operator_address, Amount::coins(25)},
                  {pattern<PubKey>(0x90), Amount(10'000'000'001ULL)}};
  reg.expiry_height = Height(1234);
  reg.sign(golden_sn_key(), golden_chain_id());
  return reg;
}

json build_golden() {
  const ServiceNode sn = golden_node();
  const Registration reg = golden_registration();
  return json{
      {"_comment",
       "Golden vectors for registry encodings. Generated from the fixed values in "
       "tests/registry/service_node_test.cpp (SWARMCHAIN_WRITE_GOLDEN=1); review every diff."},
      {"service_node", {{"hex", to_hex(sn.to_bytes())}, {"leaf_hash", to_hex(sn.leaf_hash())}}},
      {"registration",
       {{"chain_id", to_hex(golden_chain_id())},
        {"sn_seed", to_hex(golden_sn_key().seed())},
        {"hex", to_hex(encode(reg))},
        {"text", reg.to_text()},
        {"signing_hash", to_hex(reg.signing_hash(golden_chain_id()))}}},
  };
}

const json& golden() {
  static const json j = swarmchain::testing::load_golden("registry_encodings.json");
  return j;
}

std::string g(const char* type, const char* field) {
  return golden().at(type).at(field).get<std::string>();
}

Bytes unhex(const std::string& h) {
  auto b = from_hex(h);
  if (!b) throw std::runtime_error("bad hex in golden file");
  return *b;
}

DecodeError code_of(const Status& s) {
  return s.code_as<DecodeError>();
}

std::string le_hex(uint64_t v, int bytes) {
  Bytes b;
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return to_hex(b);
}

std::string blake2b_tagged_hex(std::string_view tag, const Bytes& data) {
  Bytes in(tag.begin(), tag.end());
  in.insert(in.end(), data.begin(), data.end());
  unsigned char out[32];
  crypto_generichash(out, sizeof out, in.data(), in.size(), nullptr, 0);
  return to_hex(ByteView(out, sizeof out));
}

// Byte offsets in the golden record's encoding (grammar in service_node.h).
constexpr std::size_t kFeeOffset = 3 * 32;
constexpr std::size_t kContributorCountOffset = kFeeOffset + 2;
// After the state byte: 6 u64 fields and 2 u32 fields, then the proof fields (3 u64) and the
// contact (u32, 3 u16 ports, 3 u16 version), then active_since_time_ms (u64).
constexpr std::size_t kBytesAfterState = 6 * 8 + 2 * 4 + 3 * 8 + 4 + 3 * 2 + 3 * 2 + 8;

// ---- generator ----

TEST(RegistryGoldenFile, RegeneratesWhenAskedTo) {
  if (!write_golden_mode())
    GTEST_SKIP() << "set SWARMCHAIN_WRITE_GOLDEN=1 to rewrite " << kGoldenPath;
  std::ofstream out(kGoldenPath);
  ASSERT_TRUE(out) << "cannot write " << kGoldenPath;
  out << build_golden().dump(2) << "\n";
}

// ---- ServiceNode ----

TEST(ServiceNodeEncoding, RoundTripsThroughEncodeAndDecode) {
  auto sn = decode_exact<ServiceNode>(golden_node().to_bytes());
  ASSERT_TRUE(sn) << sn.error().message();
  EXPECT_EQ(*sn, golden_node());
}

TEST(ServiceNodeEncoding, RecordWithTwoContributorsEncodesToTheGoldenBytes) {
  EXPECT_EQ(to_hex(golden_node().to_bytes()), g("service_node", "hex"));
}

TEST(ServiceNodeEncoding, LeafHashMatchesTheGoldenVector) {
  EXPECT_EQ(to_hex(golden_node().leaf_hash()), g("service_node", "leaf_hash"));
}

TEST(ServiceNodeEncoding, GoldenBytesDecodeBackToTheSameRecord) {
  auto sn = decode_exact<ServiceNode>(unhex(g("service_node", "hex")));
  ASSERT_TRUE(sn) << sn.error().message();
  EXPECT_EQ(*sn, golden_node());
}

TEST(ServiceNodeEncoding, FollowsTheGrammarFieldByField) {
  const ServiceNode sn = golden_node();
  std::string expected;
  // keys, fee, then vector<contributor, 10> with 2 entries
  expected += to_hex(sn.pubkey) + to_hex(sn.pubkey_x25519) + to_hex(sn.operator_address);
  expected += le_hex(1234, 2) + "02";
  expected +=
      to_hex(sn.operator_address) + le_hex(60 * Amount::kCoin, 8) + le_hex(25 * Amount::kCoin, 8);
  expected += to_hex(pattern<PubKey>(0x70)) + le_hex(40 * Amount::kCoin, 8) + le_hex(0, 8);
  // totals, requirement, registration and active-since heights, state (1 = active)
  expected += le_hex(100 * Amount::kCoin, 8) + le_hex(25 * Amount::kCoin, 8) +
              le_hex(100 * Amount::kCoin, 8) + le_hex(17, 8) + le_hex(21, 8) + "01";
  // unlock height, reward position, decommission fields, swarm, rewards earned
  expected += le_hex(5000, 8) + le_hex(33, 8) + le_hex(2, 4) + le_hex(1, 4) + le_hex(720, 8) +
              le_hex(29, 8) + le_hex(0x0123456789abcdefULL, 8) + le_hex(3'000'000'007ULL, 8);
  // last proof height, block time, node's stamp, then the contact
  expected += le_hex(40, 8) + le_hex(1'700'000'040'000ULL, 8) + le_hex(1'700'000'039'900ULL, 8);
  expected += le_hex(0xc0a80107, 4) + le_hex(22021, 2) + le_hex(22020, 2) + le_hex(22025, 2) +
              le_hex(2, 2) + le_hex(11, 2) + le_hex(3, 2);
  // when it last became active (block time)
  expected += le_hex(1'700'000'010'500ULL, 8);
  EXPECT_EQ(to_hex(sn.to_bytes()), expected);
}

TEST(ServiceNodeEncoding, LeafHashIsTheTaggedHashOfTheEncoding) {
  EXPECT_EQ(to_hex(golden_node().leaf_hash()),
            blake2b_tagged_hex("swarmchain/sn", golden_node().to_bytes()));
}

TEST(ServiceNodeDecoding, RejectsTrailingBytes) {
  Bytes b = golden_node().to_bytes();
  b.push_back(0x00);
  auto sn = decode_exact<ServiceNode>(b);
  ASSERT_FALSE(sn);
  EXPECT_EQ(code_of(sn.error()), DecodeError::kTrailingBytes);
}

TEST(ServiceNodeDecoding, RejectsATruncationAtEveryLength) {
  const Bytes full = golden_node().to_bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto sn = decode_exact<ServiceNode>(ByteView(full.data(), n));
    ASSERT_FALSE(sn) << "a " << n << "-byte prefix decoded";
    EXPECT_EQ(code_of(sn.error()), DecodeError::kTruncated) << "prefix " << n;
  }
}

TEST(ServiceNodeDecoding, AcceptsTenContributors) {
  ServiceNode sn = golden_node();
  sn.contributors.resize(10, sn.contributors[1]);
  auto decoded = decode_exact<ServiceNode>(sn.to_bytes());
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, sn);
}

TEST(ServiceNodeDecoding, RejectsElevenContributors) {
  ServiceNode sn = golden_node();
  sn.contributors.resize(11, sn.contributors[1]);
  auto decoded = decode_exact<ServiceNode>(sn.to_bytes());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(code_of(decoded.error()), DecodeError::kLengthTooLarge);
}

TEST(ServiceNodeDecoding, RejectsAContributorCountAboveTenEvenWithoutTheEntries) {
  Bytes b = golden_node().to_bytes();
  b[kContributorCountOffset] = 200;  // a bare count, before any allocation
  auto decoded = decode_exact<ServiceNode>(b);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(code_of(decoded.error()), DecodeError::kLengthTooLarge);
}

TEST(ServiceNodeDecoding, AcceptsAFeeOfExactlyTenThousandBps) {
  ServiceNode sn = golden_node();
  sn.fee_bps = 10'000;
  auto decoded = decode_exact<ServiceNode>(sn.to_bytes());
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(decoded->fee_bps, 10'000);
}

TEST(ServiceNodeDecoding, RejectsAFeeAboveTenThousandBps) {
  ServiceNode sn = golden_node();
  sn.fee_bps = 10'001;
  auto decoded = decode_exact<ServiceNode>(sn.to_bytes());
  ASSERT_FALSE(decoded);
  EXPECT_EQ(code_of(decoded.error()), DecodeError::kBadValue);
  EXPECT_NE(decoded.error().message().find("fee_bps"), std::string::npos)
      << decoded.error().message();
}

TEST(ServiceNodeDecoding, RejectsAnUnknownState) {
  Bytes b = golden_node().to_bytes();
  const std::size_t state_offset = b.size() - kBytesAfterState - 1;
  ASSERT_EQ(b[state_offset], 1);  // the golden record is active
  b[state_offset] = 4;
  auto decoded = decode_exact<ServiceNode>(b);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(code_of(decoded.error()), DecodeError::kBadEnum);
}

TEST(ServiceNodeDecoding, AcceptsEveryKnownState) {
  for (NodeState s : {NodeState::kAwaiting, NodeState::kActive, NodeState::kDecommissioned,
                      NodeState::kDeregistered}) {
    ServiceNode sn = golden_node();
    sn.state = s;
    auto decoded = decode_exact<ServiceNode>(sn.to_bytes());
    ASSERT_TRUE(decoded) << node_state_name(s) << ": " << decoded.error().message();
    EXPECT_EQ(decoded->state, s);
  }
}

TEST(ServiceNode, ContributorIndexFindsEachContributorAndNoOneElse) {
  const ServiceNode sn = golden_node();
  EXPECT_EQ(sn.contributor_index(sn.operator_address), std::optional<std::size_t>(0));
  EXPECT_EQ(sn.contributor_index(pattern<PubKey>(0x70)), std::optional<std::size_t>(1));
  EXPECT_EQ(sn.contributor_index(pattern<PubKey>(0x71)), std::nullopt);
}

TEST(ServiceNode, StatesHaveReadableNames) {
  EXPECT_STREQ(node_state_name(NodeState::kAwaiting), "awaiting");
  EXPECT_STREQ(node_state_name(NodeState::kActive), "active");
  EXPECT_STREQ(node_state_name(NodeState::kDecommissioned), "decommissioned");
  EXPECT_STREQ(node_state_name(NodeState::kDeregistered), "deregistered");
}

TEST(ServiceNode, Ipv4TextIsDottedDecimalOfTheHostOrderAddress) {
  EXPECT_EQ(ipv4_text(0xc0a80107), "192.168.1.7");
  EXPECT_EQ(ipv4_text(0), "0.0.0.0");
  EXPECT_EQ(ipv4_text(0xffffffff), "255.255.255.255");
}

// ---- Registration ----

TEST(RegistrationEncoding, RoundTripsThroughEncodeAndDecode) {
  auto reg = decode_exact<Registration>(encode(golden_registration()));
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_EQ(*reg, golden_registration());
}

TEST(RegistrationEncoding, EncodesToTheGoldenBytes) {
  EXPECT_EQ(to_hex(encode(golden_registration())), g("registration", "hex"));
}

TEST(RegistrationEncoding, GoldenVectorsUseTheStatedChainIdAndSeed) {
  EXPECT_EQ(to_hex(golden_chain_id()), g("registration", "chain_id"));
  EXPECT_EQ(to_hex(golden_sn_key().seed()), g("registration", "sn_seed"));
}

TEST(RegistrationEncoding, SigningHashMatchesTheGoldenVector) {
  EXPECT_EQ(to_hex(golden_registration().signing_hash(golden_chain_id())),
            g("registration", "signing_hash"));
}

TEST(RegistrationEncoding, GoldenBytesDecodeToARegistrationWithAValidSignature) {
  auto reg = decode_exact<Registration>(unhex(g("registration", "hex")));
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_EQ(*reg, golden_registration());
  EXPECT_TRUE(reg->signature_valid(golden_chain_id()));
}

TEST(RegistrationEncoding, FollowsTheGrammarFieldByField) {
  const Registration reg = golden_registration();
  const std::string expected =
      to_hex(reg.sn_pubkey) + to_hex(reg.operator_address) + le_hex(500, 2) + "02" +
      to_hex(reg.operator_address) + le_hex(25 * Amount::kCoin, 8) + to_hex(pattern<PubKey>(0x90)) +
      le_hex(10'000'000'001ULL, 8) + le_hex(1234, 8) + to_hex(reg.sn_signature);
  EXPECT_EQ(to_hex(encode(reg)), expected);
}

TEST(RegistrationEncoding, SigningHashIsTheTaggedHashOfTheSignedFields) {
  const Registration reg = golden_registration();
  const Bytes signed_part =
      unhex(to_hex(golden_chain_id()) + to_hex(reg.operator_address) + le_hex(500, 2) + "02" +
            to_hex(reg.operator_address) + le_hex(25 * Amount::kCoin, 8) +
            to_hex(pattern<PubKey>(0x90)) + le_hex(10'000'000'001ULL, 8) + le_hex(1234, 8));
  EXPECT_EQ(to_hex(reg.signing_hash(golden_chain_id())),
            blake2b_tagged_hex("swarmchain/register", signed_part));
}

TEST(RegistrationDecoding, RejectsTrailingBytes) {
  Bytes b = encode(golden_registration());
  b.push_back(0x00);
  auto reg = decode_exact<Registration>(b);
  ASSERT_FALSE(reg);
  EXPECT_EQ(code_of(reg.error()), DecodeError::kTrailingBytes);
}

TEST(RegistrationDecoding, RejectsATruncationAtEveryLength) {
  const Bytes full = encode(golden_registration());
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto reg = decode_exact<Registration>(ByteView(full.data(), n));
    ASSERT_FALSE(reg) << "a " << n << "-byte prefix decoded";
    EXPECT_EQ(code_of(reg.error()), DecodeError::kTruncated) << "prefix " << n;
  }
}

TEST(RegistrationDecoding, RejectsElevenReservedSpots) {
  Registration reg = golden_registration();
  reg.reserved.resize(11, reg.reserved[1]);
  auto decoded = decode_exact<Registration>(encode(reg));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(code_of(decoded.error()), DecodeError::kLengthTooLarge);
}

TEST(RegistrationSignature, IsValidForTheChainItWasSignedFor) {
  EXPECT_TRUE(golden_registration().signature_valid(golden_chain_id()));
}

TEST(RegistrationSignature, IsInvalidOnAnotherChain) {
  EXPECT_FALSE(golden_registration().signature_valid(pattern<Hash>(0xa1)));
}

TEST(RegistrationSignature, BecomesInvalidWhenAnySignedFieldChanges) {
  const std::vector<std::pair<const char*, std::function<void(Registration&)>>> edits = {
      {"sn_pubkey", [](Registration& r) { r.sn_pubkey = seed_key(0x44).pubkey(); }},
      {"operator", [](Registration& r) { r.operator_address.data[0] ^= 1; }},
      {"fee_bps", [](Registration& r) { r.fee_bps += 1; }},
      {"reserved address", [](Registration& r) { r.reserved[1].address.data[31] ^= 1; }},
      {"reserved amount",
       [](Registration& r) { r.reserved[1].amount = Amount(r.reserved[1].amount.atomic() + 1); }},
      {"reserved spot added",
       [](Registration& r) {
         r.reserved.push_back({pattern<PubKey>(0xb0), Amount(1)});
       }},
      {"reserved spot dropped", [](Registration& r) { r.reserved.pop_back(); }},
      {"expiry_height", [](Registration& r) { r.expiry_height = r.expiry_height + 1; }},
      {"signature", [](Registration& r) { r.sn_signature.data[0] ^= 1; }},
  };
  for (const auto& [field, edit] : edits) {
    Registration reg = golden_registration();
    edit(reg);
    EXPECT_FALSE(reg.signature_valid(golden_chain_id())) << "changed " << field;
  }
}

TEST(RegistrationSignature, SignedByAnotherKeyIsInvalid) {
  Registration reg = golden_registration();
  reg.sign(golden_operator_key(), golden_chain_id());  // not the node's key
  EXPECT_FALSE(reg.signature_valid(golden_chain_id()));
}

// ---- the text form ----

TEST(RegistrationText, IsTheGoldenText) {
  EXPECT_EQ(golden_registration().to_text(), g("registration", "text"));
}

TEST(RegistrationText, IsSwreg1FollowedByTheLowercaseHexOfTheEncoding) {
  EXPECT_EQ(golden_registration().to_text(), "swreg1" + to_hex(encode(golden_registration())));
}

TEST(RegistrationText, RoundTripsThroughFromText) {
  auto reg = Registration::from_text(golden_registration().to_text());
  ASSERT_TRUE(reg) << reg.error().message();
  EXPECT_EQ(*reg, golden_registration());
}

// The message a from_text failure gives, or "" if the text parsed.
std::string from_text_error(const std::string& text) {
  auto reg = Registration::from_text(text);
  return reg ? std::string() : reg.error().message();
}

TEST(RegistrationText, WithoutThePrefixIsRejected) {
  const std::string hex = to_hex(encode(golden_registration()));
  EXPECT_EQ(from_text_error(hex), "registration text must start with swreg1");
  EXPECT_EQ(from_text_error("swreg2" + hex), "registration text must start with swreg1");
  EXPECT_EQ(from_text_error("SWREG1" + hex), "registration text must start with swreg1");
  EXPECT_EQ(from_text_error(""), "registration text must start with swreg1");
}

TEST(RegistrationText, WithUppercaseHexIsRejected) {
  std::string text = golden_registration().to_text();
  for (std::size_t i = 6; i < text.size(); ++i)
    text[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  EXPECT_NE(from_text_error(text).find("registration is not valid hex"), std::string::npos);
}

TEST(RegistrationText, WithANonHexDigitIsRejected) {
  std::string text = golden_registration().to_text();
  text[10] = 'g';
  EXPECT_NE(from_text_error(text).find("registration is not valid hex"), std::string::npos);
}

TEST(RegistrationText, WithSurroundingWhitespaceIsRejected) {
  EXPECT_NE(
      from_text_error(golden_registration().to_text() + "\n").find("registration is not valid hex"),
      std::string::npos);
}

TEST(RegistrationText, WithAnOddNumberOfDigitsIsRejected) {
  std::string text = golden_registration().to_text();
  text.pop_back();
  EXPECT_NE(from_text_error(text).find("registration is not valid hex"), std::string::npos);
}

TEST(RegistrationText, CutShortIsRejectedAsTruncated) {
  std::string text = golden_registration().to_text();
  text.resize(text.size() - 2);
  EXPECT_NE(from_text_error(text).find("registration is truncated"), std::string::npos);
}

TEST(RegistrationText, WithOnlyThePrefixIsRejectedAsTruncated) {
  EXPECT_NE(from_text_error("swreg1").find("registration is truncated"), std::string::npos);
}

TEST(RegistrationText, WithExtraBytesIsRejectedAsHavingTrailingBytes) {
  EXPECT_EQ(from_text_error(golden_registration().to_text() + "00"),
            "registration has trailing bytes");
}

TEST(RegistrationText, WithTooManyReservedSpotsIsRejectedWithTheReason) {
  Registration reg = golden_registration();
  reg.reserved.resize(11, reg.reserved[1]);
  const std::string error = from_text_error(reg.to_text());
  EXPECT_NE(error.find("registration is invalid"), std::string::npos) << error;
  EXPECT_NE(error.find("above limit 10"), std::string::npos) << error;
}

TEST(RegistrationText, ErrorsKeepTheDecodeErrorCode) {
  std::string text = golden_registration().to_text();
  text.resize(text.size() - 2);
  auto reg = Registration::from_text(text);
  ASSERT_FALSE(reg);
  EXPECT_EQ(code_of(reg.error()), DecodeError::kTruncated);
}

}  // namespace
}  // namespace swarmchain
