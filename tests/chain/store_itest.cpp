// Blockchain + BlockStore on a real RocksDB directory (design §4.3): initialisation from genesis,
// reopening, the read indexes, and the refusals that must leave a datadir untouched.
#include "chain/blockchain.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "common/hex.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

namespace fs = std::filesystem;
using test::make_transfer;
using test::test_genesis;
using test::TempDir;
using test::test_key;

class StoreTest : public ::testing::Test {
 protected:
  Genesis genesis = test_genesis(4, Amount::coins(1000));
  KeyPair sn = test_key(200);
  TempDir dir{"swarmchain-store-itest"};

  std::unique_ptr<Blockchain> open_ok(const Genesis& g) const {
    auto bc = Blockchain::open(dir.path(), g);
    EXPECT_TRUE(bc) << bc.error().message();
    return bc ? std::move(*bc) : nullptr;
  }
  std::unique_ptr<Blockchain> open_ok() const { return open_ok(genesis); }

  CommitCertificate certify(const Blockchain& bc, const Block& b, const KeyPair& signer) const {
    return solo_certificate(bc.chain_id(), b.header.height, b.hash(), signer);
  }

  // The next block on `bc`'s tip with `txs` (all must apply).
  Block next_block(const Blockchain& bc, const std::vector<Tx>& txs) const {
    Block out;
    bc.with_state([&](const ChainState& state, const ChainTip& tip) {
      auto built = bc.executor().build(state, tip.header, tip.cert, txs, tip.header.time_ms + 500,
                                       sn.pubkey());
      EXPECT_TRUE(built.skipped.empty());
      out = std::move(built.block);
    });
    return out;
  }

  void commit(Blockchain& bc, const std::vector<Tx>& txs) const {
    const Block b = next_block(bc, txs);
    Status s = bc.commit(b, certify(bc, b, sn));
    ASSERT_TRUE(s) << s.message();
  }

  Tx transfer(const Blockchain& bc, uint8_t from, uint8_t to, Amount amount) const {
    const uint64_t nonce = bc.account(test_key(from).pubkey()).value_or(Account{}).nonce;
    return make_transfer(bc.chain_id(), test_key(from), nonce, test_key(to).pubkey(), amount);
  }

  // Three blocks: 1→2 and 3→1 in block 1, 1→2 in block 2, 2→4 in block 3.
  void commit_three_blocks(Blockchain& bc) const {
    commit(bc, {transfer(bc, 1, 2, Amount::coins(1)), transfer(bc, 3, 1, Amount::coins(2))});
    commit(bc, {transfer(bc, 1, 2, Amount::coins(3))});
    commit(bc, {transfer(bc, 2, 4, Amount::coins(4))});
  }

  static std::map<PubKey, Account> accounts_of(const Blockchain& bc) {
    std::map<PubKey, Account> out;
    bc.with_state([&](const ChainState& s, const ChainTip&) {
      s.accounts.for_each([&](const PubKey& pk, const Account& a) { out[pk] = a; });
    });
    return out;
  }
  static Hash state_root_of(const Blockchain& bc) {
    Hash root;
    bc.with_state([&](const ChainState& s, const ChainTip&) { root = s.accounts.root(); });
    return root;
  }
};

// The files under `dir` with their contents (recursive), to prove a refusal touched nothing.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file()) {
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      out[rel] = content.str();
    } else {
      out[rel] = "<dir>";
    }
  }
  return out;
}

TEST_F(StoreTest, OpeningAMissingDirectoryInitialisesItFromGenesis) {
  ASSERT_FALSE(fs::exists(dir.path()));
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  const Block gblock = bc->executor().genesis_block();
  const ChainTip tip = bc->tip();
  EXPECT_EQ(tip.header.height, Height(0));
  EXPECT_EQ(tip.hash, gblock.hash());
  EXPECT_FALSE(tip.cert);
  EXPECT_EQ(state_root_of(*bc), gblock.header.state_root);
  EXPECT_EQ(bc->account(test_key(3).pubkey()), (Account{Amount::coins(1000), 0}));
  EXPECT_EQ(bc->account(test_key(5).pubkey()), std::nullopt);
  auto stored = bc->store().block_at(Height(0));
  ASSERT_TRUE(stored) << stored.error().message();
  EXPECT_EQ(*stored, gblock);
  EXPECT_EQ(test::read_ok(bc->store().height_of(gblock.hash())), Height(0));
}

TEST_F(StoreTest, OpeningAnEmptyDirectoryInitialisesItFromGenesis) {
  fs::create_directories(dir.path());
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->tip().hash, bc->executor().genesis_block().hash());
}

