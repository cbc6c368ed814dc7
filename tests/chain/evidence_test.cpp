// Evidence (design §6.5; chain/tx_check.h): two conflicting signed votes of a committee member
// deregister it at once, freeze its stakes for dereg_lock_blocks and then return them through
// the ordinary expiry path. The genesis committee is test_key(200), 210, 211, 212.
#include <gtest/gtest.h>

#include "chain/tx_check.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::MemChain;
using test::supply;
using test::test_key;

class EvidenceTest : public ::testing::Test {
 protected:
  MemChain chain{genesis_with_nodes({210, 211, 212})};
  const KeyPair offender = test_key(212);
  const KeyPair reporter = test_key(3);  // a funded account, but evidence touches no account
  const Hash& chain_id() const { return chain.ex.chain_id(); }

  Vote vote(const KeyPair& k, uint64_t height, uint8_t block_byte, const Hash& for_chain) const {
    Vote v;
    v.type = VoteType::kPrecommit;
    v.height = Height(height);
    v.round = 0;
    v.block_hash.data.fill(block_byte);
    v.validator = k.pubkey();
    v.sign(k, for_chain);
    return v;
  }
  Tx evidence(Vote a, Vote b) const {
    Tx tx;
    tx.chain_id = chain_id();
    tx.sender = reporter.pubkey();
    tx.payload = EvidencePayload{std::move(a), std::move(b)};
    tx.sign(reporter);
    return tx;
  }
  Tx double_vote(const KeyPair& k, uint64_t height = 1) const {
    return evidence(vote(k, height, 0xaa, chain_id()), vote(k, height, 0xbb, chain_id()));
  }
  int verdict(const Tx& tx) const { return chain.verdict(tx); }
  static int code(TxError e) { return static_cast<int>(e); }
  static int code(RegistryError e) { return static_cast<int>(e); }
};

TEST_F(EvidenceTest, ADoubleVoteDeregistersTheOffenderAtOnce) {
  chain.run_to(2);
  ASSERT_NE(chain.state.registry.get(offender.pubkey())->swarm_id, kUnassignedSwarm);
  const Block b = chain.next({double_vote(offender)});
  const ServiceNode* sn = chain.state.registry.get(offender.pubkey());
  ASSERT_NE(sn, nullptr) << "the record stays while its stakes are frozen";
  EXPECT_EQ(sn->state, NodeState::kDeregistered);
  EXPECT_EQ(sn->requested_unlock_height, b.header.height + chain.ex.params().dereg_lock_blocks);
  EXPECT_EQ(sn->swarm_id, kUnassignedSwarm) << "out of its swarm";
  for (const RewardPosition& r : chain.state.registry.reward_queue())
    EXPECT_NE(r.pubkey, offender.pubkey()) << "out of the reward queue";
  EXPECT_EQ(chain.state.accounts.get(reporter.pubkey())->balance, Amount::coins(1000))
      << "evidence is free";
}

TEST_F(EvidenceTest, FrozenStakesReturnToTheContributorsAfterTheLockAndTheSupplyAddsUp) {
  const uint64_t reward = chain.ex.params().block_reward.atomic();
  const uint64_t supply0 = supply(chain.state);
  chain.run_to(1);
  const Block b = chain.next({double_vote(offender)});
  const uint64_t unlock = b.header.height.value + chain.ex.params().dereg_lock_blocks;
  const PubKey op = test_key(1).pubkey();  // operator of the extra genesis nodes
  // Rewards go to the operator too, so follow the stake through the record instead.
  const Amount stake = chain.state.registry.get(offender.pubkey())->contributors[0].amount;
  chain.run_to(unlock - 1);
  ASSERT_NE(chain.state.registry.get(offender.pubkey()), nullptr) << "still frozen at unlock - 1";
  EXPECT_EQ(supply(chain.state), supply0 + chain.tip.height.value * reward);
  const Amount before = chain.state.accounts.get(op)->balance;
  const std::size_t winners_before = chain.state.registry.reward_queue().size();
  const auto built = chain.build({});
  ASSERT_EQ(built.executed.liveness.size(), 1u) << "the expiry is reported (logs, metrics)";
  EXPECT_EQ(built.executed.liveness[0].pubkey, offender.pubkey());
  EXPECT_EQ(built.executed.liveness[0].event, LivenessEvent::kExpired);
  EXPECT_EQ(built.executed.liveness[0].reason,
            "deregistration lock ended: stakes returned to 1 contributor(s)");
  chain.next();
  EXPECT_EQ(chain.state.registry.get(offender.pubkey()), nullptr) << "expired at the unlock height";
  const Amount after = chain.state.accounts.get(op)->balance;
  // This block's reward may also have paid the operator (it runs nodes 210 and 211).
  const uint64_t gained = after.atomic() - before.atomic();
  EXPECT_TRUE(gained == stake.atomic() || gained == stake.atomic() + reward)
      << "gained " << gained << ", stake " << stake.atomic();
  EXPECT_EQ(supply(chain.state), supply0 + chain.tip.height.value * reward);
  EXPECT_EQ(chain.state.registry.reward_queue().size(), winners_before);
}

