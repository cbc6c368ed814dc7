// Reachability state_change (design §5.4; registry/reach_quorum.h, chain/tx_check.h): enough
// matching votes of the quorum of a recent height decommission an active node (or deregister
// it when its credit is short); forged, foreign, duplicate, self, stale or too few votes change
// nothing. The genesis committee (dev: 4 seats) is test_key(200), 210, 211, 212, so every
// quorum is those four with a threshold of 3.
#include <gtest/gtest.h>

#include <algorithm>

#include "chain/mempool.h"
#include "chain/tx_check.h"
#include "registry/reach_quorum.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::key_of;
using test::MemChain;
using test::test_key;

class StateChangeTest : public ::testing::Test {
 protected:
  explicit StateChangeTest(Genesis g = genesis_with_nodes({210, 211, 212})) : chain(std::move(g)) {
    chain.run_to(3);
  }
  MemChain chain;
  const KeyPair target = test_key(212);
  const KeyPair reporter = test_key(3);
  const Hash& chain_id() const { return chain.ex.chain_id(); }

  ReachQuorum quorum(Height h) const {
    return reach_quorum(*chain.state.committee(h.next(), chain.ex.params().epoch_blocks), h,
                        chain.state.recent_hashes.at(h));
  }
  // Votes of every member of quorum(h) but the target, signed by their keys (first `n`).
  StateChangePayload verdict(Height h, std::size_t n = 99, uint32_t checks = kReachCheckP2p) const {
    StateChangePayload c;
    c.sn_pubkey = target.pubkey();
    c.new_state = kStateChangeDecommission;
    c.height = h;
    c.reason_bits = checks;
    const ReachQuorum q = quorum(h);
    const Hash digest = reach_vote_hash(chain_id(), h, c.sn_pubkey, c.new_state, checks);
    for (std::size_t i = 0; i < q.members.size() && c.votes.size() < n; ++i)
      if (q.members[i] != c.sn_pubkey)
        c.votes.push_back({static_cast<uint16_t>(i), key_of(q.members[i]).sign(digest)});
    return c;
  }
  Tx tx_of(StateChangePayload c) const {
    Tx tx;
    tx.chain_id = chain_id();
    tx.sender = reporter.pubkey();
    tx.payload = std::move(c);
    tx.sign(reporter);
    return tx;
  }
  // The verdict of apply_tx in the next block (MemChain::verdict).
  int code(const StateChangePayload& c) const { return chain.verdict(tx_of(c)); }
  static int code_of(TxError e) { return static_cast<int>(e); }
  NodeState state_of_target() const { return chain.state.registry.get(target.pubkey())->state; }
};

TEST_F(StateChangeTest, QuorumOfASmallNetIsTheWholeCommitteeWithATwoThirdsThreshold) {
  const ReachQuorum q = quorum(chain.tip.height);
  EXPECT_EQ(q.members.size(), 4u);
  EXPECT_EQ(q.threshold, 3u);
  EXPECT_TRUE(std::is_sorted(q.members.begin(), q.members.end()));
  EXPECT_LT(q.index_of(target.pubkey()), q.members.size());
  EXPECT_EQ(reach_threshold(10), 7u);
  EXPECT_EQ(reach_threshold(5), 4u);
  EXPECT_EQ(reach_threshold(1), 1u);
}

TEST_F(StateChangeTest, ThresholdVotesDecommissionTheTargetAndTakeItOutOfItsSwarm) {
  ASSERT_EQ(state_of_target(), NodeState::kActive);
  const auto built = chain.build({tx_of(verdict(chain.tip.height))});
  ASSERT_TRUE(built.skipped.empty());
  ASSERT_EQ(built.executed.liveness.size(), 1u);
  EXPECT_EQ(built.executed.liveness[0].event, LivenessEvent::kDecommissioned);
  EXPECT_NE(built.executed.liveness[0].reason.find("p2p port unreachable"), std::string::npos)
      << built.executed.liveness[0].reason;
  const Block b = chain.next({tx_of(verdict(chain.tip.height))});
  const ServiceNode* sn = chain.state.registry.get(target.pubkey());
  EXPECT_EQ(sn->state, NodeState::kDecommissioned);
  EXPECT_EQ(sn->last_decommission_height, b.header.height);
  EXPECT_EQ(sn->swarm_id, kUnassignedSwarm);
}