TEST_F(StoreTest, ReopeningGivesTheSameTipStateRootAndAccounts) {
  ChainTip tip;
  Hash root;
  std::map<PubKey, Account> accounts;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit_three_blocks(*bc);
    tip = bc->tip();
    root = state_root_of(*bc);
    accounts = accounts_of(*bc);
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->tip().header, tip.header);
  EXPECT_EQ(bc->tip().hash, tip.hash);
  EXPECT_EQ(bc->tip().cert, tip.cert);
  EXPECT_EQ(tip.header.height, Height(3));
  EXPECT_EQ(state_root_of(*bc), root);
  EXPECT_EQ(root, tip.header.state_root);
  EXPECT_EQ(accounts_of(*bc), accounts);
  EXPECT_EQ(bc->account(test_key(4).pubkey()), (Account{Amount::coins(1004), 0}));
}

TEST_F(StoreTest, DeferredCommitsAreThereAfterSyncAndReopen) {
  ChainTip tip;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    for (int i = 0; i < 3; ++i) {  // as sync applies a run: no fsync per block, one at the end
      const Block b = next_block(*bc, {});
      auto executed = bc->validate(b);
      ASSERT_TRUE(executed) << executed.error().message();
      Status s = bc->commit(b, certify(*bc, b, sn), std::move(*executed), Durability::kDeferred);
      ASSERT_TRUE(s) << s.message();
    }
    Status synced = bc->sync_store();
    ASSERT_TRUE(synced) << synced.message();
    tip = bc->tip();
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->tip().header.height, Height(3));
  EXPECT_EQ(bc->tip().hash, tip.hash);
  EXPECT_EQ(state_root_of(*bc), tip.header.state_root);
}

TEST_F(StoreTest, ReopenedStoreServesEveryBlockAndCertificateByHeightAndHash) {
  std::vector<Block> blocks;
  std::vector<CommitCertificate> certs;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit_three_blocks(*bc);
    for (uint64_t h = 1; h <= 3; ++h) {
      blocks.push_back(*bc->store().block_at(Height(h)));
      certs.push_back(*test::read_ok(bc->store().certificate_at(Height(h))));
    }
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  for (uint64_t h = 1; h <= 3; ++h) {
    auto b = bc->store().block_at(Height(h));
    ASSERT_TRUE(b) << b.error().message();
    EXPECT_EQ(*b, blocks[h - 1]);
    EXPECT_EQ(test::read_ok(bc->store().certificate_at(Height(h))), certs[h - 1]);
    EXPECT_EQ(test::read_ok(bc->store().height_of(b->hash())), Height(h));
  }
  EXPECT_EQ(bc->store().block_at(Height(4)).error().code_as<StoreError>(), StoreError::kMissing);
  EXPECT_EQ(test::read_ok(bc->store().certificate_at(Height(4))), std::nullopt);
  Hash unknown;
  unknown.data[0] = 0x42;
  EXPECT_EQ(test::read_ok(bc->store().height_of(unknown)), std::nullopt);
}

TEST_F(StoreTest, ReopenedStoreFindsEveryTxByItsId) {
  std::vector<Block> blocks;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit_three_blocks(*bc);
    for (uint64_t h = 1; h <= 3; ++h) blocks.push_back(*bc->store().block_at(Height(h)));
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  for (const Block& b : blocks) {
    for (uint32_t i = 0; i < b.txs.size(); ++i) {
      auto loc = test::read_ok(bc->store().find_tx(b.txs[i].id()));
      ASSERT_TRUE(loc);
      EXPECT_EQ(loc->height, b.header.height);
      EXPECT_EQ(loc->index, i);
    }
  }
  EXPECT_EQ(test::read_ok(bc->store().find_tx(Hash{})), std::nullopt);
}

TEST_F(StoreTest, ReopenedStoreListsAnAccountsTxsNewestFirst) {
  std::vector<Block> blocks;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit_three_blocks(*bc);
    for (uint64_t h = 1; h <= 3; ++h) blocks.push_back(*bc->store().block_at(Height(h)));
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  // Key 1 sent in block 1 (index 0) and block 2 (index 0), and received in block 1 (index 1).
  const auto history = (*bc->store().account_history(test_key(1).pubkey(), 10));
  ASSERT_EQ(history.size(), 3u);
  const auto expect_tx = [](const AccountHistoryEntry& e, uint64_t h, uint32_t index,
                            const TxId& id) {
    EXPECT_EQ(e.position, (HistoryPosition{Height(h), index}));
    ASSERT_NE(e.txid(), nullptr);
    EXPECT_EQ(*e.txid(), id);
  };
  expect_tx(history[0], 2, 0, blocks[1].txs[0].id());
  expect_tx(history[1], 1, 1, blocks[0].txs[1].id());
  expect_tx(history[2], 1, 0, blocks[0].txs[0].id());
  // The limit keeps the newest; other accounts have their own lists.
  const auto newest = (*bc->store().account_history(test_key(1).pubkey(), 1));
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].position.height, Height(2));
  EXPECT_EQ((*bc->store().account_history(test_key(4).pubkey(), 10)).size(), 1u);
  EXPECT_TRUE((*bc->store().account_history(test_key(99).pubkey(), 10)).empty());
}

