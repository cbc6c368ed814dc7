// The account history of a real store (chain/store.h): a block's events (rewards) are written
// in its own batch with its txs, survive a reopen, and are paged newest first with a cursor;
// a store of an older schema is refused with a message that says what to do.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <set>

#include "chain/blockchain.h"
#include "common/hex.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

using test::make_transfer;
using test::TempDir;
using test::test_genesis;
using test::test_key;

class AccountHistoryTest : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis(4, Amount::coins(1000));
  TempDir dir{"swarmchain-history-itest"};
  const PubKey op = test_key(201).pubkey();  // operator of the only service node: every reward

  std::unique_ptr<Blockchain> open_ok() const {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    return bc ? std::move(*bc) : nullptr;
  }
  static void commit(Blockchain& bc, const std::vector<Tx>& txs) {
    Block b;
    bc.with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = bc.executor().build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500,
                                       test_key(200).pubkey());
      EXPECT_TRUE(built.skipped.empty());
      b = std::move(built.block);
    });
    Status s = bc.commit(b, solo_certificate(bc.chain_id(), b.header.height, b.hash(), test_key(200)));
    ASSERT_TRUE(s) << s.message();
  }
  // Key 1 pays the operator `coins` (so its history mixes txs and rewards).
  static Tx pay_operator(const Blockchain& bc, uint64_t coins) {
    const uint64_t nonce = bc.account(test_key(1).pubkey()).value_or(Account{}).nonce;
    return make_transfer(bc.chain_id(), test_key(1), nonce, test_key(201).pubkey(),
                         Amount::coins(coins));
  }
  static std::vector<AccountHistoryEntry> all(const Blockchain& bc, const PubKey& pk) {
    auto h = bc.store().account_history(pk, 10'000);
    EXPECT_TRUE(h) << h.error().message();
    return h ? *h : std::vector<AccountHistoryEntry>{};
  }
};

TEST_F(AccountHistoryTest, EveryBlocksRewardIsInTheHistoryAfterAReopenNewestFirst) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    for (int i = 0; i < 5; ++i) commit(*bc, {});
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  const auto history = all(*bc, op);
  ASSERT_EQ(history.size(), 5u);
  for (std::size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].position.height, Height(5 - i));
    EXPECT_EQ(history[i].position.slot, kEventSlotBase);
    const AccountEvent* e = history[i].event();
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->kind, AccountEventKind::kReward);
    EXPECT_EQ(e->account, op);
    EXPECT_EQ(e->amount, genesis.params.block_reward);
    EXPECT_EQ(e->sn_pubkey, test_key(200).pubkey());
  }
}

TEST_F(AccountHistoryTest, TxsAndEventsOfOneBlockAreOrderedTxsFirstAndPagedWithoutGapsOrRepeats) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  commit(*bc, {pay_operator(*bc, 1)});
  commit(*bc, {});
  commit(*bc, {pay_operator(*bc, 2)});
  // In block 3 (tx index 0 then the reward); key 1's nonce advances with each payment.
  const auto full = all(*bc, op);
  ASSERT_EQ(full.size(), 5u);  // 2 txs + 3 rewards
  EXPECT_EQ(full[0].position, (HistoryPosition{Height(3), kEventSlotBase}));
  ASSERT_NE(full[0].event(), nullptr);
  EXPECT_EQ(full[1].position, (HistoryPosition{Height(3), 0}));
  ASSERT_NE(full[1].txid(), nullptr);
  EXPECT_EQ(*full[1].txid(), bc->store().block_at(Height(3))->txs[0].id());
  EXPECT_NE(full[2].event(), nullptr);
  EXPECT_EQ(full[2].position.height, Height(2));

  for (std::size_t page = 1; page <= 4; ++page) {
    std::vector<AccountHistoryEntry> walked;
    std::optional<HistoryPosition> before;
    for (int guard = 0; guard < 10; ++guard) {
      auto got = bc->store().account_history(op, page, before);
      ASSERT_TRUE(got);
      if (got->empty()) break;
      EXPECT_LE(got->size(), page);
      walked.insert(walked.end(), got->begin(), got->end());
      before = got->back().position;
    }
    ASSERT_EQ(walked.size(), full.size()) << "page size " << page;
    for (std::size_t i = 0; i < full.size(); ++i)
      EXPECT_EQ(walked[i].position, full[i].position) << "page size " << page << " entry " << i;
  }
  // A cursor between the two lists of one block: before the reward of block 3 is its tx.
  auto after_reward = bc->store().account_history(op, 1, HistoryPosition{Height(3), kEventSlotBase});
  ASSERT_TRUE(after_reward);
  ASSERT_EQ(after_reward->size(), 1u);
  EXPECT_EQ((*after_reward)[0].position, (HistoryPosition{Height(3), 0}));
  // Other accounts have their own lists; the sender sees only its txs.
  EXPECT_EQ(all(*bc, test_key(1).pubkey()).size(), 2u);
  EXPECT_TRUE(all(*bc, test_key(99).pubkey()).empty());
}

