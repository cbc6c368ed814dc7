// The mempool saved at shutdown (node/mempool_file.h): the file round-trips, a truncated,
// damaged or foreign file is refused, and a reload re-admits what still applies, drops what a
// block took since, removes the file, and moves a damaged one aside without failing.
#include "node/mempool_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/file_util.h"
#include "tests/chain/test_util.h"

namespace swarmchain {
namespace {

namespace fs = std::filesystem;
using test::make_transfer;
using test::TempDir;
using test::test_key;

std::vector<Tx> transfers(const Hash& chain_id, uint8_t from, uint64_t first_nonce, int n) {
  std::vector<Tx> out;
  for (int i = 0; i < n; ++i)
    out.push_back(make_transfer(chain_id, test_key(from), first_nonce + uint64_t(i),
                                test_key(9).pubkey(), Amount(1'000 + uint64_t(i))));
  return out;
}

std::vector<TxId> ids(const std::vector<Tx>& txs) {
  std::vector<TxId> out;
  for (const Tx& tx : txs) out.push_back(tx.id());
  return out;
}

class MempoolFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_init();
    auto bc = Blockchain::open(dir_.path() / "chain", test::test_genesis());
    ASSERT_TRUE(bc) << bc.error().message();
    chain_ = std::move(*bc);
    pool_ = fresh_pool();
  }
  std::unique_ptr<Mempool> fresh_pool() const {
    return std::make_unique<Mempool>(chain_->chain_id(), MempoolLimits{},
                                     chain_->executor().registry_params());
  }
  void admit(const std::vector<Tx>& txs) {
    chain_->with_state([&](const ChainState& state, const ChainTip&) {
      for (const auto& r : pool_->add_batch(txs, state)) ASSERT_TRUE(r) << r.error().message();
    });
  }
  fs::path file() const { return dir_.path() / kMempoolFileName; }

  TempDir dir_{"mempool-file"};
  std::unique_ptr<Blockchain> chain_;
  std::unique_ptr<Mempool> pool_;
};

TEST_F(MempoolFileTest, TheFileRoundTripsEveryTxInOrder) {
  const auto txs = transfers(chain_->chain_id(), 1, 0, 5);
  const Bytes b = encode_mempool_file(chain_->chain_id(), txs);
  auto back = decode_mempool_file(b, chain_->chain_id());
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(ids(*back), ids(txs));
}

TEST_F(MempoolFileTest, ATruncatedFileIsRefusedAtEveryLength) {
  const Bytes b = encode_mempool_file(chain_->chain_id(), transfers(chain_->chain_id(), 1, 0, 3));
  for (std::size_t n = 0; n < b.size(); ++n)
    EXPECT_FALSE(decode_mempool_file(ByteView(b).first(n), chain_->chain_id())) << n;
}

TEST_F(MempoolFileTest, AFlippedByteOrAnotherChainIsRefusedWithAReason) {
  Bytes b = encode_mempool_file(chain_->chain_id(), transfers(chain_->chain_id(), 1, 0, 2));
  Bytes flipped = b;
  flipped[flipped.size() / 2] ^= 0x01;
  auto bad = decode_mempool_file(flipped, chain_->chain_id());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("checksum"), std::string::npos);
  Hash other = chain_->chain_id();
  other.data[0] ^= 0xff;
  auto foreign = decode_mempool_file(b, other);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().message().find("chain"), std::string::npos);
}

TEST_F(MempoolFileTest, SavedFileIsPrivateAndAReloadReadmitsEveryTxThenRemovesIt) {
  const auto a = transfers(chain_->chain_id(), 1, 0, 4);
  const auto b = transfers(chain_->chain_id(), 2, 0, 3);
  admit(a);
  admit(b);
  ASSERT_TRUE(save_mempool_file(file(), chain_->chain_id(), pool_->pending()));
  EXPECT_EQ(fs::status(file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  auto pool = fresh_pool();
  MempoolReload r = reload_mempool(file(), *chain_, *pool);
  EXPECT_TRUE(r.found);
  EXPECT_FALSE(r.warning);
  EXPECT_EQ(r.in_file, 7u);
  EXPECT_EQ(r.admitted.size(), 7u);
  EXPECT_TRUE(r.dropped.empty());
  EXPECT_EQ(pool->size(), 7u);
  for (const Tx& tx : a) EXPECT_TRUE(pool->contains(tx.id()));
  EXPECT_FALSE(fs::exists(file())) << "a crash later would re-admit the same txs again";
  // Nothing to reload the second time.
  MempoolReload again = reload_mempool(file(), *chain_, *fresh_pool());
  EXPECT_FALSE(again.found);
}

TEST_F(MempoolFileTest, AReloadDropsAndCountsWhatABlockTookSince) {
  // Key 1's nonce 0 goes into a block after the pool was saved: its saved nonce-0 tx is stale.
  const auto a = transfers(chain_->chain_id(), 1, 0, 3);
  admit(a);
  ASSERT_TRUE(save_mempool_file(file(), chain_->chain_id(), pool_->pending()));
  test::commit_transfer_block(*chain_);  // key 1, nonce 0: a transfer of 1 coin to key 2

  auto pool = fresh_pool();
  MempoolReload r = reload_mempool(file(), *chain_, *pool);
  EXPECT_EQ(r.in_file, 3u);
  EXPECT_EQ(r.admitted.size(), 2u);
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped.begin()->second, 1u);
  EXPECT_EQ(r.dropped.begin()->first, "nonce_too_low");
  EXPECT_FALSE(pool->contains(a[0].id()));
  EXPECT_TRUE(pool->contains(a[1].id()));
  EXPECT_TRUE(pool->contains(a[2].id()));
}

TEST_F(MempoolFileTest, ADamagedFileIsMovedAsideWithAWarningAndNothingIsAdmitted) {
  admit(transfers(chain_->chain_id(), 1, 0, 2));
  ASSERT_TRUE(save_mempool_file(file(), chain_->chain_id(), pool_->pending()));
  const auto size = fs::file_size(file());
  fs::resize_file(file(), size - 7);  // a write cut short

  auto pool = fresh_pool();
  MempoolReload r = reload_mempool(file(), *chain_, *pool);
  ASSERT_TRUE(r.warning);
  EXPECT_NE(r.warning->find("unusable"), std::string::npos) << *r.warning;
  EXPECT_NE(r.warning->find("mempool.dat.bad"), std::string::npos) << *r.warning;
  EXPECT_EQ(pool->size(), 0u);
  EXPECT_FALSE(fs::exists(file()));
  EXPECT_TRUE(fs::exists(file().string() + ".bad"));
}

}  // namespace
}  // namespace swarmchain
