// The explorer's local indexes in a real store (chain/store.h "Local indexes"): every block's
// stats (checked against a plain recount of the registry) and every service-node event are
// written with the block, survive a reopen, and page by whole blocks; a schema-5 store from
// before the indexes opens, gains them, and reports no stats for the blocks it held.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <set>

#include "chain/blockchain.h"
#include "common/address.h"
#include "tests/chain/raw_store.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

using test::make_transfer;
using test::RawStore;
using test::read_ok;
using test::TempDir;
using test::test_genesis;
using test::test_key;

// The stats of a state, counted record by record (the rule as written in block_stats.h).
BlockStats recount(const ChainState& s) {
  BlockStats out;
  out.time_ms = s.time_ms;
  std::set<SwarmId> swarms;
  s.registry.for_each([&](const ServiceNode& sn) {
    if (sn.state == NodeState::kActive) ++out.active;
    if (sn.state == NodeState::kDecommissioned) ++out.decommissioned;
    if (sn.state == NodeState::kAwaiting) ++out.awaiting;
    if (sn.is_active() && sn.swarm_id != kUnassignedSwarm) swarms.insert(sn.swarm_id);
  });
  out.swarms = swarms.size();
  return out;
}

class ExplorerIndexTest : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis(4, Amount::coins(1000));
  TempDir dir{"swarmchain-explorer-index-itest"};
  const KeyPair op = test_key(4);      // operator of the registered node
  const KeyPair helper = test_key(3);  // its other contributor
  const KeyPair node = test_key(150);

  std::unique_ptr<Blockchain> open_ok() const {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    return bc ? std::move(*bc) : nullptr;
  }
  // Commits the next block with `txs` (all must apply), `after_ms` after its parent, and checks
  // its stats against a recount of the state it leads to.
  static void commit(Blockchain& bc, const std::vector<Tx>& txs, uint64_t after_ms = 500) {
    Block b;
    bc.with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = bc.executor().build(state, tip.header, tip.cert, txs,
                                       tip.header.time_ms + after_ms, test_key(200).pubkey());
      EXPECT_TRUE(built.skipped.empty());
      b = std::move(built.block);
    });
    Status s =
        bc.commit(b, solo_certificate(bc.chain_id(), b.header.height, b.hash(), test_key(200)));
    ASSERT_TRUE(s) << s.message();
    const auto stats = read_ok(bc.store().block_stats(b.header.height));
    ASSERT_TRUE(stats) << "no stats for block " << b.header.height.to_string();
    BlockStats expected;
    bc.with_state([&](const ChainState& state, const ChainTip&) { expected = recount(state); });
    expected.tx_count = b.txs.size();
    // Rewards go to the genesis node's operator (201) or the new node's contributors (4, 3).
    uint64_t rewards = 0;
    for (uint8_t k : {201, 4, 3}) {
      auto history = bc.store().account_history(test_key(k).pubkey(), 4);
      ASSERT_TRUE(history);
      for (const AccountHistoryEntry& e : *history)
        if (e.position.height == b.header.height && e.event() &&
            e.event()->kind == AccountEventKind::kReward)
          rewards += e.event()->amount.atomic();
    }
    expected.rewards_paid = Amount(rewards);
    EXPECT_EQ(*stats, expected) << "block " << b.header.height.to_string();
  }
  Tx signed_tx(const Blockchain& bc, const KeyPair& from, TxPayload payload) const {
    Tx tx;
    tx.chain_id = bc.chain_id();
    tx.sender = from.pubkey();
    tx.nonce = bc.account(from.pubkey()).value_or(Account{}).nonce;
    tx.fee = Amount(100'000);
    tx.payload = std::move(payload);
    tx.sign(from);
    return tx;
  }
  // Key 4 registers node 150 for 40 coins, reserving 20 for key 3: it stays awaiting.
  Tx registration(const Blockchain& bc) const {
    Registration reg;
    reg.sn_pubkey = node.pubkey();
    reg.operator_address = op.pubkey();
    reg.fee_bps = 500;
    reg.reserved = {{op.pubkey(), Amount::coins(40)}, {helper.pubkey(), Amount::coins(20)}};
    reg.expiry_height = Height(1000);
    reg.sign(node, bc.chain_id());
    return signed_tx(bc, op, RegisterNodePayload{reg, Amount::coins(40)});
  }
  static std::vector<SnEvent> all_events(const Blockchain& bc, const PubKey& pk) {
    auto page = bc.store().sn_events(pk, 10'000);
    EXPECT_TRUE(page) << page.error().message();
    if (!page) return {};
    EXPECT_FALSE(page->next_before);
    return page->events;
  }
};

TEST_F(ExplorerIndexTest, TheGenesisBlockHasStatsAndItsNodesARegisteredAndActivatedEvent) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  const auto stats = read_ok(bc->store().block_stats(Height(0)));
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->time_ms, genesis.genesis_time_ms);
  EXPECT_EQ(stats->active, 1u);
  EXPECT_EQ(stats->awaiting, 0u);
  EXPECT_EQ(stats->swarms, 1u);
  EXPECT_EQ(stats->tx_count, 0u);
  EXPECT_EQ(stats->rewards_paid, Amount());
  const auto events = all_events(*bc, test_key(200).pubkey());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, SnEventKind::kActivated);  // newest first: slot 2^31, then 0
  EXPECT_EQ(events[1].kind, SnEventKind::kRegistered);
  EXPECT_EQ(events[1].amount, genesis.params.staking_requirement);
  EXPECT_NE(events[1].reason.find(address_from_pubkey(test_key(201).pubkey())), std::string::npos);
  EXPECT_FALSE(read_ok(bc->store().block_stats(Height(1))));
}

