// node/wire.h: golden bytes (tests/data/node_wire.json, rewritten with
// SWARMCHAIN_REGEN_GOLDEN=1), round trips of every kind, and refusals.
#include "node/wire.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "tests/chain/test_util.h"
#include "registry/reach_quorum.h"
#include "tests/common/golden.h"

#include <fstream>

namespace swarmchain::test {
namespace {

using nlohmann::json;

const std::string kGoldenPath = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/node_wire.json";

Vote golden_vote() {
  Vote v;
  v.type = VoteType::kPrecommit;
  v.height = Height(42);
  v.round = 3;
  v.block_hash = swarmchain::testing::pattern<Hash>(0x40);
  v.validator = test_key(7).pubkey();
  v.sign(test_key(7), swarmchain::testing::pattern<Hash>(0x11));
  return v;
}

wire::Blocks golden_blocks() {
  // Fixed fields, not an executed block: the vector is about the wire, not the chain rules.
  using swarmchain::testing::pattern;
  wire::CertifiedBlock cb;
  BlockHeader& h = cb.block.header;
  h.height = Height(1);
  h.prev_hash = pattern<Hash>(0x01);
  h.time_ms = 1'700'000'000'500ULL;
  h.proposer = test_key(9).pubkey();
  h.tx_root = pattern<Hash>(0x21);
  h.state_root = pattern<Hash>(0x31);
  h.registry_root = pattern<Hash>(0x41);
  h.committee_hash = pattern<Hash>(0x51);
  h.next_committee_hash = pattern<Hash>(0x51);
  cb.cert.height = Height(1);
  cb.cert.round = 2;
  cb.cert.block_hash = swarmchain::testing::pattern<Hash>(0x60);
  cb.cert.sigs.push_back(CommitSig{0, swarmchain::testing::pattern<Signature>(0x80)});
  return wire::Blocks{{cb}};
}

const std::pair<const char*, wire::WireMessage>* cases(std::size_t& n) {
  static const std::pair<const char*, wire::WireMessage> kCases[] = {
      {"vote", wire::WireMessage(consensus::Message(golden_vote()))},
      {"tx", wire::WireMessage(make_transfer(swarmchain::testing::pattern<Hash>(0x11), test_key(1),
                                             3, test_key(2).pubkey(), Amount::coins(5)))},
      {"block_request", wire::WireMessage(wire::BlockRequest{Height(5), 64})},
      {"blocks", wire::WireMessage(golden_blocks())},
      {"blocks_empty", wire::WireMessage(wire::Blocks{})},
      {"txs", wire::WireMessage(wire::TxBatch{
                  {make_transfer(swarmchain::testing::pattern<Hash>(0x11), test_key(1), 3,
                                 test_key(2).pubkey(), Amount::coins(5)),
                   make_transfer(swarmchain::testing::pattern<Hash>(0x11), test_key(1), 4,
                                 test_key(3).pubkey(), Amount::coins(1))}})},
      {"txs_empty", wire::WireMessage(wire::TxBatch{})},
      {"reach_vote", wire::WireMessage(wire::ReachVote{
                         Height(41), test_key(50).pubkey(), kStateChangeDecommission,
                         kReachCheckP2p, 2,
                         test_key(202).sign(reach_vote_hash(
                             swarmchain::testing::pattern<Hash>(0x11), Height(41),
                             test_key(50).pubkey(), kStateChangeDecommission, kReachCheckP2p))})},
  };
  n = std::size(kCases);
  return kCases;
}

TEST(WireGoldenFile, RegeneratesWhenAskedTo) {
  if (!swarmchain::testing::env_flag("SWARMCHAIN_REGEN_GOLDEN"))
    GTEST_SKIP() << "set SWARMCHAIN_REGEN_GOLDEN=1 to rewrite " << kGoldenPath;
  json j{{"_comment",
          "Golden vectors for node/wire.h. Generated from the fixed values in "
          "tests/node/wire_test.cpp (SWARMCHAIN_REGEN_GOLDEN=1); review every diff."}};
  std::size_t n = 0;
  const auto* c = cases(n);
  for (std::size_t i = 0; i < n; ++i) j[c[i].first] = to_hex(wire::encode(c[i].second));
  std::ofstream out(kGoldenPath);
  ASSERT_TRUE(out);
  out << j.dump(2) << "\n";
}

TEST(Wire, EveryKindEncodesToItsGoldenBytesAndDecodesBack) {
  const json golden = swarmchain::testing::load_golden("node_wire.json");
  std::size_t n = 0;
  const auto* c = cases(n);
  for (std::size_t i = 0; i < n; ++i) {
    SCOPED_TRACE(c[i].first);
    const Bytes bytes = wire::encode(c[i].second);
    EXPECT_EQ(to_hex(bytes), golden.at(c[i].first).get<std::string>());
    auto back = wire::decode(bytes);
    ASSERT_TRUE(back.has_value()) << back.error().message();
    EXPECT_TRUE(*back == c[i].second);
  }
}

TEST(Wire, TheBlockRequestGrammarIsTagFromCount) {
  EXPECT_EQ(to_hex(wire::encode(wire::BlockRequest{Height(5), 64})),
            "02"
            "0500000000000000"
            "40000000");
}

TEST(Wire, ConsensusAndTxBodiesAreTheirOwnEncodings) {
  const consensus::Message m(golden_vote());
  Bytes expected{0x00};
  const Bytes body = consensus::encode_message(m);
  expected.insert(expected.end(), body.begin(), body.end());
  EXPECT_EQ(wire::encode(m), expected);
}

DecodeError code_of(const Bytes& b) {
  auto m = wire::decode(b);
  EXPECT_FALSE(m.has_value());
  return m ? DecodeError::kOk : m.error().code_as<DecodeError>();
}

TEST(Wire, DecodingRefusesBadInput) {
  EXPECT_EQ(code_of({}), DecodeError::kTruncated);
  EXPECT_EQ(code_of({0x06}), DecodeError::kBadEnum);
  EXPECT_EQ(code_of({0xff, 0x00}), DecodeError::kBadEnum);
  // block_request: truncated, trailing byte, count 0, count above the limit.
  Bytes req = wire::encode(wire::BlockRequest{Height(1), 1});
  EXPECT_EQ(code_of(Bytes(req.begin(), req.end() - 1)), DecodeError::kTruncated);
  Bytes trailing = req;
  trailing.push_back(0);
  EXPECT_EQ(code_of(trailing), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(wire::encode(wire::BlockRequest{Height(1), 0})), DecodeError::kBadValue);
  EXPECT_EQ(code_of(wire::encode(wire::BlockRequest{Height(1), 65})), DecodeError::kBadValue);
  // blocks: a count above the limit; a block cut short.
  EXPECT_EQ(code_of({0x03, 65}), DecodeError::kLengthTooLarge);
  Bytes blocks = wire::encode(golden_blocks());
  EXPECT_EQ(code_of(Bytes(blocks.begin(), blocks.end() - 3)), DecodeError::kTruncated);
  // A consensus body with trailing bytes, an empty tx.
  Bytes vote = wire::encode(consensus::Message(golden_vote()));
  vote.push_back(0);
  EXPECT_FALSE(wire::decode(vote).has_value());
  EXPECT_FALSE(wire::decode(Bytes{0x01}).has_value());
  // reach_vote: cut short, trailing bytes.
  Bytes rv = wire::encode(wire::ReachVote{Height(1), test_key(5).pubkey(), 1, 1, 0, {}});
  EXPECT_EQ(rv.size(), 1u + 8 + 32 + 1 + 4 + 2 + 64);
  EXPECT_EQ(code_of(Bytes(rv.begin(), rv.end() - 1)), DecodeError::kTruncated);
  rv.push_back(0);
  EXPECT_EQ(code_of(rv), DecodeError::kTrailingBytes);
  // txs: no count, a count above the limit (varint 1025), a tx cut short, a tx that is not one.
  EXPECT_EQ(code_of({0x04}), DecodeError::kTruncated);
  EXPECT_EQ(code_of({0x04, 0x81, 0x08}), DecodeError::kLengthTooLarge);
  const Tx tx = make_transfer(swarmchain::testing::pattern<Hash>(0x11), test_key(1), 0,
                              test_key(2).pubkey(), Amount::coins(1));
  Bytes txs = wire::encode(wire::TxBatch{{tx}});
  EXPECT_EQ(code_of(Bytes(txs.begin(), txs.end() - 1)), DecodeError::kTruncated);
  EXPECT_EQ(code_of({0x04, 0x01, 0x02, 0xff, 0xff}), DecodeError::kBadValue);
}

TEST(Wire, TxBatchesSplitAtTheCountLimitAndKeepTheOrder) {
  const Hash chain = swarmchain::testing::pattern<Hash>(0x11);
  std::vector<Tx> txs;
  for (uint64_t n = 0; n < wire::kMaxTxsPerBatch + 5; ++n)
    txs.push_back(make_transfer(chain, test_key(1), n, test_key(2).pubkey(), Amount(1)));
  const auto batches = wire::encode_tx_batches(txs);
  ASSERT_EQ(batches.size(), 2u);
  std::vector<Tx> back;
  for (const Bytes& b : batches) {
    auto m = wire::decode(b);
    ASSERT_TRUE(m.has_value()) << m.error().message();
    const auto& batch = std::get<wire::TxBatch>(*m);
    back.insert(back.end(), batch.txs.begin(), batch.txs.end());
  }
  EXPECT_EQ(std::get<wire::TxBatch>(*wire::decode(batches[0])).txs.size(), wire::kMaxTxsPerBatch);
  EXPECT_EQ(back, txs);
  EXPECT_TRUE(wire::encode_tx_batches({}).empty());
}

}  // namespace
}  // namespace swarmchain::test