TEST_F(AccountHistoryTest, ARefusedBlockLeavesNoEventsBehind) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  commit(*bc, {});
  Block b;
  bc->with_state([&](const ChainState& state, const ChainTip& tip) {
    b = bc->executor().build(state, tip.header, tip.cert, {}, tip.header.time_ms + 500,
                             test_key(200).pubkey()).block;
  });
  // Certified by a key outside the committee: refused before anything is written.
  ASSERT_FALSE(bc->commit(b, solo_certificate(bc->chain_id(), b.header.height, b.hash(), test_key(1))));
  EXPECT_EQ(all(*bc, op).size(), 1u);
  bc.reset();
  bc = open_ok();
  ASSERT_TRUE(bc);
  EXPECT_EQ(all(*bc, op).size(), 1u);
  EXPECT_EQ(bc->tip().header.height, Height(1));
}

// What an older swarmchaind left: its schema number, and no account_events column family.
void make_old_schema(const std::filesystem::path& dir, uint32_t schema, bool drop_events) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), descs, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "meta") {
      std::string v(4, '\0');
      for (int b = 3; b >= 0; --b, schema >>= 8) v[static_cast<std::size_t>(b)] = static_cast<char>(schema & 0xff);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], "schema", v).ok());
    }
    if (names[i] == "account_events" && drop_events) {
      ASSERT_TRUE(db->DropColumnFamily(handles[i]).ok());
    }
  }
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(AccountHistoryTest, AStoreOfTheSchemaBeforeTheEventIndexIsRefusedSayingToResync) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit(*bc, {});
  }
  make_old_schema(dir.path(), 4, /*drop_events=*/true);
  auto refused = Blockchain::open(dir.path(), genesis);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code_as<StoreError>(), StoreError::kOldSchema);
  const std::string& msg = refused.error().message();
  for (const std::string& needle : {dir.path().string(), std::string("older swarmchaind"),
                                   std::string("store schema 4"), std::string("reads schema 5"),
                                   std::string("resync")})
    EXPECT_NE(msg.find(needle), std::string::npos) << "'" << needle << "' missing from: " << msg;
  // Refused, not altered: the old version could still open it.
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path().string(), &names).ok());
  EXPECT_EQ(std::count(names.begin(), names.end(), "account_events"), 0);
}

TEST_F(AccountHistoryTest, AStoreOfAnotherSchemaNumberIsRefusedEvenWithEveryColumnFamily) {
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
  }
  make_old_schema(dir.path(), 6, /*drop_events=*/false);
  auto newer = Blockchain::open(dir.path(), genesis);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code_as<StoreError>(), StoreError::kOldSchema);
  EXPECT_NE(newer.error().message().find("newer swarmchaind (store schema 6"), std::string::npos)
      << newer.error().message();
  make_old_schema(dir.path(), 4, /*drop_events=*/false);
  auto older = Blockchain::open(dir.path(), genesis);
  ASSERT_FALSE(older);
  EXPECT_NE(older.error().message().find("older swarmchaind (store schema 4"), std::string::npos)
      << older.error().message();
}

}  // namespace
}  // namespace swarmchain