TEST_F(StateChangeTest, VotesOfAnyOfTheLastTenHeightsCountButNotOlderOrFutureOnes) {
  const Height h = chain.tip.height;
  chain.run_to(h.value + kReachVoteLifetimeBlocks - 1);
  EXPECT_EQ(code(verdict(h)), 0) << "the block at h + 10 may still carry it";
  chain.next();
  EXPECT_EQ(code(verdict(h)), code_of(TxError::kStateChangeBadHeight));
  StateChangePayload future = verdict(chain.tip.height);
  future.height = chain.tip.height.next();
  EXPECT_EQ(code(future), code_of(TxError::kStateChangeBadHeight));
}

TEST_F(StateChangeTest, TooFewVotesAreRefused) {
  EXPECT_EQ(code(verdict(chain.tip.height, 2)), code_of(TxError::kStateChangeTooFewVotes));
  EXPECT_EQ(code(verdict(chain.tip.height, 0)), code_of(TxError::kStateChangeTooFewVotes));
}

TEST_F(StateChangeTest, AForgedVoteIsRefused) {
  StateChangePayload c = verdict(chain.tip.height);
  c.votes[1].signature = test_key(99).sign(
      reach_vote_hash(chain_id(), c.height, c.sn_pubkey, c.new_state, c.reason_bits));
  EXPECT_EQ(code(c), code_of(TxError::kStateChangeBadVotes));
}

TEST_F(StateChangeTest, AVoteFromOutsideTheQuorumIsRefused) {
  StateChangePayload c = verdict(chain.tip.height);
  c.votes.push_back({static_cast<uint16_t>(quorum(chain.tip.height).members.size()),
                     c.votes[0].signature});
  EXPECT_EQ(code(c), code_of(TxError::kStateChangeBadVotes));
}

TEST_F(StateChangeTest, DuplicateOrUnorderedVotesAreRefused) {
  StateChangePayload dup = verdict(chain.tip.height);
  dup.votes[1] = dup.votes[0];
  EXPECT_EQ(code(dup), code_of(TxError::kStateChangeBadVotes));
  StateChangePayload swapped = verdict(chain.tip.height);
  std::swap(swapped.votes[0], swapped.votes[1]);
  EXPECT_EQ(code(swapped), code_of(TxError::kStateChangeBadVotes));
}

TEST_F(StateChangeTest, ANodeCannotVoteOnItself) {
  StateChangePayload c = verdict(chain.tip.height, 2);
  const ReachQuorum q = quorum(c.height);
  const uint16_t self = static_cast<uint16_t>(q.index_of(target.pubkey()));
  c.votes.push_back({self, target.sign(reach_vote_hash(chain_id(), c.height, c.sn_pubkey,
                                                       c.new_state, c.reason_bits))});
  std::sort(c.votes.begin(), c.votes.end(),
            [](const QuorumVote& a, const QuorumVote& b) { return a.index < b.index; });
  EXPECT_EQ(code(c), code_of(TxError::kStateChangeBadVotes));
}

TEST_F(StateChangeTest, VotesForAnotherHeightTargetOrVerdictDoNotMatch) {
  StateChangePayload other_height = verdict(chain.tip.height);
  other_height.height = Height(chain.tip.height.value - 1);
  EXPECT_EQ(code(other_height), code_of(TxError::kStateChangeBadVotes));
  StateChangePayload other_target = verdict(chain.tip.height);
  other_target.sn_pubkey = test_key(211).pubkey();
  EXPECT_EQ(code(other_target), code_of(TxError::kStateChangeBadVotes));
}

