// Node::open on a dev datadir: a store below what the sign state says this node committed is
// refused (the node would otherwise sign those heights again).
#include <gtest/gtest.h>

#include "chain/params.h"
#include "node/dev_setup.h"
#include "node/node.h"
#include "node/node_key.h"
#include "node/sign_state.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {
namespace {

TEST(NodeOpen, RefusesAStoreBehindTheSignStatesCommittedHeight) {
  TempDir dir("node-open");
  auto setup = ensure_dev_datadir(dir.path(), 0, 1'700'000'000'000ULL);
  ASSERT_TRUE(setup.has_value()) << setup.error().message();
  NodeConfig cfg;
  cfg.datadir = dir.path();
  cfg.rpc_port = 0;
  {
    auto node = Node::open(cfg);  // a fresh datadir opens
    ASSERT_TRUE(node.has_value()) << node.error().message();
  }
  {
    // The sign state says block 5 was committed; the store is at 0.
    auto genesis = Genesis::load(setup->genesis_path);
    ASSERT_TRUE(genesis.has_value());
    auto key = load_node_key(dir.path() / "node_key");
    ASSERT_TRUE(key.has_value());
    FileSignStateStore store(dir.path() / "sign_state");
    auto signer = GuardedSigner::open(*key, genesis->chain_id(), store);
    ASSERT_TRUE(signer.has_value());
    ASSERT_TRUE((*signer)->note_committed(Height(5)));
  }
  auto node = Node::open(cfg);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(node.error().code_as<SignError>(), SignError::kStoreBehind) << node.error().message();
}

}  // namespace
}  // namespace swarmchain::test