TEST_F(ExplorerIndexTest, EveryBlocksStatsMatchARecountAndSurviveAReopen) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit(*bc, {make_transfer(bc->chain_id(), test_key(1), 0, test_key(2).pubkey(), Amount::coins(1)),
                 make_transfer(bc->chain_id(), test_key(2), 0, test_key(1).pubkey(), Amount::coins(1))});
    commit(*bc, {registration(*bc)});  // awaiting
    commit(*bc, {signed_tx(*bc, helper, StakePayload{node.pubkey(), Amount::coins(60)})});
    commit(*bc, {}, 61'000);  // no proof for a minute: both nodes decommissioned
    commit(*bc, {});
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  const auto range = bc->store().block_stats_range(Height(1), Height(6));
  ASSERT_TRUE(range);
  ASSERT_EQ(range->size(), 5u);
  const std::vector<uint64_t> txs{2, 1, 1, 0, 0}, active{1, 1, 2, 0, 0}, awaiting{0, 1, 0, 0, 0},
      decommissioned{0, 0, 0, 2, 2};
  for (std::size_t i = 0; i < range->size(); ++i) {
    const auto& [h, s] = (*range)[i];
    EXPECT_EQ(h, Height(i + 1));
    EXPECT_EQ(s.tx_count, txs[i]) << "block " << i + 1;
    EXPECT_EQ(s.active, active[i]) << "block " << i + 1;
    EXPECT_EQ(s.awaiting, awaiting[i]) << "block " << i + 1;
    EXPECT_EQ(s.decommissioned, decommissioned[i]) << "block " << i + 1;
    EXPECT_EQ(s.time_ms, bc->store().block_at(h)->header.time_ms);
  }
  EXPECT_EQ((*range)[0].second.rewards_paid, genesis.params.block_reward);
  EXPECT_EQ((*range)[3].second.rewards_paid, Amount());  // nobody active, nobody paid
  const auto part = bc->store().block_stats_range(Height(2), Height(4));
  ASSERT_TRUE(part);
  ASSERT_EQ(part->size(), 2u);
  EXPECT_EQ(part->front().first, Height(2));
  EXPECT_TRUE(bc->store().block_stats_range(Height(4), Height(4))->empty());
}

TEST_F(ExplorerIndexTest, ANodesLifeIsItsEventsNewestFirstWithReasonsAndAmounts) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  commit(*bc, {registration(*bc)});                                                       // 1
  commit(*bc, {signed_tx(*bc, helper, StakePayload{node.pubkey(), Amount::coins(60)})});  // 2
  commit(*bc, {signed_tx(*bc, op, RequestUnlockPayload{node.pubkey()})});                 // 3
  const Height unlock_at(3 + genesis.params.unlock_delay_blocks);
  while (bc->tip().header.height < unlock_at) commit(*bc, {});
  const auto events = all_events(*bc, node.pubkey());
  const std::vector<std::pair<SnEventKind, uint64_t>> expected{
      {SnEventKind::kExpired, unlock_at.value},      {SnEventKind::kUnlockRequested, 3},
      {SnEventKind::kActivated, 2},                  {SnEventKind::kContribution, 2},
      {SnEventKind::kRegistered, 1}};
  ASSERT_EQ(events.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(events[i].kind, expected[i].first) << i << ": " << sn_event_kind_name(events[i].kind);
    EXPECT_EQ(events[i].height, Height(expected[i].second)) << i;
    EXPECT_EQ(events[i].sn_pubkey, node.pubkey());
  }
  EXPECT_EQ(events[0].amount, Amount::coins(100));  // both stakes back
  EXPECT_NE(events[0].reason.find("unlock completed"), std::string::npos) << events[0].reason;
  EXPECT_NE(events[1].reason.find("return at height " + unlock_at.to_string()), std::string::npos)
      << events[1].reason;
  EXPECT_FALSE(events[1].amount);
  EXPECT_FALSE(events[2].amount);
  EXPECT_GE(events[2].slot, kEventSlotBase);  // end of block, after its tx
  EXPECT_EQ(events[3].slot, 0u);
  EXPECT_EQ(events[3].amount, Amount::coins(60));
  EXPECT_NE(events[3].reason.find(address_from_pubkey(helper.pubkey())), std::string::npos);
  EXPECT_EQ(events[4].amount, Amount::coins(40));
  EXPECT_TRUE(all_events(*bc, test_key(99).pubkey()).empty());  // never seen: nothing
}