TEST_F(StateChangeTest, UnknownStatesAndChecksAreRefused) {
  StateChangePayload state = verdict(chain.tip.height);
  state.new_state = 2;
  EXPECT_EQ(code(state), code_of(TxError::kStateChangeBadState));
  EXPECT_EQ(code(verdict(chain.tip.height, 99, 0)), code_of(TxError::kStateChangeBadChecks));
  EXPECT_EQ(code(verdict(chain.tip.height, 99, 1u << 7)),
            code_of(TxError::kStateChangeBadChecks));
}

TEST_F(StateChangeTest, ADecommissionedNodeIsNotJudgedTwice) {
  chain.next({tx_of(verdict(chain.tip.height))});
  ASSERT_EQ(state_of_target(), NodeState::kDecommissioned);
  EXPECT_EQ(code(verdict(chain.tip.height)), code_of(TxError::kStateChangeNotActive));
}

TEST_F(StateChangeTest, AVerdictAboutAnEarlierOutageDoesNotDecommissionANodeBackSince) {
  const Height first = chain.tip.height;
  chain.next({tx_of(verdict(first))});
  ASSERT_EQ(state_of_target(), NodeState::kDecommissioned);
  const Height between = chain.next().header.height;  // votes of a height while it was down
  const StateChangePayload stale = verdict(between);
  chain.next({make_uptime_proof(target, chain_id(), chain.next_time(), UptimeContact{})});
  ASSERT_EQ(state_of_target(), NodeState::kActive) << "its proof recommissioned it";
  EXPECT_EQ(code(stale), code_of(TxError::kStateChangeBadHeight));
  EXPECT_EQ(code(verdict(chain.tip.height)), 0) << "a verdict of a later height still counts";
}

TEST_F(StateChangeTest, AStateChangeMustBeFree) {
  Tx tx = tx_of(verdict(chain.tip.height));
  tx.nonce = 1;
  tx.sign(reporter);
  EXPECT_EQ(check_tx_stateless(tx, chain_id()).code(), code_of(TxError::kNotFree));
}

TEST_F(StateChangeTest, TheMempoolKeepsOneStateChangePerNodeAndDropsItOnceStale) {
  Mempool pool{chain_id(), MempoolLimits{}, chain.ex.registry_params()};
  const Tx first = tx_of(verdict(chain.tip.height));
  auto added = pool.add(first, chain.state);
  ASSERT_TRUE(added) << added.error().message();
  Tx second = first;
  second.sender = test_key(4).pubkey();
  second.sign(test_key(4));
  auto dup = pool.add(second, chain.state);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), code_of(TxError::kDuplicate));
  for (uint64_t i = 0; i < kReachVoteLifetimeBlocks; ++i) {
    const Block b = chain.next();
    pool.on_block_committed(b.txs, chain.state);
  }
  EXPECT_EQ(pool.size(), 0u) << "votes older than the lifetime make it invalid";
}

Genesis short_credit_genesis() {
  Genesis g = genesis_with_nodes({210, 211, 212});
  g.params.credit_min_to_decommission_s = g.params.credit_initial_s * 2;
  return g;
}

class StateChangeShortCreditTest : public StateChangeTest {
 protected:
  StateChangeShortCreditTest() : StateChangeTest(short_credit_genesis()) {}
};

TEST_F(StateChangeShortCreditTest, ANodeShortOfCreditIsDeregisteredWithItsStakesFrozen) {
  const Block b = chain.next({tx_of(verdict(chain.tip.height))});
  const ServiceNode* sn = chain.state.registry.get(target.pubkey());
  ASSERT_NE(sn, nullptr);
  EXPECT_EQ(sn->state, NodeState::kDeregistered);
  EXPECT_EQ(sn->requested_unlock_height, b.header.height + chain.ex.params().dereg_lock_blocks);
}

}  // namespace
}  // namespace swarmchain
