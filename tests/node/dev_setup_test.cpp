// `swarmchaind --dev` first start (node/dev_setup.h): a datadir left half made by a kill at
// any point of the first start is completed on the next start, never refused forever. Each
// partial state a kill can leave (every file appears whole, genesis.json last) is built here.
#include "node/dev_setup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "chain/params.h"
#include "common/address.h"
#include "node/datadir_lock.h"
#include "node/node_key.h"
#include "wallet/keystore.h"

namespace swarmchain {
namespace {

namespace fs = std::filesystem;

class DevSetupTest : public ::testing::Test {
 protected:
  DevSetupTest() {
    std::random_device rd;
    root_ = fs::temp_directory_path() /
            ("swarmchain-dev-setup-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
    datadir = root_ / "data";
  }
  ~DevSetupTest() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  DevSetup setup_ok(std::size_t accounts = 0) const {
    auto s = ensure_dev_datadir(datadir, accounts, 1'700'000'000'000);
    EXPECT_TRUE(s) << s.error().message();
    return s ? *s : DevSetup{};
  }
  Genesis genesis() const {
    auto g = Genesis::load(datadir / "genesis.json");
    EXPECT_TRUE(g) << g.error().message();
    return g ? *g : Genesis{};
  }
  PubKey keystore_key(const fs::path& p) const {
    auto addr = Keystore::read_address(p);
    EXPECT_TRUE(addr);
    return *parse_address(*addr);
  }

  fs::path root_;
  fs::path datadir;
};

TEST_F(DevSetupTest, FirstStartCreatesEverythingAndTheNextReusesIt) {
  const DevSetup first = setup_ok(2);
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(first.resumed);
  const Genesis g = genesis();
  ASSERT_EQ(g.accounts.size(), 3u);
  const DevSetup second = setup_ok(2);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.wallet_address, first.wallet_address);
  EXPECT_EQ(genesis().chain_id(), g.chain_id());
}

// swarmchaind takes its datadir lock before the dev set-up runs: that file alone is a first
// start, not the leftovers of an interrupted one (the note was printed on every fresh start).
TEST_F(DevSetupTest, TheDatadirLockAloneIsAFirstStartNotAResumedOne) {
  fs::create_directories(datadir);
  std::ofstream(datadir / kDatadirLockFile) << "1234\n";
  const DevSetup s = setup_ok();
  EXPECT_TRUE(s.created);
  EXPECT_FALSE(s.resumed);
  EXPECT_TRUE(s.note.empty()) << s.note;
}

TEST_F(DevSetupTest, KilledAfterTheNodeKeyResumesWithThatKey) {
  fs::create_directories(datadir);
  auto key = create_node_key(datadir / "node_key");
  ASSERT_TRUE(key);
  const DevSetup s = setup_ok();
  EXPECT_TRUE(s.created);
  EXPECT_TRUE(s.resumed);
  EXPECT_NE(s.note.find("interrupted first start"), std::string::npos) << s.note;
  const Genesis g = genesis();
  ASSERT_EQ(g.service_nodes.size(), 1u);
  EXPECT_EQ(g.service_nodes[0].pubkey, key->pubkey());
}

TEST_F(DevSetupTest, KilledAfterTheWalletResumesWithThatWallet) {
  const DevSetup full = setup_ok();
  const PubKey wallet = keystore_key(full.wallet_path);
  fs::remove(datadir / "genesis.json");  // the state just before genesis.json was written
  const DevSetup s = setup_ok();
  EXPECT_TRUE(s.resumed);
  EXPECT_EQ(s.wallet_address, full.wallet_address);
  EXPECT_EQ(genesis().accounts[0].pubkey, wallet);
}

TEST_F(DevSetupTest, KilledBetweenDevAccountsResumesAndFundsEveryOne) {
  fs::create_directories(datadir / "dev-accounts");
  ASSERT_TRUE(Keystore::create(datadir / "dev-accounts" / "account-1.json", KeyPair::generate().seed(),
                               kDevPassword, KdfStrength::kInteractive));
  const PubKey first = keystore_key(datadir / "dev-accounts" / "account-1.json");
  const DevSetup s = setup_ok(2);
  EXPECT_TRUE(s.resumed);
  const Genesis g = genesis();
  ASSERT_EQ(g.accounts.size(), 3u);
  EXPECT_EQ(g.accounts[1].pubkey, first);
  EXPECT_EQ(g.accounts[2].pubkey, keystore_key(datadir / "dev-accounts" / "account-2.json"));
}

TEST_F(DevSetupTest, LeftoverTempFilesOfAnInterruptedWriteAreRemoved) {
  fs::create_directories(datadir);
  std::ofstream(datadir / ".genesis.json.tmp-AbC123") << "{\"half";
  std::ofstream(datadir / ".node_key.tmp-XyZ789") << "00";
  const DevSetup s = setup_ok();
  EXPECT_TRUE(s.created);
  EXPECT_FALSE(fs::exists(datadir / ".genesis.json.tmp-AbC123"));
  EXPECT_FALSE(fs::exists(datadir / ".node_key.tmp-XyZ789"));
}

TEST_F(DevSetupTest, AChainWithoutGenesisIsRefusedWithAClearMessage) {
  fs::create_directories(datadir / "chain");
  std::ofstream(datadir / "chain" / "CURRENT") << "MANIFEST-000001\n";
  auto s = ensure_dev_datadir(datadir, 0, 1);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("no genesis.json"), std::string::npos);
}

TEST_F(DevSetupTest, DevAccountsReportProgressAndWhereTheyAre) {
  std::vector<std::pair<std::size_t, std::size_t>> seen;
  auto s = ensure_dev_datadir(datadir, 3, 1'700'000'000'000,
                              [&](std::size_t done, std::size_t total) {
                                seen.emplace_back(done, total);
                              });
  ASSERT_TRUE(s) << s.error().message();
  const std::vector<std::pair<std::size_t, std::size_t>> expected{{1, 3}, {2, 3}, {3, 3}};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(s->accounts, 3u);
  EXPECT_EQ(s->accounts_dir, datadir / "dev-accounts");
  for (std::size_t i = 1; i <= 3; ++i)
    EXPECT_TRUE(fs::exists(s->accounts_dir / dev_account_file(i))) << i;
  EXPECT_TRUE(s->accounts_ignored.empty());
}

TEST_F(DevSetupTest, DevAccountsOnAnExistingDevnetAreIgnoredSayingSo) {
  setup_ok(2);
  const DevSetup again = setup_ok(5);
  EXPECT_EQ(again.accounts, 2u);
  EXPECT_NE(again.accounts_ignored.find("--dev-accounts 5 is ignored"), std::string::npos)
      << again.accounts_ignored;
  EXPECT_NE(again.accounts_ignored.find("with 2 dev account(s)"), std::string::npos)
      << again.accounts_ignored;
  EXPECT_FALSE(fs::exists(datadir / "dev-accounts" / dev_account_file(3)));
  EXPECT_EQ(genesis().accounts.size(), 3u);  // the dev wallet and the first 2
  EXPECT_TRUE(setup_ok(0).accounts_ignored.empty());
}

}  // namespace
}  // namespace swarmchain
