// The activations and expiries the executor reports next to the liveness changes
// (ExecutedBlock::liveness; the node logs them and counts them in
// swarmchain_registry_state_changes_total{kind="activated"|"expired"}).
#include <gtest/gtest.h>

#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::MemChain;
using test::test_key;

Tx full_registration(const MemChain& chain, const KeyPair& sn, const KeyPair& op) {
  const Amount requirement = chain.ex.params().staking_requirement;
  Registration reg;
  reg.sn_pubkey = sn.pubkey();
  reg.operator_address = op.pubkey();
  reg.fee_bps = 100;
  reg.reserved = {{op.pubkey(), requirement}};
  reg.expiry_height = Height(1000);
  reg.sign(sn, chain.ex.chain_id());
  Tx tx;
  tx.chain_id = chain.ex.chain_id();
  tx.sender = op.pubkey();
  tx.nonce = 0;
  tx.fee = Amount(100'000);
  tx.payload = RegisterNodePayload{reg, requirement};
  tx.sign(op);
  return tx;
}

TEST(LivenessEvents, AFullyStakedRegistrationIsReportedAsActivatedOnce) {
  MemChain chain(genesis_with_nodes({210, 211, 212}));
  chain.run_to(1);
  const KeyPair sn = test_key(230);
  const auto built = chain.build({full_registration(chain, sn, test_key(2))});
  ASSERT_TRUE(built.skipped.empty());
  ASSERT_EQ(built.executed.liveness.size(), 1u);
  EXPECT_EQ(built.executed.liveness[0].pubkey, sn.pubkey());
  EXPECT_EQ(built.executed.liveness[0].event, LivenessEvent::kActivated);
  EXPECT_STREQ(liveness_event_name(LivenessEvent::kActivated), "activated");
  chain.next({full_registration(chain, sn, test_key(2))});
  ASSERT_TRUE(chain.state.registry.get(sn.pubkey())->is_active());
  EXPECT_TRUE(chain.build({}).executed.liveness.empty()) << "only in the block that activated it";
}

}  // namespace
}  // namespace swarmchain
