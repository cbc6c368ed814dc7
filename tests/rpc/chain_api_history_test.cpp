// The chain methods that show what happened (docs/rpc.md): get_transaction decodes every tx
// type with all its fields by name, get_block returns decoded tx bodies on request,
// get_account_history serves txs and events (rewards) newest first with a cursor, and
// get_account says what the mempool holds for an account.
#include <gtest/gtest.h>

#include <set>

#include "common/address.h"
#include "common/hex.h"
#include "rpc/account_api.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::test {
namespace {

using json = nlohmann::json;

class ChainHistoryApiTest : public RegistryApiTest {
 protected:
  Tx signed_tx(const KeyPair& from, TxPayload payload) const {
    Tx tx;
    tx.chain_id = chain->chain_id();
    tx.sender = from.pubkey();
    tx.nonce = nonce_of(from);
    tx.fee = Amount(100'000);
    tx.payload = std::move(payload);
    tx.sign(from);
    return tx;
  }
  // Commits `tx` alone and returns get_transaction's answer for it.
  json commit_and_get(const Tx& tx) {
    commit({tx});
    json r = result("get_transaction", {{"txid", to_hex(tx.id())}});
    EXPECT_EQ(r["status"], "confirmed");
    EXPECT_EQ(r["height"], chain->tip().header.height.value);
    EXPECT_EQ(r["index"], 0);
    return r;
  }
  static void expect_envelope(const json& r, const Tx& tx) {
    EXPECT_EQ(r["txid"], to_hex(tx.id()));
    EXPECT_EQ(r["type"], tx_type_name(tx.type()));
    EXPECT_EQ(r["version"], tx.version);
    EXPECT_EQ(r["chain_id"], to_hex(tx.chain_id));
    EXPECT_EQ(r["sender"], to_hex(tx.sender));
    EXPECT_EQ(r["from"], address_from_pubkey(tx.sender));
    EXPECT_EQ(r["nonce"], tx.nonce);
    EXPECT_EQ(r["fee"], tx.fee.atomic());
    EXPECT_EQ(r["signature"], to_hex(tx.signature));
    EXPECT_EQ(r["size"], tx.to_bytes().size());
  }
  KeyPair committee_key(std::size_t i) const {
    const PubKey pk = chain->committee(chain->tip().header.height.next()).at(i);
    for (std::size_t k = 0; k < kGenesisNodes; ++k)
      if (sn_key(k).pubkey() == pk) return sn_key(k);
    ADD_FAILURE() << "no key for committee member " << i;
    return sn_key(0);
  }
};

TEST_F(ChainHistoryApiTest, GetTransactionDecodesTransferRegisterStakeAndUnlockByName) {
  const Tx transfer = make_transfer(chain->chain_id(), test_key(1), 0, test_key(5).pubkey(),
                                    Amount::coins(3));
  json r = commit_and_get(transfer);
  expect_envelope(r, transfer);
  EXPECT_EQ(r["to"], address_from_pubkey(test_key(5).pubkey()));
  EXPECT_EQ(r["amount"], Amount::coins(3).atomic());

  const PubKey node = register_awaiting_node();  // account 4, reserving 20 for account 5
  const Block reg_block = *chain->store().block_at(chain->tip().header.height);
  const Tx& reg = reg_block.txs.at(0);
  r = result("get_transaction", {{"txid", to_hex(reg.id())}});
  expect_envelope(r, reg);
  EXPECT_EQ(r["sn_pubkey"], to_hex(node));
  EXPECT_EQ(r["operator"], address_from_pubkey(test_key(4).pubkey()));
  EXPECT_EQ(r["fee_bps"], 500);
  ASSERT_EQ(r["reserved"].size(), 2u);
  EXPECT_EQ(r["reserved"][1]["address"], address_from_pubkey(test_key(5).pubkey()));
  EXPECT_EQ(r["reserved"][1]["amount"], Amount::coins(20).atomic());
  EXPECT_EQ(r["expiry_height"], 100);
  EXPECT_EQ(r["sn_signature"],
            to_hex(std::get<RegisterNodePayload>(reg.payload).registration.sn_signature));
  EXPECT_EQ(r["operator_amount"], Amount::coins(40).atomic());
  EXPECT_EQ(r["amount"], Amount::coins(40).atomic());

  const Tx stake = signed_tx(test_key(5), StakePayload{node, Amount::coins(20)});
  r = commit_and_get(stake);
  expect_envelope(r, stake);
  EXPECT_EQ(r["sn_pubkey"], to_hex(node));
  EXPECT_EQ(r["amount"], Amount::coins(20).atomic());

  const Tx unlock = signed_tx(test_key(4), RequestUnlockPayload{node});
  r = commit_and_get(unlock);
  expect_envelope(r, unlock);
  EXPECT_EQ(r["sn_pubkey"], to_hex(node));
  EXPECT_EQ(r["amount"], 0);
}

TEST_F(ChainHistoryApiTest, GetTransactionDecodesUptimeProofsAndEvidenceByName) {
  UptimeContact contact;
  contact.public_ip = (203u << 24) | (0u << 16) | (113u << 8) | 7u;
  contact.storage_port = 22021;
  contact.storage_lmq_port = 22020;
  contact.quorumnet_port = 22022;
  contact.version = {2, 10, 3};
  const uint64_t now = chain->tip().header.time_ms + 500;
  const Tx proof = make_uptime_proof(sn_key(7), chain->chain_id(), now, contact);
  json r = commit_and_get(proof);
  expect_envelope(r, proof);
  EXPECT_EQ(r["sn_pubkey"], to_hex(sn_key(7).pubkey()));
  EXPECT_EQ(r["time_ms"], now);
  EXPECT_EQ(r["public_ip"], "203.0.113.7");
  EXPECT_EQ(r["storage_port"], 22021);
  EXPECT_EQ(r["storage_lmq_port"], 22020);
  EXPECT_EQ(r["quorumnet_port"], 22022);
  EXPECT_EQ(r["storage_server_version"], json::array({2, 10, 3}));

  const KeyPair offender = committee_key(1);
  const auto vote = [&](uint8_t byte) {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.height = Height(1);
    v.round = 2;
    v.block_hash.data.fill(byte);
    v.validator = offender.pubkey();
    v.sign(offender, chain->chain_id());
    return v;
  };
  Tx evidence;
  evidence.chain_id = chain->chain_id();
  evidence.sender = test_key(3).pubkey();
  evidence.payload = EvidencePayload{vote(0xaa), vote(0xbb)};
  evidence.sign(test_key(3));
  r = commit_and_get(evidence);
  expect_envelope(r, evidence);
  EXPECT_EQ(r["offender"], to_hex(offender.pubkey()));
  ASSERT_EQ(r["votes"].size(), 2u);
  EXPECT_EQ(r["votes"][0]["type"], "precommit");
  EXPECT_EQ(r["votes"][0]["height"], 1);
  EXPECT_EQ(r["votes"][0]["round"], 2);
  EXPECT_EQ(r["votes"][0]["block_hash"], std::string(64, 'a'));
  EXPECT_EQ(r["votes"][1]["block_hash"], std::string(64, 'b'));
  EXPECT_EQ(r["votes"][1]["validator"], to_hex(offender.pubkey()));
  EXPECT_EQ(r["votes"][1]["signature"],
            to_hex(std::get<EvidencePayload>(evidence.payload).second.signature));
}

TEST_F(ChainHistoryApiTest, AStateChangeIsDecodedWithItsTestHeightReasonsAndVotes) {
  StateChangePayload sc;
  sc.sn_pubkey = sn_key(9).pubkey();
  sc.new_state = static_cast<uint8_t>(NodeState::kDecommissioned);
  sc.height = Height(41);
  sc.reason_bits = kReachCheckP2p;
  sc.votes = {{3, test_key(9).sign(Hash{})}, {7, test_key(8).sign(Hash{})}};
  const Tx tx = signed_tx(test_key(2), sc);
  const json r = rpc::tx_to_json(tx);
  expect_envelope(r, tx);
  EXPECT_EQ(r["sn_pubkey"], to_hex(sn_key(9).pubkey()));
  EXPECT_EQ(r["new_state"], "decommissioned");
  EXPECT_EQ(r["test_height"], 41);
  EXPECT_EQ(r["reason_bits"], kReachCheckP2p);
  EXPECT_EQ(r["reasons"], json::array({"p2p"}));
  ASSERT_EQ(r["votes"].size(), 2u);
  EXPECT_EQ(r["votes"][1]["index"], 7);
  EXPECT_EQ(r["votes"][1]["signature"], to_hex(sc.votes[1].signature));
}

TEST_F(ChainHistoryApiTest, GetBlockReturnsDecodedTxBodiesOnlyWhenAsked) {
  const Tx a = make_transfer(chain->chain_id(), test_key(1), 0, test_key(5).pubkey(), Amount(7));
  const Tx b = make_transfer(chain->chain_id(), test_key(2), 0, test_key(6).pubkey(), Amount(9));
  commit({a, b});
  const uint64_t h = chain->tip().header.height.value;
  const json plain = result("get_block", {{"height", h}});
  EXPECT_FALSE(plain.contains("transactions"));
  EXPECT_EQ(plain["tx_count"], 2);
  const json full = result("get_block", {{"height", h}, {"txs", true}});
  ASSERT_EQ(full["transactions"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Tx& tx = i == 0 ? a : b;
    json expected = rpc::tx_to_json(tx);
    expected["index"] = i;
    EXPECT_EQ(full["transactions"][i], expected);
    EXPECT_EQ(full["txids"][i], to_hex(tx.id()));
  }
  EXPECT_EQ(full["header"], plain["header"]);
  EXPECT_FALSE(result("get_block", {{"height", h}, {"txs", false}}).contains("transactions"));
  expect_invalid("get_block", {{"height", h}, {"txs", "yes"}}, "txs");
}

TEST_F(ChainHistoryApiTest, AccountHistoryPagesThroughTxsAndRewardsWithoutGapsOrRepeats) {
  // Account 1 operates a third of the genesis nodes: it earns rewards while it sends.
  for (int i = 0; i < 6; ++i)
    commit({make_transfer(chain->chain_id(), test_key(1), nonce_of(test_key(1)),
                          test_key(5).pubkey(), Amount::coins(1))});
  const std::string addr = address_from_pubkey(test_key(1).pubkey());
  const json all = result("get_account_history", {{"address", addr}, {"limit", 1000}});
  ASSERT_TRUE(all["next_before"].is_null());
  const json& full = all["history"];
  std::set<std::string> kinds;
  for (const json& e : full) {
    kinds.insert(e["kind"].get<std::string>());
    EXPECT_TRUE(e.contains("cursor") && e.contains("time_ms") && e.contains("height")) << e.dump();
    if (e["kind"] == "tx") {
      EXPECT_EQ(e["direction"], "out");
      EXPECT_EQ(e["type"], "transfer");
      EXPECT_EQ(e["amount"], Amount::coins(1).atomic());
    } else {
      EXPECT_EQ(e["kind"], "reward");
      EXPECT_EQ(e["account"], addr);
      EXPECT_EQ(e["sn_pubkey"].get<std::string>().size(), 64u);
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"tx", "reward"}));
  for (std::size_t i = 1; i < full.size(); ++i)
    EXPECT_GE(full[i - 1]["height"].get<uint64_t>(), full[i]["height"].get<uint64_t>());

  json walked = json::array();
  json params{{"address", addr}, {"limit", 2}};
  for (int guard = 0; guard < 100; ++guard) {
    const json page = result("get_account_history", params);
    EXPECT_LE(page["history"].size(), 2u);
    for (const json& e : page["history"]) walked.push_back(e);
    if (page["next_before"].is_null()) break;
    params["before"] = page["next_before"];
  }
  EXPECT_EQ(walked, full);

  // A height as `before`: only entries of lower blocks.
  const json below = result("get_account_history", {{"address", addr}, {"before", 3}});
  ASSERT_FALSE(below["history"].empty());
  for (const json& e : below["history"]) EXPECT_LT(e["height"].get<uint64_t>(), 3u);

  expect_invalid("get_account_history", {{"address", addr}, {"before", "yesterday"}}, "before");
  expect_invalid("get_account_history", {{"address", addr}, {"before", "3:"}}, "before");
  expect_invalid("get_account_history", {{"address", addr}, {"limit", 0}}, "limit");
  expect_invalid("get_account_history", {{"address", addr}, {"limit", 1001}}, "limit");
}

TEST_F(ChainHistoryApiTest, HistoryCursorTextRoundTrips) {
  const HistoryPosition p{Height(1234), kEventSlotBase + 5};
  EXPECT_EQ(rpc::history_cursor_text(p), "1234:2147483653");
  EXPECT_EQ(rpc::parse_history_cursor("1234:2147483653"), p);
  for (const char* bad : {"", ":", "1:", ":1", "a:1", "1:b", "1:2:3", "-1:0", "1:4294967296"})
    EXPECT_FALSE(rpc::parse_history_cursor(bad)) << bad;
}

TEST_F(ChainHistoryApiTest, GetAccountShowsWhatTheMempoolHoldsForAndFromTheAccount) {
  const Tx tx = make_transfer(chain->chain_id(), test_key(1), 0, test_key(5).pubkey(),
                              Amount::coins(2));
  ASSERT_TRUE(result("send_raw_transaction", {{"tx_hex", to_hex(tx.to_bytes())}}).contains("txid"));
  const json to = result("get_account", {{"address", address_from_pubkey(test_key(5).pubkey())}});
  EXPECT_EQ(to["pending_in"], Amount::coins(2).atomic());
  EXPECT_EQ(to["pending_in_txs"], 1);
  EXPECT_EQ(to["pending_out"], 0);
  EXPECT_EQ(to["balance"], Amount::coins(1000).atomic()) << "not in the balance until its block";
  const json from = result("get_account", {{"address", address_from_pubkey(test_key(1).pubkey())}});
  EXPECT_EQ(from["pending_out"], Amount::coins(2).atomic() + tx.fee.atomic());
  EXPECT_EQ(from["pending_out_txs"], 1);
  EXPECT_EQ(from["pending_in"], 0);
}

}  // namespace
}  // namespace swarmchain::test
