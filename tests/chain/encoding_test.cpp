// Golden byte vectors for every chain encoding, plus the decoder's refusals (design §3).
//
// The vectors live in tests/data/chain_encodings.json. They are built from fixed keys
// (test_key) and fixed values below, and ed25519 signatures are deterministic, so the file is
// reproducible. It pins the wire format: a change in any byte fails these tests.
//
// After a DELIBERATE format change, regenerate and review the diff before checking it in:
//   SWARMCHAIN_REGEN_GOLDEN=1 build/bin/chain_encoding_test --gtest_filter='*Regenerat*'
// In that mode the file is written instead of compared.
//
// The *FollowsTheGrammar tests rebuild a few encodings by hand from the grammar comments in
// chain/tx.h, chain/block.h and common/commit.h, and the hashes with raw libsodium, so the golden
// file is not only "what the code printed once".
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "chain/account_state.h"
#include "chain/block.h"
#include "chain/params.h"
#include "chain/tx.h"
#include "registry/reach_quorum.h"
#include "common/commit.h"
#include "common/hex.h"
#include "tests/chain/test_util.h"
#include "tests/common/golden.h"

namespace swarmchain {
namespace {

using nlohmann::json;
using test::make_transfer;
using test::test_key;

[[maybe_unused]] const bool kCryptoReady = crypto_init();

const std::string kGoldenPath = std::string(SWARMCHAIN_TEST_DATA_DIR) + "/chain_encodings.json";

using swarmchain::testing::pattern;

bool regen_mode() { return swarmchain::testing::env_flag("SWARMCHAIN_REGEN_GOLDEN"); }

// ---- the fixed values behind the vectors ----

Genesis golden_genesis() {
  Genesis g;
  g.network = "golden";
  g.genesis_time_ms = 1'700'000'000'123ULL;
  ChainParams& p = g.params;  // every field set here, so a preset change cannot move the vector
  p.target_block_ms = 501;
  p.staking_requirement = Amount::coins(100);
  p.min_operator_stake = Amount::coins(25);
  p.max_contributors = 10;
  p.unlock_delay_blocks = 40;
  p.dereg_lock_blocks = 80;
  p.block_reward = Amount::coins(1);
  p.committee_size = 4;
  p.epoch_blocks = 10;
  p.min_swarm_size = 5;
  p.ideal_swarm_size = 7;
  p.proof_interval_s = 20;
  p.proof_lifetime_s = 60;
  p.max_block_bytes = 4u << 20;
  p.max_block_txs = 20'000;
  p.max_clock_drift_ms = 1001;
  p.timeout_propose_ms = 502;
  p.timeout_prevote_ms = 253;
  p.timeout_precommit_ms = 254;
  p.timeout_delta_ms = 125;
  p.proof_skew_ms = 300'000;
  g.accounts = {{test_key(1).pubkey(), Amount::coins(1000)},
                {test_key(2).pubkey(), Amount(2'000'000'005)},
                {test_key(3).pubkey(), Amount(7)}};
  g.service_nodes = {{test_key(200).pubkey(), test_key(201).pubkey(), Amount::coins(100)}};
  return g;
}

Hash golden_chain_id() { return golden_genesis().chain_id(); }

Tx golden_tx() {
  return make_transfer(golden_chain_id(), test_key(1), 7, test_key(2).pubkey(),
                       Amount(123'456'789), Amount(100'000));
}

CommitCertificate golden_cert() {
  CommitCertificate c;
  c.height = Height(41);
  c.round = 2;
  c.block_hash = pattern<Hash>(0x40);
  const Hash digest = vote_digest(golden_chain_id(), VoteType::kPrecommit, c.height, c.round,
                                  c.block_hash);
  c.sigs = {{0, test_key(200).sign(digest)}, {3, test_key(203).sign(digest)}};
  return c;
}

BlockHeader golden_header() {
  BlockHeader h;
  h.height = Height(42);
  h.prev_hash = pattern<Hash>(0x40);
  h.time_ms = 1'700'000'021'000ULL;
  h.proposer = test_key(200).pubkey();
  h.tx_root = pattern<Hash>(0x60);
  h.state_root = pattern<Hash>(0x80);
  h.registry_root = pattern<Hash>(0xa0);
  h.committee_hash = pattern<Hash>(0xc0);
  h.next_committee_hash = pattern<Hash>(0xe0);
  h.last_commit_hash = pattern<Hash>(0x00);
  return h;
}

Block golden_block() {
  Block b;
  b.header = golden_header();
  b.txs = {golden_tx(), make_transfer(golden_chain_id(), test_key(2), 0, test_key(3).pubkey(),
                                      Amount::coins(1), Amount(250'000))};
  b.last_commit = golden_cert();
  b.header.tx_root = b.compute_tx_root();
  b.header.last_commit_hash = b.last_commit->hash();
  return b;
}

Account golden_account() { return Account{Amount(987'654'321'000ULL), 9}; }

Tx golden_signed(uint64_t nonce, TxPayload payload) {
  Tx tx;
  tx.chain_id = golden_chain_id();
  tx.sender = test_key(1).pubkey();
  tx.nonce = nonce;
  tx.fee = Amount(100'000);
  tx.payload = std::move(payload);
  tx.sign(test_key(1));
  return tx;
}

// A registration of node key 50 by operator key 1 (fee 5%), with one reserved spot for key 2.
Tx golden_register_node() {
  Registration reg;
  reg.sn_pubkey = test_key(50).pubkey();
  reg.operator_address = test_key(1).pubkey();
  reg.fee_bps = 500;
  reg.reserved = {{test_key(1).pubkey(), Amount::coins(50)}, {test_key(2).pubkey(), Amount::coins(25)}};
  reg.expiry_height = Height(20'000);
  reg.sign(test_key(50), golden_chain_id());
  return golden_signed(8, RegisterNodePayload{reg, Amount::coins(60)});
}
Tx golden_stake() { return golden_signed(9, StakePayload{test_key(50).pubkey(), Amount::coins(15)}); }
Tx golden_request_unlock() { return golden_signed(10, RequestUnlockPayload{test_key(50).pubkey()}); }

UptimeContact golden_contact() {
  return UptimeContact{0x0a000102, 22021, 22020, 22025, {2, 11, 3}};  // 10.0.1.2
}
// Node key 50 proves it is alive: sender = node key, fee 0, nonce 0.
Tx golden_uptime_proof() {
  return make_uptime_proof(test_key(50), golden_chain_id(), 1'700'000'020'500ULL, golden_contact());
}
// Validator key 200 precommitted two blocks at (41, round 2); key 3 submits it.
Vote golden_vote(uint8_t block_byte) {
  Vote v;
  v.type = VoteType::kPrecommit;
  v.height = Height(41);
  v.round = 2;
  v.block_hash = pattern<Hash>(block_byte);
  v.validator = test_key(200).pubkey();
  v.sign(test_key(200), golden_chain_id());
  return v;
}
Tx golden_evidence() {
  Tx tx;
  tx.chain_id = golden_chain_id();
  tx.sender = test_key(3).pubkey();
  tx.payload = EvidencePayload{golden_vote(0x40), golden_vote(0x41)};
  tx.sign(test_key(3));
  return tx;
}

// Members 200 (index 0) and 202 (index 2) of a quorum vote that node 50 failed the p2p check at
// height 41; key 3 submits it.
Tx golden_state_change() {
  StateChangePayload c;
  c.sn_pubkey = test_key(50).pubkey();
  c.new_state = kStateChangeDecommission;
  c.height = Height(41);
  c.reason_bits = kReachCheckP2p;
  const Hash digest =
      reach_vote_hash(golden_chain_id(), c.height, c.sn_pubkey, c.new_state, c.reason_bits);
  c.votes = {{0, test_key(200).sign(digest)}, {2, test_key(202).sign(digest)}};
  Tx tx;
  tx.chain_id = golden_chain_id();
  tx.sender = test_key(3).pubkey();
  tx.payload = std::move(c);
  tx.sign(test_key(3));
  return tx;
}

json tx_vector(const Tx& tx) {
  return json{{"hex", to_hex(tx.to_bytes())},
              {"txid", to_hex(tx.id())},
              {"signing_hash", to_hex(tx.signing_hash())}};
}

json build_golden() {
  const Tx tx = golden_tx();
  const Block block = golden_block();
  const CommitCertificate cert = golden_cert();
  const Genesis genesis = golden_genesis();
  return json{
      {"_comment",
       "Golden vectors for chain encodings. Generated from the fixed values in "
       "tests/chain/encoding_test.cpp (SWARMCHAIN_REGEN_GOLDEN=1); review every diff."},
      {"tx_transfer",
       {{"hex", to_hex(tx.to_bytes())},
        {"txid", to_hex(tx.id())},
        {"signing_hash", to_hex(tx.signing_hash())}}},
      {"block_header",
       {{"hex", to_hex(encode(golden_header()))}, {"hash", to_hex(golden_header().hash())}}},
      {"block",
       {{"hex", to_hex(block.to_bytes())},
        {"hash", to_hex(block.hash())},
        {"tx_root", to_hex(block.header.tx_root)}}},
      {"commit_certificate", {{"hex", to_hex(encode(cert))}, {"hash", to_hex(cert.hash())}}},
      {"genesis", {{"hex", to_hex(encode(genesis))}, {"chain_id", to_hex(genesis.chain_id())}}},
      {"account", {{"hex", to_hex(encode(golden_account()))}}},
      {"tx_register_node", tx_vector(golden_register_node())},
      {"tx_stake", tx_vector(golden_stake())},
      {"tx_request_unlock", tx_vector(golden_request_unlock())},
      {"tx_uptime_proof", tx_vector(golden_uptime_proof())},
      {"tx_evidence", tx_vector(golden_evidence())},
      {"tx_state_change", tx_vector(golden_state_change())},
      {"reach_vote",
       {{"hash", to_hex(reach_vote_hash(golden_chain_id(), Height(41), test_key(50).pubkey(),
                                        kStateChangeDecommission, kReachCheckP2p))}}},
  };
}

const json& golden() {
  static const json j = swarmchain::testing::load_golden("chain_encodings.json");
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

DecodeError code_of(const Status& s) { return s.code_as<DecodeError>(); }

// ---- generator ----

TEST(ChainGoldenFile, RegeneratesWhenAskedTo) {
  if (!regen_mode()) GTEST_SKIP() << "set SWARMCHAIN_REGEN_GOLDEN=1 to rewrite " << kGoldenPath;
  std::ofstream out(kGoldenPath);
  ASSERT_TRUE(out) << "cannot write " << kGoldenPath;
  out << build_golden().dump(2) << "\n";
}

// ---- golden bytes and hashes ----

TEST(TxEncoding, TransferEncodesToTheGoldenBytes) {
  EXPECT_EQ(to_hex(golden_tx().to_bytes()), g("tx_transfer", "hex"));
}

TEST(TxEncoding, TxidAndSigningHashMatchTheGoldenVectors) {
  EXPECT_EQ(to_hex(golden_tx().id()), g("tx_transfer", "txid"));
  EXPECT_EQ(to_hex(golden_tx().signing_hash()), g("tx_transfer", "signing_hash"));
}

TEST(TxEncoding, GoldenBytesDecodeBackToTheSameSignedTx) {
  auto tx = Tx::from_bytes(unhex(g("tx_transfer", "hex")));
  ASSERT_TRUE(tx) << tx.error().message();
  EXPECT_EQ(*tx, golden_tx());
  EXPECT_TRUE(tx->signature_valid());
}

TEST(BlockHeaderEncoding, EncodesToTheGoldenBytesAndHash) {
  EXPECT_EQ(to_hex(encode(golden_header())), g("block_header", "hex"));
  EXPECT_EQ(to_hex(golden_header().hash()), g("block_header", "hash"));
}

TEST(BlockHeaderEncoding, GoldenBytesDecodeBackToTheSameHeader) {
  auto h = decode_exact<BlockHeader>(unhex(g("block_header", "hex")));
  ASSERT_TRUE(h) << h.error().message();
  EXPECT_EQ(*h, golden_header());
}

TEST(BlockEncoding, BlockWithTwoTxsAndALastCommitEncodesToTheGoldenBytes) {
  EXPECT_EQ(to_hex(golden_block().to_bytes()), g("block", "hex"));
}

TEST(BlockEncoding, BlockHashAndTxRootMatchTheGoldenVectors) {
  EXPECT_EQ(to_hex(golden_block().hash()), g("block", "hash"));
  EXPECT_EQ(to_hex(golden_block().header.tx_root), g("block", "tx_root"));
}

TEST(BlockEncoding, GoldenBytesDecodeBackToTheSameBlock) {
  auto b = Block::from_bytes(unhex(g("block", "hex")));
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(*b, golden_block());
}

TEST(CommitCertificateEncoding, EncodesToTheGoldenBytesAndHash) {
  EXPECT_EQ(to_hex(encode(golden_cert())), g("commit_certificate", "hex"));
  EXPECT_EQ(to_hex(golden_cert().hash()), g("commit_certificate", "hash"));
}

TEST(CommitCertificateEncoding, GoldenBytesDecodeBackToTheSameCertificate) {
  auto c = decode_exact<CommitCertificate>(unhex(g("commit_certificate", "hex")));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(*c, golden_cert());
}

TEST(GenesisEncoding, EncodesToTheGoldenBytesAndChainId) {
  EXPECT_EQ(to_hex(encode(golden_genesis())), g("genesis", "hex"));
  EXPECT_EQ(to_hex(golden_genesis().chain_id()), g("genesis", "chain_id"));
}

TEST(GenesisEncoding, GoldenBytesDecodeBackToTheSameGenesis) {
  auto gen = decode_exact<Genesis>(unhex(g("genesis", "hex")));
  ASSERT_TRUE(gen) << gen.error().message();
  EXPECT_EQ(*gen, golden_genesis());
}

TEST(AccountEncoding, EncodesToTheGoldenBytesAndDecodesBack) {
  EXPECT_EQ(to_hex(encode(golden_account())), g("account", "hex"));
  auto a = decode_exact<Account>(unhex(g("account", "hex")));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, golden_account());
}

TEST(TxEncoding, RegistryTxsEncodeToTheGoldenBytesAndDecodeBack) {
  const std::pair<const char*, Tx> cases[] = {{"tx_register_node", golden_register_node()},
                                              {"tx_stake", golden_stake()},
                                              {"tx_request_unlock", golden_request_unlock()},
                                              {"tx_uptime_proof", golden_uptime_proof()},
                                              {"tx_evidence", golden_evidence()},
                                              {"tx_state_change", golden_state_change()}};
  for (const auto& [name, tx] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(to_hex(tx.to_bytes()), g(name, "hex"));
    EXPECT_EQ(to_hex(tx.id()), g(name, "txid"));
    EXPECT_EQ(to_hex(tx.signing_hash()), g(name, "signing_hash"));
    auto back = Tx::from_bytes(unhex(g(name, "hex")));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, tx);
    EXPECT_TRUE(back->signature_valid());
  }
}

TEST(TxEncoding, RegisterNodePayloadIsTheRegistrationThenTheOperatorAmount) {
  const Tx tx = golden_register_node();
  const auto& p = std::get<RegisterNodePayload>(tx.payload);
  Writer w;
  p.registration.encode(w);
  w.amount(p.operator_amount);
  const std::string payload_hex = to_hex(w.data());
  const std::string full = to_hex(tx.to_bytes());
  // version, chain id, type 1, sender, nonce, fee, then the payload, then the signature.
  EXPECT_EQ(full.substr(2 * (1 + 32), 2), "01");
  EXPECT_EQ(full.substr(2 * (1 + 32 + 1 + 32 + 8 + 8), payload_hex.size()), payload_hex);
  EXPECT_TRUE(p.registration.signature_valid(golden_chain_id()));
}

TEST(TxEncoding, AnUnknownTxTypeIsRefused) {
  Bytes b = golden_stake().to_bytes();
  b[1 + 32] = kMaxTxType + 1;  // the type byte; 0..kMaxTxType are known
  auto tx = Tx::from_bytes(b);
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code_as<DecodeError>(), DecodeError::kBadEnum);
}

// ---- the grammar, rebuilt by hand ----

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

TEST(TxEncoding, TransferFollowsTheGrammarFieldByField) {
  const Tx tx = golden_tx();
  const std::string expected = "01" + to_hex(golden_chain_id()) + "00" +
                               to_hex(test_key(1).pubkey()) + le_hex(7, 8) +
                               le_hex(100'000, 8) + to_hex(test_key(2).pubkey()) +
                               le_hex(123'456'789, 8) + to_hex(tx.signature);
  EXPECT_EQ(to_hex(tx.to_bytes()), expected);
  EXPECT_EQ(tx.to_bytes().size(), 186u);
}

TEST(TxEncoding, UptimeProofFollowsTheGrammarFieldByField) {
  const Tx tx = golden_uptime_proof();
  const std::string expected = "01" + to_hex(golden_chain_id()) + "04" +
                               to_hex(test_key(50).pubkey()) + le_hex(0, 8) + le_hex(0, 8) +
                               le_hex(1'700'000'020'500ULL, 8) + le_hex(0x0a000102, 4) +
                               le_hex(22021, 2) + le_hex(22020, 2) + le_hex(22025, 2) +
                               le_hex(2, 2) + le_hex(11, 2) + le_hex(3, 2) +
                               to_hex(tx.signature);
  EXPECT_EQ(to_hex(tx.to_bytes()), expected);
  EXPECT_TRUE(tx.signature_valid());
}

TEST(TxEncoding, EvidenceIsTwoVotesInTheirOwnEncoding) {
  const Tx tx = golden_evidence();
  const auto& e = std::get<EvidencePayload>(tx.payload);
  const std::string expected = "01" + to_hex(golden_chain_id()) + "05" +
                               to_hex(test_key(3).pubkey()) + le_hex(0, 8) + le_hex(0, 8) +
                               to_hex(encode(e.first)) + to_hex(encode(e.second)) +
                               to_hex(tx.signature);
  EXPECT_EQ(to_hex(tx.to_bytes()), expected);
  EXPECT_TRUE(votes_conflict(e.first, e.second));
}

TEST(TxEncoding, StateChangeFollowsTheGrammarFieldByField) {
  const Tx tx = golden_state_change();
  const auto& c = std::get<StateChangePayload>(tx.payload);
  const std::string expected = "01" + to_hex(golden_chain_id()) + "06" +
                               to_hex(test_key(3).pubkey()) + le_hex(0, 8) + le_hex(0, 8) +
                               to_hex(test_key(50).pubkey()) + "01" + le_hex(41, 8) +
                               le_hex(1, 4) + "02" + le_hex(0, 2) + to_hex(c.votes[0].signature) +
                               le_hex(2, 2) + to_hex(c.votes[1].signature) +
                               to_hex(tx.signature);
  EXPECT_EQ(to_hex(tx.to_bytes()), expected);
}

TEST(TxEncoding, ReachVoteHashIsTheTaggedHashOfTheVerdict) {
  Writer w;
  w.fixed(golden_chain_id());
  w.height(Height(41));
  w.fixed(test_key(50).pubkey());
  w.u8(kStateChangeDecommission);
  w.u32(kReachCheckP2p);
  EXPECT_EQ(blake2b_tagged_hex("swarmchain/reach/vote/v1", w.data()), g("reach_vote", "hash"));
  EXPECT_EQ(to_hex(reach_vote_hash(golden_chain_id(), Height(41), test_key(50).pubkey(),
                                   kStateChangeDecommission, kReachCheckP2p)),
            g("reach_vote", "hash"));
}

TEST(TxEncoding, AStateChangeWithTooManyVotesIsRefusedByTheDecoder) {
  Tx tx = golden_state_change();
  auto& c = std::get<StateChangePayload>(tx.payload);
  c.votes.assign(kMaxStateChangeVotes + 1, c.votes[0]);
  EXPECT_FALSE(Tx::from_bytes(tx.to_bytes()));
}

TEST(TxEncoding, TxidIsTheTaggedHashOfTheFullEncoding) {
  const Bytes bytes = golden_tx().to_bytes();
  EXPECT_EQ(to_hex(golden_tx().id()), blake2b_tagged_hex("swarmchain/txid/v1", bytes));
}

TEST(TxEncoding, SignatureCoversTheTaggedHashOfEverythingButTheSignature) {
  Bytes unsigned_part = golden_tx().to_bytes();
  unsigned_part.resize(unsigned_part.size() - 64);
  EXPECT_EQ(to_hex(golden_tx().signing_hash()),
            blake2b_tagged_hex("swarmchain/tx/v1", unsigned_part));
}

TEST(BlockHeaderEncoding, FollowsTheGrammarFieldByField) {
  const BlockHeader h = golden_header();
  const std::string expected = le_hex(42, 8) + to_hex(h.prev_hash) +
                               le_hex(1'700'000'021'000ULL, 8) + to_hex(h.proposer) +
                               to_hex(h.tx_root) + to_hex(h.state_root) + to_hex(h.registry_root) +
                               to_hex(h.committee_hash) + to_hex(h.next_committee_hash) +
                               to_hex(h.last_commit_hash);
  EXPECT_EQ(to_hex(encode(h)), expected);
}

TEST(BlockEncoding, BlockHashIsTheTaggedHashOfTheHeaderOnly) {
  const Block b = golden_block();
  EXPECT_EQ(to_hex(b.hash()), blake2b_tagged_hex("swarmchain/header/v1", encode(b.header)));
}

TEST(BlockEncoding, BodyFollowsTheGrammarFieldByField) {
  const Block b = golden_block();
  // header || varint 2 || (varint 186 = "ba01" || tx) * 2 || has_last_commit 1 || certificate
  const std::string expected = to_hex(encode(b.header)) + "02" + "ba01" +
                               to_hex(b.txs[0].to_bytes()) + "ba01" + to_hex(b.txs[1].to_bytes()) +
                               "01" + to_hex(encode(*b.last_commit));
  EXPECT_EQ(to_hex(b.to_bytes()), expected);
}

TEST(CommitCertificateEncoding, FollowsTheGrammarFieldByField) {
  const CommitCertificate c = golden_cert();
  const std::string expected = le_hex(41, 8) + le_hex(2, 4) + to_hex(c.block_hash) + "02" +
                               le_hex(0, 2) + to_hex(c.sigs[0].signature) + le_hex(3, 2) +
                               to_hex(c.sigs[1].signature);
  EXPECT_EQ(to_hex(encode(c)), expected);
}

TEST(GenesisEncoding, ChainIdIsTheTaggedHashOfTheGenesisEncoding) {
  EXPECT_EQ(to_hex(golden_chain_id()),
            blake2b_tagged_hex("swarmchain/genesis/v1", encode(golden_genesis())));
}

// ---- refusals ----

TEST(ChainDecoding, EveryTypeRejectsTrailingBytes) {
  auto with_extra = [](Bytes b) {
    b.push_back(0x00);
    return b;
  };
  auto tx = Tx::from_bytes(with_extra(golden_tx().to_bytes()));
  auto block = Block::from_bytes(with_extra(golden_block().to_bytes()));
  auto header = decode_exact<BlockHeader>(with_extra(encode(golden_header())));
  auto cert = decode_exact<CommitCertificate>(with_extra(encode(golden_cert())));
  auto genesis = decode_exact<Genesis>(with_extra(encode(golden_genesis())));
  auto account = decode_exact<Account>(with_extra(encode(golden_account())));
  ASSERT_FALSE(tx);
  ASSERT_FALSE(block);
  ASSERT_FALSE(header);
  ASSERT_FALSE(cert);
  ASSERT_FALSE(genesis);
  ASSERT_FALSE(account);
  EXPECT_EQ(code_of(tx.error()), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(block.error()), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(header.error()), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(cert.error()), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(genesis.error()), DecodeError::kTrailingBytes);
  EXPECT_EQ(code_of(account.error()), DecodeError::kTrailingBytes);
}

TEST(ChainDecoding, TxTruncatedAtEveryPrefixLengthIsRejected) {
  const Bytes full = golden_tx().to_bytes();
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto tx = Tx::from_bytes(ByteView(full.data(), n));
    ASSERT_FALSE(tx) << "a " << n << "-byte prefix decoded";
    EXPECT_EQ(code_of(tx.error()), DecodeError::kTruncated) << "prefix " << n;
  }
}

TEST(ChainDecoding, BlockTruncatedAtEveryPrefixLengthIsRejected) {
  const Bytes full = golden_block().to_bytes();
  for (std::size_t n = 0; n < full.size(); ++n)
    ASSERT_FALSE(Block::from_bytes(ByteView(full.data(), n))) << "a " << n << "-byte prefix decoded";
}

TEST(ChainDecoding, TxWithAnUnknownTypeIsRejected) {
  Bytes b = golden_tx().to_bytes();
  b[1 + 32] = kMaxTxType + 1;  // type follows version and chain id
  auto tx = Tx::from_bytes(b);
  ASSERT_FALSE(tx);
  EXPECT_EQ(code_of(tx.error()), DecodeError::kBadEnum);
}

TEST(ChainDecoding, TxWithAnUnknownVersionIsRejected) {
  for (uint8_t version : {uint8_t{0}, uint8_t{2}, uint8_t{255}}) {
    Bytes b = golden_tx().to_bytes();
    b[0] = version;
    auto tx = Tx::from_bytes(b);
    ASSERT_FALSE(tx) << "version " << int{version};
    EXPECT_EQ(code_of(tx.error()), DecodeError::kBadValue);
  }
}

TEST(ChainDecoding, TxOverTheSizeLimitIsRejectedBeforeDecoding) {
  Bytes b = golden_tx().to_bytes();
  b.resize(kMaxTxBytes + 1);
  auto tx = Tx::from_bytes(b);
  ASSERT_FALSE(tx);
  EXPECT_EQ(code_of(tx.error()), DecodeError::kLengthTooLarge);
}

TEST(ChainDecoding, CertificateWithNonAscendingSignerIndexesIsRejected) {
  for (uint16_t second : {uint16_t{3}, uint16_t{2}}) {  // repeated, then descending
    CommitCertificate c = golden_cert();
    c.sigs = {{3, c.sigs[1].signature}, {second, c.sigs[0].signature}};
    auto d = decode_exact<CommitCertificate>(encode(c));
    ASSERT_FALSE(d) << "indexes 3, " << second;
    EXPECT_EQ(code_of(d.error()), DecodeError::kBadValue);
  }
}

TEST(ChainDecoding, BlockWithHasLastCommitFlag2IsRejected) {
  Block b = golden_block();
  b.last_commit.reset();
  b.header.last_commit_hash = Hash{};
  Bytes bytes = b.to_bytes();
  ASSERT_EQ(bytes.back(), 0);  // the flag is the last byte when there is no certificate
  ASSERT_TRUE(Block::from_bytes(bytes));
  bytes.back() = 2;
  auto d = Block::from_bytes(bytes);
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d.error()), DecodeError::kBadEnum);
}

TEST(ChainDecoding, BlockWhoseTxCarriesTrailingBytesInsideItsLengthPrefixIsRejected) {
  Block b = golden_block();
  b.last_commit.reset();
  Writer w;
  b.header.encode(w);
  w.varint(1);
  Bytes tx = golden_tx().to_bytes();
  tx.push_back(0x00);
  w.bytes(tx);
  w.u8(0);
  auto d = Block::from_bytes(w.data());
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d.error()), DecodeError::kBadValue);
}

TEST(ChainDecoding, BlockWithMoreTxsThanTheDecoderCapIsRejected) {
  Writer w;
  golden_header().encode(w);
  w.varint(Block::kMaxTxs + 1);
  auto d = Block::from_bytes(w.data());
  ASSERT_FALSE(d);
  EXPECT_EQ(code_of(d.error()), DecodeError::kLengthTooLarge);
}

}  // namespace
}  // namespace swarmchain