TEST_F(EvidenceTest, TheOffenderLeavesTheNextCommitteeEvenIfItKeepsProving) {
  chain.run_to(1);
  std::vector<Tx> proofs;
  for (uint8_t k : {200, 210, 211, 212})
    proofs.push_back(make_uptime_proof(test_key(k), chain_id(), chain.next_time(), {}));
  chain.next(proofs);
  chain.next({double_vote(offender)});
  chain.run_to(chain.ex.params().epoch_blocks);
  const std::vector<PubKey> next = chain.ex.committee(chain.state, chain.tip.height.next());
  EXPECT_EQ(next.size(), 3u);
  EXPECT_EQ(std::find(next.begin(), next.end(), offender.pubkey()), next.end());
}

TEST_F(EvidenceTest, TwoVotesForTheSameBlockAreNotEvidence) {
  chain.run_to(2);
  EXPECT_EQ(verdict(evidence(vote(offender, 1, 0xaa, chain_id()), vote(offender, 1, 0xaa, chain_id()))),
            code(TxError::kEvidenceNotConflicting));
  EXPECT_EQ(verdict(evidence(vote(offender, 1, 0xaa, chain_id()), vote(offender, 2, 0xbb, chain_id()))),
            code(TxError::kEvidenceNotConflicting))
      << "different heights";
  EXPECT_EQ(verdict(evidence(vote(offender, 1, 0xaa, chain_id()), vote(test_key(211), 1, 0xbb, chain_id()))),
            code(TxError::kEvidenceNotConflicting))
      << "different validators";
}

TEST_F(EvidenceTest, AVoteWithABadSignatureIsRefused) {
  chain.run_to(2);
  Vote bad = vote(offender, 1, 0xbb, chain_id());
  bad.signature.data[0] ^= 1;
  EXPECT_EQ(verdict(evidence(vote(offender, 1, 0xaa, chain_id()), bad)),
            code(TxError::kEvidenceBadSignature));
}

TEST_F(EvidenceTest, VotesSignedForAnotherChainAreRefused) {
  chain.run_to(2);
  Hash other = chain_id();
  other.data[0] ^= 1;
  EXPECT_EQ(verdict(evidence(vote(offender, 1, 0xaa, other), vote(offender, 1, 0xbb, other))),
            code(TxError::kEvidenceBadSignature));
}

TEST_F(EvidenceTest, AKeyThatWasNotInThatHeightsCommitteeIsRefused) {
  chain.run_to(2);
  EXPECT_EQ(verdict(double_vote(test_key(50))), code(TxError::kEvidenceNotInCommittee));
}

TEST_F(EvidenceTest, VotesAboveTheBlockHeightAreRefused) {
  chain.run_to(2);
  EXPECT_EQ(verdict(double_vote(offender, 4)), code(TxError::kEvidenceFromFuture));
}

TEST_F(EvidenceTest, EvidenceAgainstAnAlreadyDeregisteredNodeIsRefused) {
  chain.run_to(2);
  chain.next({double_vote(offender)});
  EXPECT_EQ(verdict(evidence(vote(offender, 2, 0x01, chain_id()), vote(offender, 2, 0x02, chain_id()))),
            code(RegistryError::kNodeDeregistered));
}

TEST_F(EvidenceTest, EvidenceWithAFeeIsRefusedAsNotFree) {
  chain.run_to(2);
  Tx tx = double_vote(offender);
  tx.fee = Amount(100'000);
  tx.sign(reporter);
  EXPECT_EQ(verdict(tx), code(TxError::kNotFree));
}

TEST_F(EvidenceTest, PastEpochCommitteesStillJudgeEvidence) {
  // Node 213 proves and joins the committee of epoch 1 only if sampled; a vote of a genesis
  // member at height 1 stays judgeable after the epoch changed.
  chain.run_to(chain.ex.params().epoch_blocks + 2);
  EXPECT_EQ(verdict(double_vote(offender, 1)), 0);
}

}  // namespace
}  // namespace swarmchain
