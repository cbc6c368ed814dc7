// Epoch committees survive a restart (chain/store.h "committees" column family): a real store
// is taken across several epoch boundaries with uptime proofs, closed and reopened, and every
// past epoch's committee is served again and still verifies the stored certificates.
#include <gtest/gtest.h>

#include "chain/blockchain.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::certify_all;
using test::genesis_with_nodes;
using test::TempDir;
using test::test_key;

class CommitteeStoreTest : public ::testing::Test {
 protected:
  // Six genesis nodes (committee_size 4): the sample differs from the genesis committee.
  Genesis genesis = genesis_with_nodes({210, 211, 212, 213, 214});
  TempDir dir{"swarmchain-committee-itest"};

  std::unique_ptr<Blockchain> open() const {
    auto bc = Blockchain::open(dir.path(), genesis);
    EXPECT_TRUE(bc) << bc.error().message();
    return bc ? std::move(*bc) : nullptr;
  }
  // Commits the next block with `txs`, certified by its whole committee.
  static void commit(Blockchain& bc, const std::vector<Tx>& txs = {}) { test::commit_certified(bc, txs); }
};

TEST_F(CommitteeStoreTest, EveryEpochsCommitteeIsServedAgainAfterReopening) {
  const uint64_t E = genesis.params.epoch_blocks;
  std::vector<std::vector<PubKey>> before;  // committee of every height 0..3E+1
  {
    auto bc = open();
    ASSERT_TRUE(bc);
    std::vector<Tx> proofs;
    for (uint8_t k : {210, 211, 212, 213, 214})
      proofs.push_back(make_uptime_proof(test_key(k), bc->chain_id(),
                                         bc->tip().header.time_ms + 500, {}));
    commit(*bc, proofs);
    while (bc->tip().header.height.value < 3 * E) commit(*bc);
    for (uint64_t h = 0; h <= 3 * E + 1; ++h) before.push_back(bc->committee(Height(h)));
  }
  EXPECT_NE(before[E + 1], before[1]) << "the proving nodes replaced the genesis committee";
  auto bc = open();
  ASSERT_TRUE(bc);
  for (uint64_t h = 0; h <= 3 * E + 1; ++h)
    EXPECT_EQ(bc->committee(Height(h)), before[h]) << "height " << h;
  for (uint64_t h = 1; h <= 3 * E; ++h) {
    auto block = bc->store().block_at(Height(h));
    auto cert = test::read_ok(bc->store().certificate_at(Height(h)));
    ASSERT_TRUE(block && cert) << "height " << h;
    EXPECT_TRUE(verify_certificate(*cert, bc->chain_id(), Height(h), block->hash(),
                                   bc->committee(Height(h))))
        << "height " << h;
    EXPECT_EQ(block->header.committee_hash, committee_hash(bc->committee(Height(h))));
  }
  commit(*bc);  // and the chain goes on from the reloaded committee
  EXPECT_EQ(bc->tip().header.height.value, 3 * E + 1);
}

}  // namespace
}  // namespace swarmchain
