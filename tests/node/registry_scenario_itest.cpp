// One end-to-end registry scenario with the real binaries, driven the way a user would:
// `swarmchaind --dev --dev-accounts 12`, `swarmchaind keygen` / `prepare-registration` for 40
// service nodes, `swarmchain-wallet sn register | stake | unlock`, then checks over JSON-RPC:
//   1. states and contributors of every node (solo, multi-contributor, reserved spot, awaiting);
//   2. swarms: every active node in exactly one swarm of >= MIN members, awaiting nodes in none;
//      get_swarm for a few hundred user pubkeys against a brute-force reference written here
//      from design §5.7 (not the registry's own code), including ties and wrap-around;
//   3. a registry proof checked with the light client, and refused once a byte changes;
//   4. an unlock by a (non-operator) contributor: the node leaves at the announced height,
//      swarms stay valid, nobody's locked_stakes lists it any more;
//   5. the supply: Σ balances + Σ stakes = genesis + H · reward − Σ fees, exactly, at one height;
//   6. SIGTERM and restart: the same registry, and the chain goes on.
//
// It is one TEST_F because ctest runs every TEST_F in its own process (gtest_discover_tests),
// and the steps share one node. Each step is a method of the fixture (registry_scenario.h) with
// its own SCOPED_TRACE section; the steps share the fixture's state and run in this order.
#include <gtest/gtest.h>

#include "tests/node/registry_scenario.h"

namespace swarmchain::test {
namespace {

TEST_F(RegistryScenario, FortyNodesStakeSwarmProveUnlockAddUpAndSurviveARestart) {
  // Where a phase is followed by `if (HasFailure()) return;`, any failure so far stops the
  // scenario: the devnet is not the expected one, or some nodes are not registered or staked,
  // and every later check would only repeat that.
  ASSERT_NO_FATAL_FAILURE(start_devnet());
  if (HasFailure()) return;

  ASSERT_NO_FATAL_FAILURE(plan_forty_nodes());
  ASSERT_NO_FATAL_FAILURE(prepare_registrations());
  if (HasFailure()) return;
  ASSERT_NO_FATAL_FAILURE(register_nodes());
  if (HasFailure()) return;
  ASSERT_NO_FATAL_FAILURE(refuse_partial_reserved_stake());
  ASSERT_NO_FATAL_FAILURE(stake_on_multi_and_reserved());
  if (HasFailure()) return;

  ASSERT_NO_FATAL_FAILURE(check_states_and_contributors());
  ASSERT_NO_FATAL_FAILURE(check_swarm_table());
  ASSERT_NO_FATAL_FAILURE(check_get_swarm_against_reference());
  ASSERT_NO_FATAL_FAILURE(check_registry_proof());
  ASSERT_NO_FATAL_FAILURE(unlock_and_see_the_node_leave());
  ASSERT_NO_FATAL_FAILURE(check_every_coin_accounted_for());
  ASSERT_NO_FATAL_FAILURE(restart_with_the_same_registry());
  stop_node();
}

}  // namespace
}  // namespace swarmchain::test
