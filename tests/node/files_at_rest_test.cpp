// Files at rest on the node (docs/operator.md "Files at rest"): the node key, the sign state
// and the dev/testnet keystores are written 0600 and the datadirs 0700 even under umask 000;
// a node key or sign state readable by others or symlinked, and a datadir others can write,
// are refused with the path and the command that fixes it. Real files in temp directories.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "node/dev_setup.h"
#include "node/node.h"
#include "node/node_key.h"
#include "node/sign_state.h"
#include "node/testnet_cmd.h"
#include "tests/chain/test_util.h"
#include "tests/common/temp_files.h"

namespace swarmchain::test {
namespace {

using test_files::TempDirectory;
using test_files::ScopedUmask;
using test_files::mode_of;

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uint64_t kNow = 1'700'000'000'000ULL;



void chmod_or_fail(const fs::path& p, mode_t m) { ASSERT_EQ(::chmod(p.c_str(), m), 0) << p; }

NodeConfig config_for(const fs::path& datadir) {
  NodeConfig cfg;
  cfg.datadir = datadir;
  cfg.rpc_port = 0;
  cfg.p2p_enabled = false;
  return cfg;
}

// ---- node key ----

TEST(NodeKeyAtRest, IsWritten0600UnderUmask000AndLoadsBack) {
  TempDir dir("node-key");
  fs::create_directories(dir.path());
  const fs::path f = dir.path() / "node_key";
  Expected<KeyPair> made = [&] {
    ScopedUmask u(0);
    return create_node_key(f);
  }();
  ASSERT_TRUE(made) << made.error().message();
  EXPECT_EQ(mode_of(f), 0600u);
  auto loaded = load_node_key(f);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->pubkey(), made->pubkey());
}

TEST(NodeKeyAtRest, A0644KeyIsRefusedNamingThePathAndTheChmod) {
  TempDir dir("node-key");
  fs::create_directories(dir.path());
  const fs::path f = dir.path() / "node_key";
  ASSERT_TRUE(create_node_key(f));
  chmod_or_fail(f, 0644);
  auto r = load_node_key(f);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "node key " + f.string() +
                                     " is readable by others (mode 0644); run: chmod 600 " +
                                     f.string());
}

TEST(NodeKeyAtRest, ASymlinkedKeyIsRefusedEvenWhenItsTargetIsPrivate) {
  TempDir dir("node-key");
  fs::create_directories(dir.path());
  ASSERT_TRUE(create_node_key(dir.path() / "real_key"));
  fs::create_symlink(dir.path() / "real_key", dir.path() / "node_key");
  auto r = load_node_key(dir.path() / "node_key");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(), HasSubstr((dir.path() / "node_key").string() + " is a symlink"));
  EXPECT_THAT(r.error().message(), HasSubstr("replace the link with the file"));
}

TEST(NodeKeyAtRest, AMissingKeySaysHowToCreateOne) {
  TempDir dir("node-key");
  auto r = load_node_key(dir.path() / "node_key");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(), HasSubstr("swarmchaind keygen --datadir " + dir.path().string()));
}

// ---- sign state ----

TEST(SignStateAtRest, IsWritten0600UnderUmask000) {
  TempDir dir("sign-state");
  fs::create_directories(dir.path());
  FileSignStateStore store(dir.path() / "sign_state");
  SignState s;
  s.committed_height = Height(7);
  {
    ScopedUmask u(0);
    ASSERT_TRUE(store.save(s));
  }
  EXPECT_EQ(mode_of(dir.path() / "sign_state"), 0600u);
  auto back = store.load();
  ASSERT_TRUE(back) << back.error().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->committed_height, Height(7));
}

TEST(SignStateAtRest, ASignStateReadableByOthersIsRefusedAtLoad) {
  TempDir dir("sign-state");
  fs::create_directories(dir.path());
  FileSignStateStore store(dir.path() / "sign_state");
  ASSERT_TRUE(store.save(SignState{}));
  chmod_or_fail(store.path(), 0644);
  auto r = store.load();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code_as<SignError>(), SignError::kDamaged);
  EXPECT_THAT(r.error().message(), HasSubstr("run: chmod 600 " + store.path().string()));
}

// ---- datadirs ----

TEST(DatadirAtRest, TheDevSetupMakesA0700DatadirAnd0600KeysUnderUmask000) {
  TempDir dir("dev-at-rest");
  Expected<DevSetup> setup = [&] {
    ScopedUmask u(0);
    return ensure_dev_datadir(dir.path(), 2, kNow);
  }();
  ASSERT_TRUE(setup) << setup.error().message();
  EXPECT_EQ(mode_of(dir.path()), 0700u);
  EXPECT_EQ(mode_of(dir.path() / "dev-accounts"), 0700u);
  EXPECT_EQ(mode_of(dir.path() / "node_key"), 0600u);
  EXPECT_EQ(mode_of(setup->wallet_path), 0600u);
  EXPECT_EQ(mode_of(dir.path() / "dev-accounts" / "account-1.json"), 0600u);
}

TEST(DatadirAtRest, TheTestnetMakesEveryDirectory0700AndEveryKey0600UnderUmask000) {
  TempDir dir("testnet-at-rest");
  TestnetOptions o;
  o.nodes = 2;
  o.dir = dir.path() / "net";
  Expected<Testnet> net = [&] {
    ScopedUmask u(0);
    return create_testnet(o, kNow);
  }();
  ASSERT_TRUE(net) << net.error().message();
  EXPECT_EQ(mode_of(o.dir), 0700u);
  EXPECT_EQ(mode_of(net->wallet_path), 0600u);
  for (const TestnetNode& n : net->nodes) {
    EXPECT_EQ(mode_of(n.datadir), 0700u);
    EXPECT_EQ(mode_of(n.datadir / "node_key"), 0600u);
  }
}

TEST(DatadirAtRest, TheNodeRefusesADatadirOthersCanWrite) {
  TempDir dir("node-open-mode");
  ASSERT_TRUE(ensure_dev_datadir(dir.path(), 0, kNow));
  chmod_or_fail(dir.path(), 0777);
  auto node = Node::open(config_for(dir.path()));
  ASSERT_FALSE(node);
  EXPECT_EQ(node.error().message(), "datadir " + dir.path().string() +
                                        " is writable by others (mode 0777); run: chmod 700 " +
                                        dir.path().string());
  chmod_or_fail(dir.path(), 0700);
  auto ok = Node::open(config_for(dir.path()));
  EXPECT_TRUE(ok) << ok.error().message();
}

TEST(DatadirAtRest, TheNodeRefusesANodeKeyReadableByOthers) {
  TempDir dir("node-open-key");
  ASSERT_TRUE(ensure_dev_datadir(dir.path(), 0, kNow));
  chmod_or_fail(dir.path() / "node_key", 0640);
  auto node = Node::open(config_for(dir.path()));
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message(),
              HasSubstr("node key " + (dir.path() / "node_key").string() + " is readable by others"));
}

TEST(DatadirAtRest, TheNodeSaysHowToMakeAMissingDatadir) {
  TempDir dir("node-open-missing");
  auto node = Node::open(config_for(dir.path()));
  ASSERT_FALSE(node);
  EXPECT_THAT(node.error().message(), HasSubstr("does not exist"));
  EXPECT_THAT(node.error().message(), HasSubstr("swarmchaind keygen --datadir"));
}

}  // namespace
}  // namespace swarmchain::test
