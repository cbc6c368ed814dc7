// The explorer's history methods (rpc/explorer_history_api.h, docs/rpc.md): get_chain_stats
// serves each block's time, interval, txs and indexed counts oldest first (null counts for
// blocks from before the index); get_service_node_history serves a node's events newest first,
// paged by height; bad params are -32602 naming the param.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "common/address.h"
#include "common/hex.h"
#include "rpc/explorer_history_api.h"
#include "tests/chain/raw_store.h"
#include "tests/rpc/registry_api_fixture.h"

namespace swarmchain::test {
namespace {

using json = nlohmann::json;

class ExplorerHistoryApiTest : public RegistryApiTest {
 protected:
  ExplorerHistoryApiTest() { rpc::register_explorer_history_methods(d, *chain); }

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
  uint64_t time_of(uint64_t h) const { return chain->store().block_at(Height(h))->header.time_ms; }
};

TEST_F(ExplorerHistoryApiTest, ChainStatsServeEveryBlockOldestFirstWithIntervalsAndCounts) {
  commit({make_transfer(chain->chain_id(), test_key(1), 0, test_key(2).pubkey(), Amount::coins(1))});
  commit();
  commit({awaiting_registration_tx()});
  const json r = result("get_chain_stats");
  EXPECT_EQ(r["tip_height"], 3);
  const json& points = r["points"];
  ASSERT_EQ(points.size(), 4u);  // heights 0..3: fewer than the default 200
  for (uint64_t h = 0; h < 4; ++h) {
    const json& p = points[h];
    EXPECT_EQ(p["height"], h);
    EXPECT_EQ(p["time_ms"], time_of(h));
    if (h == 0) {
      EXPECT_TRUE(p["interval_ms"].is_null());
    } else {
      EXPECT_EQ(p["interval_ms"], time_of(h) - time_of(h - 1));
    }
    EXPECT_EQ(p["active"], kGenesisNodes);
    EXPECT_EQ(p["decommissioned"], 0);
    EXPECT_EQ(p["rewards_paid"], h == 0 ? 0 : genesis.params.block_reward.atomic());
    EXPECT_GE(p["swarms"].get<uint64_t>(), 2u);
  }
  EXPECT_EQ(points[1]["tx_count"], 1);
  EXPECT_EQ(points[2]["tx_count"], 0);
  EXPECT_EQ(points[2]["awaiting"], 0);
  EXPECT_EQ(points[3]["awaiting"], 1);
  EXPECT_EQ(points[0].size(), 9u);  // exactly the contract's fields
}

TEST_F(ExplorerHistoryApiTest, ChainStatsTakeCountAndBeforeHeightAndClampToTheTip) {
  for (int i = 0; i < 5; ++i) commit();
  json r = result("get_chain_stats", {{"count", 2}, {"before_height", 4}});
  ASSERT_EQ(r["points"].size(), 2u);
  EXPECT_EQ(r["points"][0]["height"], 2);
  EXPECT_EQ(r["points"][0]["interval_ms"], time_of(2) - time_of(1));  // its parent read too
  EXPECT_EQ(r["points"][1]["height"], 3);
  r = result("get_chain_stats", {{"count", 3}, {"before_height", 1'000'000}});
  ASSERT_EQ(r["points"].size(), 3u);
  EXPECT_EQ(r["points"][2]["height"], 5);  // the tip
  EXPECT_TRUE(result("get_chain_stats", {{"before_height", 0}})["points"].empty());
  EXPECT_EQ(result("get_chain_stats", {{"count", 2000}})["points"].size(), 6u);
  EXPECT_EQ(result("get_chain_stats", {{"count", nullptr}})["points"].size(), 6u);  // null: default
}

TEST_F(ExplorerHistoryApiTest, ChainStatsRefuseBadParamsNamingThem) {
  expect_invalid("get_chain_stats", {{"count", 0}}, "'count' must be in 1..2000");
  expect_invalid("get_chain_stats", {{"count", 2001}}, "'count' must be in 1..2000");
  expect_invalid("get_chain_stats", {{"count", "10"}}, "'count'");
  expect_invalid("get_chain_stats", {{"before_height", -1}}, "'before_height'");
  expect_invalid("get_chain_stats", {{"before_height", 1.5}}, "'before_height'");
  expect_invalid("get_chain_stats", {{"from", 1}}, "unknown param 'from'");
}

// Drops the local index column families, as a schema-5 store written before them has none.
void drop_local_indexes(const std::filesystem::path& dir) {
  RawStore raw(dir);
  raw.drop("block_stats");
  raw.drop("sn_events");
}

TEST_F(ExplorerHistoryApiTest, BlocksFromBeforeTheIndexHaveNullCountsButTheirTimesAndTxs) {
  commit({make_transfer(chain->chain_id(), test_key(1), 0, test_key(2).pubkey(), Amount::coins(1))});
  const PubKey node = register_awaiting_node();  // block 2
  d = rpc::Dispatcher();
  mempool.reset();
  chain.reset();
  drop_local_indexes(dir.path());
  auto reopened = Blockchain::open(dir.path(), genesis);
  ASSERT_TRUE(reopened) << reopened.error().message();
  chain = std::move(*reopened);
  rpc::register_explorer_history_methods(d, *chain);
  commit();  // block 3: indexed
  const json points = result("get_chain_stats")["points"];
  ASSERT_EQ(points.size(), 4u);
  for (uint64_t h = 0; h < 3; ++h) {
    EXPECT_EQ(points[h]["time_ms"], time_of(h));
    for (const char* f : {"active", "decommissioned", "awaiting", "swarms", "rewards_paid"})
      EXPECT_TRUE(points[h][f].is_null()) << h << " " << f;
  }
  EXPECT_EQ(points[1]["tx_count"], 1);
  EXPECT_EQ(points[3]["interval_ms"], time_of(3) - time_of(2));
  EXPECT_EQ(points[3]["awaiting"], 1);
  EXPECT_EQ(points[3]["active"], kGenesisNodes);
  // Its registration came before the index: its history starts after it (here: nothing).
  const json r = result("get_service_node_history", {{"pubkey", to_hex(node)}});
  EXPECT_TRUE(r["events"].empty());
}

TEST_F(ExplorerHistoryApiTest, ANodesHistoryIsNewestFirstWithTimesReasonsAndAmounts) {
  const PubKey node = register_awaiting_node();                                     // 1
  commit({signed_tx(test_key(5), StakePayload{node, Amount::coins(20)})});          // 2
  commit({signed_tx(test_key(4), RequestUnlockPayload{node})});                     // 3
  const json r = result("get_service_node_history", {{"pubkey", to_hex(node)}});
  EXPECT_EQ(r["pubkey"], to_hex(node));
  EXPECT_TRUE(r["next_before"].is_null());
  const json& ev = r["events"];
  ASSERT_EQ(ev.size(), 3u) << ev.dump();
  EXPECT_EQ(ev[0]["kind"], "unlock_requested");
  EXPECT_EQ(ev[0]["height"], 3);
  EXPECT_EQ(ev[0]["time_ms"], time_of(3));
  EXPECT_FALSE(ev[0].contains("amount"));
  EXPECT_NE(ev[0]["reason"].get<std::string>().find(address_from_pubkey(test_key(4).pubkey())),
            std::string::npos);
  EXPECT_EQ(ev[1]["kind"], "contribution");
  EXPECT_EQ(ev[1]["amount"], Amount::coins(20).atomic());
  EXPECT_EQ(ev[2]["kind"], "registered");
  EXPECT_EQ(ev[2]["amount"], Amount::coins(40).atomic());
  EXPECT_EQ(ev[2]["time_ms"], time_of(1));
  EXPECT_EQ(ev[2].size(), 5u);  // height, time_ms, kind, reason, amount

  // Pages by height: limit 1 walks the three blocks.
  json page = result("get_service_node_history", {{"pubkey", to_hex(node)}, {"limit", 1}});
  ASSERT_EQ(page["events"].size(), 1u);
  EXPECT_EQ(page["next_before"], 3);
  page = result("get_service_node_history",
                {{"pubkey", to_hex(node)}, {"limit", 1}, {"before_height", 3}});
  ASSERT_EQ(page["events"].size(), 1u);
  EXPECT_EQ(page["events"][0]["kind"], "contribution");
  EXPECT_EQ(page["next_before"], 2);
  page = result("get_service_node_history",
                {{"pubkey", to_hex(node)}, {"limit", 1}, {"before_height", 2}});
  EXPECT_EQ(page["events"][0]["kind"], "registered");
  EXPECT_TRUE(page["next_before"].is_null());
}

TEST_F(ExplorerHistoryApiTest, AGenesisNodeWasRegisteredAndActivatedAtHeightZero) {
  const json ev =
      result("get_service_node_history", {{"pubkey", to_hex(sn_key(0).pubkey())}})["events"];
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["kind"], "activated");
  EXPECT_EQ(ev[1]["kind"], "registered");
  EXPECT_EQ(ev[1]["height"], 0);
  EXPECT_EQ(ev[1]["time_ms"], genesis.genesis_time_ms);
  EXPECT_EQ(ev[1]["amount"], genesis.params.staking_requirement.atomic());
}

TEST_F(ExplorerHistoryApiTest, DoubleSigningEvidenceIsADeregistrationWithItsReason) {
  const PubKey pk = chain->committee(chain->tip().header.height.next()).at(1);
  std::optional<KeyPair> offender;
  for (std::size_t k = 0; k < kGenesisNodes; ++k)
    if (sn_key(k).pubkey() == pk) offender = sn_key(k);
  ASSERT_TRUE(offender);
  const auto vote = [&](uint8_t byte) {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.height = Height(1);
    v.round = 2;
    v.block_hash.data.fill(byte);
    v.validator = pk;
    v.sign(*offender, chain->chain_id());
    return v;
  };
  Tx evidence;
  evidence.chain_id = chain->chain_id();
  evidence.sender = test_key(3).pubkey();
  evidence.payload = EvidencePayload{vote(0xaa), vote(0xbb)};
  evidence.sign(test_key(3));
  commit({evidence});
  const json ev = result("get_service_node_history", {{"pubkey", to_hex(pk)}})["events"];
  ASSERT_GE(ev.size(), 1u);
  EXPECT_EQ(ev[0]["kind"], "deregistered");
  EXPECT_EQ(ev[0]["height"], 1);
  EXPECT_NE(ev[0]["reason"].get<std::string>().find("double signing"), std::string::npos)
      << ev[0]["reason"];
  EXPECT_EQ(result("get_chain_stats")["points"][1]["active"], kGenesisNodes - 1);
}

TEST_F(ExplorerHistoryApiTest, APubkeyNeverSeenHasNoEventsAndBadParamsAreRefused) {
  const json r = result("get_service_node_history", {{"pubkey", std::string(64, 'a')}});
  EXPECT_TRUE(r["events"].empty());
  EXPECT_TRUE(r["next_before"].is_null());
  const std::string pk = to_hex(sn_key(0).pubkey());
  expect_invalid("get_service_node_history", json::object(), "'pubkey' is required");
  expect_invalid("get_service_node_history", {{"pubkey", "abc"}}, "'pubkey' must be 64 hex digits");
  expect_invalid("get_service_node_history", {{"pubkey", std::string(64, 'z')}}, "not hex");
  expect_invalid("get_service_node_history", {{"pubkey", pk}, {"limit", 0}},
                 "'limit' must be in 1..500");
  expect_invalid("get_service_node_history", {{"pubkey", pk}, {"limit", 501}},
                 "'limit' must be in 1..500");
  expect_invalid("get_service_node_history", {{"pubkey", pk}, {"before_height", "9"}},
                 "'before_height'");
  expect_invalid("get_service_node_history", {{"pubkey", pk}, {"before", 9}},
                 "unknown param 'before'");
}

}  // namespace
}  // namespace swarmchain::test
