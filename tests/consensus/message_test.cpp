// Golden byte vectors for the consensus messages (consensus/message.h), and the decoder's
// refusals.
//
// The vectors live in tests/data/consensus_vectors.json, built from fixed keys (seed = 32
// bytes of one value) and the fixed values below; ed25519 signatures are deterministic, so the
// file is reproducible. After a DELIBERATE format change, regenerate and review the diff:
//   SWARMCHAIN_REGEN_GOLDEN=1 build/bin/consensus_message_test --gtest_filter='*Regenerat*'
//
// The *FollowsTheGrammar tests rebuild the bytes by hand from the grammar in
// consensus/message.h and the digest with raw libsodium, so the file is not only "what the
// code printed once".
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/hex.h"
#include "consensus/message.h"
#include "tests/common/golden.h"

namespace swarmchain::consensus {
namespace {

using nlohmann::json;
using swarmchain::testing::pattern;

[[maybe_unused]] const bool kCryptoReady = crypto_init();

const std::string kGoldenPath = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/consensus_vectors.json";

KeyPair key(uint8_t i) {
  Seed s;
  s.data.fill(i);
  return KeyPair::from_seed(s);
}

const Hash kChainId = pattern<Hash>(0x11);

Proposal golden_proposal() {
  Proposal p;
  p.height = Height(42);
  p.round = 0;
  p.value_hash = pattern<Hash>(0x40);
  p.value = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
  p.proposer = key(7).pubkey();
  p.sign(key(7), kChainId);
  return p;
}

// A re-proposal of a value locked in round 1, in round 3.
Proposal golden_pol_proposal() {
  Proposal p;
  p.height = Height(1'000'000'007);
  p.round = 3;
  p.pol_round = 1;
  p.value_hash = pattern<Hash>(0x80);
  p.value = Bytes(200, 0x5a);  // a two-byte varint length
  p.proposer = key(8).pubkey();
  p.sign(key(8), kChainId);
  return p;
}

Vote golden_prevote() {
  Vote v;
  v.type = VoteType::kPrevote;
  v.height = Height(42);
  v.round = 2;
  v.block_hash = pattern<Hash>(0x40);
  v.validator = key(9).pubkey();
  v.sign(key(9), kChainId);
  return v;
}

Vote golden_nil_precommit() {
  Vote v;
  v.type = VoteType::kPrecommit;
  v.height = Height(42);
  v.round = 5;
  v.validator = key(10).pubkey();
  v.sign(key(10), kChainId);
  return v;
}

json proposal_vector(const Proposal& p) {
  return json{{"hex", to_hex(encode(p))},
              {"message_hex", to_hex(encode_message(p))},
              {"digest", to_hex(p.digest(kChainId))}};
}

json build_golden() {
  return json{
      {"_comment",
       "Golden vectors for consensus messages. Generated from the fixed values in "
       "tests/consensus/message_test.cpp (SWARMCHAIN_REGEN_GOLDEN=1); review every diff."},
      {"chain_id", to_hex(kChainId)},
      {"proposal", proposal_vector(golden_proposal())},
      {"proposal_pol", proposal_vector(golden_pol_proposal())},
      {"message_prevote", {{"hex", to_hex(encode_message(golden_prevote()))}}},
      {"message_nil_precommit", {{"hex", to_hex(encode_message(golden_nil_precommit()))}}},
  };
}

const json& golden() {
  static const json j = swarmchain::testing::load_golden("consensus_vectors.json");
  return j;
}

std::string g(const char* name, const char* field) {
  return golden().at(name).at(field).get<std::string>();
}

Bytes unhex(const std::string& h) {
  auto b = from_hex(h);
  if (!b) throw std::runtime_error("bad hex in golden file");
  return *b;
}

std::string le_hex(uint64_t v, int bytes) {
  Bytes b;
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return to_hex(b);
}

DecodeError code_of(const Expected<Message>& m) {
  return m.error().code_as<DecodeError>();
}

TEST(ConsensusGoldenFile, RegeneratesWhenAskedTo) {
  if (!swarmchain::testing::env_flag("SWARMCHAIN_REGEN_GOLDEN"))
    GTEST_SKIP() << "set SWARMCHAIN_REGEN_GOLDEN=1 to rewrite " << kGoldenPath;
  std::ofstream out(kGoldenPath);
  ASSERT_TRUE(out) << "cannot write " << kGoldenPath;
  out << build_golden().dump(2) << "\n";
}

// ---- golden bytes ----

TEST(ProposalEncoding, EncodesToTheGoldenBytesAndDigest) {
  const std::pair<const char*, Proposal> cases[] = {{"proposal", golden_proposal()},
                                                    {"proposal_pol", golden_pol_proposal()}};
  for (const auto& [name, p] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(to_hex(encode(p)), g(name, "hex"));
    EXPECT_EQ(to_hex(encode_message(p)), g(name, "message_hex"));
    EXPECT_EQ(to_hex(p.digest(kChainId)), g(name, "digest"));
  }
}

TEST(ProposalEncoding, GoldenBytesDecodeBackToTheSameSignedProposal) {
  for (const char* name : {"proposal", "proposal_pol"}) {
    SCOPED_TRACE(name);
    auto m = decode_message(unhex(g(name, "message_hex")));
    ASSERT_TRUE(m) << m.error().message();
    ASSERT_TRUE(std::holds_alternative<Proposal>(*m));
    const auto& p = std::get<Proposal>(*m);
    EXPECT_EQ(p, std::string(name) == "proposal" ? golden_proposal() : golden_pol_proposal());
    EXPECT_TRUE(p.signature_valid(kChainId));
    auto bare = decode_exact<Proposal>(unhex(g(name, "hex")));
    ASSERT_TRUE(bare) << bare.error().message();
    EXPECT_EQ(*bare, p);
  }
}

TEST(MessageEncoding, VotesEncodeToTheGoldenBytesAndDecodeBack) {
  const std::pair<const char*, Vote> cases[] = {{"message_prevote", golden_prevote()},
                                                {"message_nil_precommit", golden_nil_precommit()}};
  for (const auto& [name, v] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(to_hex(encode_message(v)), g(name, "hex"));
    auto m = decode_message(unhex(g(name, "hex")));
    ASSERT_TRUE(m) << m.error().message();
    ASSERT_TRUE(std::holds_alternative<Vote>(*m));
    EXPECT_EQ(std::get<Vote>(*m), v);
    EXPECT_TRUE(std::get<Vote>(*m).signature_valid(kChainId));
  }
}

// ---- the grammar, rebuilt by hand ----

TEST(ProposalEncoding, FollowsTheGrammarFieldByField) {
  const Proposal p = golden_pol_proposal();
  const std::string expected = le_hex(1'000'000'007, 8) + le_hex(3, 4) + le_hex(1, 4) +
                               to_hex(p.value_hash) + "c801" + to_hex(p.value) +
                               to_hex(p.proposer) + to_hex(p.signature);
  EXPECT_EQ(to_hex(encode(p)), expected);
  EXPECT_EQ(to_hex(encode_message(p)), "00" + expected);
}

TEST(ProposalEncoding, NoPolRoundIsAllOnes) {
  const std::string hex = to_hex(encode(golden_proposal()));
  EXPECT_EQ(hex.substr(2 * 12, 8), "ffffffff");
}

TEST(ProposalEncoding, DigestIsTheTaggedHashOfTheSignedFields) {
  const Proposal p = golden_pol_proposal();
  Bytes in =
      Bytes(as_bytes("swarmchain/proposal/v1").begin(), as_bytes("swarmchain/proposal/v1").end());
  auto add = [&](const std::string& hex) {
    Bytes b = unhex(hex);
    in.insert(in.end(), b.begin(), b.end());
  };
  add(to_hex(kChainId));
  add(le_hex(1'000'000'007, 8));
  add(le_hex(3, 4));
  add(le_hex(1, 4));
  add(to_hex(p.value_hash));
  unsigned char out[32];
  crypto_generichash(out, sizeof out, in.data(), in.size(), nullptr, 0);
  EXPECT_EQ(to_hex(p.digest(kChainId)), to_hex(ByteView(out, sizeof out)));
}

TEST(ProposalEncoding, TheSignatureCoversTheDigestNotTheValue) {
  Proposal p = golden_proposal();
  EXPECT_TRUE(verify(p.proposer, p.digest(kChainId), p.signature));
  p.round = 1;
  EXPECT_FALSE(p.signature_valid(kChainId));
  EXPECT_FALSE(golden_proposal().signature_valid(pattern<Hash>(0x12)));  // another chain
}

TEST(MessageEncoding, VoteMessageIsTagOneThenTheVote) {
  EXPECT_EQ(to_hex(encode_message(golden_prevote())), "01" + to_hex(encode(golden_prevote())));
}

TEST(MessageAccessors, NameTheSignerHeightAndRoundOfEitherKind) {
  const Message p = golden_pol_proposal();
  const Message v = golden_nil_precommit();
  EXPECT_EQ(signer_of(p), key(8).pubkey());
  EXPECT_EQ(height_of(p), Height(1'000'000'007));
  EXPECT_EQ(round_of(p), 3u);
  EXPECT_EQ(signer_of(v), key(10).pubkey());
  EXPECT_EQ(height_of(v), Height(42));
  EXPECT_EQ(round_of(v), 5u);
}

// ---- refusals ----

TEST(MessageDecoding, EveryTruncationIsRefused) {
  for (const Message& m : {Message(golden_proposal()), Message(golden_prevote())}) {
    const Bytes full = encode_message(m);
    for (std::size_t n = 0; n < full.size(); ++n) {
      auto d = decode_message(ByteView(full.data(), n));
      ASSERT_FALSE(d) << "prefix of " << n << " bytes decoded";
      EXPECT_EQ(code_of(d), DecodeError::kTruncated);
    }
  }
}

TEST(MessageDecoding, TrailingBytesAreRefused) {
  for (const Message& m : {Message(golden_proposal()), Message(golden_prevote())}) {
    Bytes b = encode_message(m);
    b.push_back(0);
    auto d = decode_message(b);
    ASSERT_FALSE(d);
    EXPECT_EQ(code_of(d), DecodeError::kTrailingBytes);
  }
}

TEST(MessageDecoding, AnUnknownTagIsRefused) {
  Bytes b = encode_message(golden_prevote());
  b[0] = 2;
  auto d = decode_message(b);
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d), DecodeError::kBadEnum);
}

TEST(MessageDecoding, AnUnknownVoteTypeIsRefused) {
  Bytes b = encode_message(golden_prevote());
  b[1] = 2;  // the vote's type byte
  auto d = decode_message(b);
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d), DecodeError::kBadEnum);
}

TEST(MessageDecoding, AValueAboveTheLimitIsRefusedFromItsLength) {
  // tag, height, round, pol_round, value_hash, then a length of kMaxValueBytes + 1 (no body:
  // the decoder must refuse the length itself, before looking for the bytes).
  Writer w;
  w.u8(0);
  w.u64(42);
  w.u32(0);
  w.u32(kNoRound);
  w.fixed(pattern<Hash>(0x40));
  w.varint(kMaxValueBytes + 1);
  auto d = decode_message(w.data());
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d), DecodeError::kLengthTooLarge);
}

TEST(MessageDecoding, AValueAtTheLimitIsAccepted) {
  Proposal p = golden_proposal();
  p.value.assign(kMaxValueBytes, 0x01);
  auto d = decode_message(encode_message(p));
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(std::get<Proposal>(*d).value.size(), kMaxValueBytes);
}

TEST(MessageDecoding, APolRoundNotBelowTheRoundIsRefused) {
  for (uint32_t pol : {3u, 4u}) {
    Proposal p = golden_pol_proposal();  // round 3
    p.pol_round = pol;
    auto d = decode_message(encode_message(p));
    ASSERT_FALSE(d) << "pol_round " << pol;
    EXPECT_EQ(code_of(d), DecodeError::kBadValue);
  }
}

TEST(MessageDecoding, AnEmptyInputIsRefused) {
  auto d = decode_message(Bytes{});
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d), DecodeError::kTruncated);
}

}  // namespace
}  // namespace swarmchain::consensus