TEST_F(ExplorerIndexTest, PagesByHeightHoldWholeBlocksSoNoEventIsLostOrRepeated) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  commit(*bc, {registration(*bc)});                                                       // 1
  commit(*bc, {signed_tx(*bc, helper, StakePayload{node.pubkey(), Amount::coins(60)})});  // 2
  commit(*bc, {signed_tx(*bc, op, RequestUnlockPayload{node.pubkey()})});                 // 3
  const auto full = all_events(*bc, node.pubkey());  // heights 3, 2, 2, 1
  ASSERT_EQ(full.size(), 4u);
  for (std::size_t limit = 1; limit <= 4; ++limit) {
    std::vector<SnEvent> walked;
    std::optional<Height> before;
    for (int guard = 0; guard < 10; ++guard) {
      auto page = bc->store().sn_events(node.pubkey(), limit, before);
      ASSERT_TRUE(page);
      walked.insert(walked.end(), page->events.begin(), page->events.end());
      if (!page->next_before) break;
      EXPECT_EQ(*page->next_before, page->events.back().height);
      before = page->next_before;
    }
    EXPECT_EQ(walked, full) << "limit " << limit;
  }
  // Limit 1 from the top: block 3 alone; then block 2 whole (two events past the limit).
  auto first = bc->store().sn_events(node.pubkey(), 1);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->events.size(), 1u);
  EXPECT_EQ(first->next_before, Height(3));
  auto second = bc->store().sn_events(node.pubkey(), 1, Height(3));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->events.size(), 2u);
  EXPECT_EQ(second->next_before, Height(2));
  EXPECT_TRUE(bc->store().sn_events(node.pubkey(), 5, Height(1))->events.empty());
}

TEST_F(ExplorerIndexTest, AnUptimeProofRecommissionsAndTheEventSaysWhy) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  commit(*bc, {}, 61'000);  // the genesis node never proved: decommissioned
  const uint64_t t = bc->tip().header.time_ms + 500;
  commit(*bc, {make_uptime_proof(test_key(200), bc->chain_id(), t, UptimeContact{})});
  const auto events = all_events(*bc, test_key(200).pubkey());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].kind, SnEventKind::kRecommissioned);
  EXPECT_EQ(events[0].height, Height(2));
  EXPECT_EQ(events[1].kind, SnEventKind::kDecommissioned);
  EXPECT_EQ(events[1].height, Height(1));
  EXPECT_NE(events[1].reason.find("proof"), std::string::npos) << events[1].reason;
}

// Drops the local index column families, as a schema-5 store written before them has none.
void drop_local_indexes(const std::filesystem::path& dir) {
  RawStore raw(dir);
  raw.drop("block_stats");
  raw.drop("sn_events");
}

std::size_t count_local_indexes(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names).ok());
  return static_cast<std::size_t>(std::count(names.begin(), names.end(), "block_stats") +
                                  std::count(names.begin(), names.end(), "sn_events"));
}

TEST_F(ExplorerIndexTest, AStoreFromBeforeTheIndexesOpensGainsThemAndHasNoStatsForItsOldBlocks) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit(*bc, {registration(*bc)});
    commit(*bc, {});
  }
  drop_local_indexes(dir.path());
  ASSERT_EQ(count_local_indexes(dir.path()), 0u);
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    EXPECT_EQ(count_local_indexes(dir.path()), 2u);
    for (uint64_t h = 0; h <= 2; ++h) EXPECT_FALSE(read_ok(bc->store().block_stats(Height(h))));
    EXPECT_TRUE(bc->store().block_stats_range(Height(0), Height(3))->empty());
    EXPECT_TRUE(all_events(*bc, node.pubkey()).empty());
    // From the next block on, both indexes are written (commit() checks the stats).
    commit(*bc, {signed_tx(*bc, helper, StakePayload{node.pubkey(), Amount::coins(60)})});
    const auto events = all_events(*bc, node.pubkey());
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, SnEventKind::kActivated);
    EXPECT_EQ(events[1].kind, SnEventKind::kContribution);
  }
  auto bc = open_ok();  // and the next open finds them there
  ASSERT_TRUE(bc);
  EXPECT_TRUE(read_ok(bc->store().block_stats(Height(3))));
  EXPECT_FALSE(read_ok(bc->store().block_stats(Height(2))));
}

TEST_F(ExplorerIndexTest, AStoreRefusedForItsSchemaDoesNotGainTheIndexes) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
  }
  drop_local_indexes(dir.path());
  {
    test::RawStore raw(dir.path());
    raw.put("meta", "schema", std::string("\0\0\0\4", 4));  // schema 4, u32 BE
  }
  auto refused = Blockchain::open(dir.path(), genesis);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code_as<StoreError>(), StoreError::kOldSchema);
  EXPECT_EQ(count_local_indexes(dir.path()), 0u);
}

}  // namespace
}  // namespace swarmchain