TEST_F(StoreTest, ReopeningWithAnotherGenesisIsRefusedAsAForeignChainNamingBothIds) {
  Hash tip_hash;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit_three_blocks(*bc);
    tip_hash = bc->tip().hash;
  }
  Genesis other = genesis;
  other.network = "other";
  auto refused = Blockchain::open(dir.path(), other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code_as<StoreError>(), StoreError::kForeignChain);
  const std::string& msg = refused.error().message();
  EXPECT_NE(msg.find(to_hex(genesis.chain_id())), std::string::npos) << msg;
  EXPECT_NE(msg.find(to_hex(other.chain_id())), std::string::npos) << msg;

  auto bc = open_ok();  // the store is as it was
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->tip().header.height, Height(3));
  EXPECT_EQ(bc->tip().hash, tip_hash);
}

TEST_F(StoreTest, DirectoryWithUnrelatedFilesIsRefusedAndLeftUntouched) {
  fs::create_directories(dir.path() / "photos");
  std::ofstream(dir.path() / "notes.txt") << "my notes, not a blockchain\n";
  std::ofstream(dir.path() / "photos" / "cat.jpg") << "\xff\xd8\xff";
  const auto before = snapshot(dir.path());
  auto refused = Blockchain::open(dir.path(), genesis);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code_as<StoreError>(), StoreError::kNotADatadir);
  EXPECT_NE(refused.error().message().find(dir.path().string()), std::string::npos);
  EXPECT_EQ(snapshot(dir.path()), before);
}

TEST_F(StoreTest, BlockWithABadCertificateIsRefusedAndNothingIsWritten) {
  Block refused_block;
  {
    auto bc = open_ok();
    ASSERT_TRUE(bc);
    commit(*bc, {transfer(*bc, 1, 2, Amount::coins(1))});
    refused_block = next_block(*bc, {transfer(*bc, 2, 3, Amount::coins(5))});
    Status s = bc->commit(refused_block, certify(*bc, refused_block, test_key(1)));  // not the SN
    ASSERT_FALSE(s);
    EXPECT_EQ(s.code_as<BlockError>(), BlockError::kBadLastCommit);
    EXPECT_EQ(bc->tip().header.height, Height(1));
    EXPECT_EQ(bc->account(test_key(2).pubkey()), (Account{Amount::coins(1001), 0}));
  }
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->tip().header.height, Height(1));
  EXPECT_EQ(bc->store().block_at(Height(2)).error().code_as<StoreError>(), StoreError::kMissing);
  EXPECT_EQ(test::read_ok(bc->store().height_of(refused_block.hash())), std::nullopt);
  EXPECT_EQ(test::read_ok(bc->store().find_tx(refused_block.txs[0].id())), std::nullopt);
  EXPECT_EQ((*bc->store().account_history(test_key(3).pubkey(), 10)).size(), 0u);
  EXPECT_EQ(bc->account(test_key(2).pubkey()), (Account{Amount::coins(1001), 0}));
}

TEST_F(StoreTest, CertificateForAnotherBlockIsRefused) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  const Block b = next_block(*bc, {});
  Block other = b;
  other.header.time_ms += 1;
  Status s = bc->commit(b, certify(*bc, other, sn));
  ASSERT_FALSE(s);
  EXPECT_EQ(bc->tip().header.height, Height(0));
}

TEST_F(StoreTest, InvalidBlockIsRefusedAndTheTipStays) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  Block b = next_block(*bc, {transfer(*bc, 1, 2, Amount::coins(1))});
  b.header.state_root.data[0] ^= 1;
  Status s = bc->commit(b, certify(*bc, b, sn));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code_as<BlockError>(), BlockError::kBadStateRoot);
  EXPECT_EQ(bc->tip().header.height, Height(0));
  EXPECT_EQ(bc->account(test_key(1).pubkey()), (Account{Amount::coins(1000), 0}));
}

class RecordingListener : public ChainListener {
 public:
  void on_block_committed(const Block& block, const CommitCertificate& cert) override {
    heights.push_back(block.header.height);
    EXPECT_EQ(cert.block_hash, block.hash());
  }
  std::vector<Height> heights;
};

TEST_F(StoreTest, ListenersHearOfEveryCommittedBlockAndNotOfRefusedOnes) {
  auto bc = open_ok();
  ASSERT_TRUE(bc);
  RecordingListener listener;
  bc->add_listener(&listener);
  commit(*bc, {});
  Block bad = next_block(*bc, {});
  bad.header.time_ms = 0;
  EXPECT_FALSE(bc->commit(bad, certify(*bc, bad, sn)));
  commit(*bc, {});
  EXPECT_EQ(listener.heights, (std::vector<Height>{Height(1), Height(2)}));
}

}  // namespace
}  // namespace swarmchain
