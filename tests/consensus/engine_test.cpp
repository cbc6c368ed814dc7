// consensus::Engine, the rules of Algorithm 1, one behaviour per test: whole committees over
// TestNet (test_net.h, a FIFO pool), then one engine under test (single_engine.h).
#include <gtest/gtest.h>

#include "consensus/engine.h"
#include "tests/consensus/single_engine.h"
#include "tests/consensus/test_net.h"

namespace swarmchain::consensus {
namespace {

using test::has_drop;
using test::hash_matches;
using test::key;
using test::kH;
using test::signed_proposal;
using test::signed_vote;
using test::Single;
using test::Snapshot;
using test::TestNet;
using test::value_for;
using test::value_hash;

// ---- whole committees ----

TEST(EngineSolo, ACommitteeOfOneDecidesWithNoExternalMessage) {
  TestNet net(1);
  net.start(kH);
  ASSERT_EQ(net.decisions(0).count(1), 1u);
  const Decision& d = net.decisions(0).at(1);
  EXPECT_EQ(d.round, 0u);
  EXPECT_EQ(d.value, value_for(0, kH, 0));
  EXPECT_TRUE(
      verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash, net.committee()));
  EXPECT_EQ(net.sign_requests(0), 3u);  // proposal, prevote, precommit
  EXPECT_TRUE(net.engine(0).decided());
}

TEST(EngineNet, FourNodesDecideTheSameValueInRoundZeroWithAValidCertificate) {
  TestNet net(4);
  net.start(kH);
  net.run();
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(net.decisions(i).count(1), 1u) << "node " << i;
    const Decision& d = net.decisions(i).at(1);
    EXPECT_EQ(d.round, 0u);
    EXPECT_EQ(d.value, value_for(1, kH, 0));  // committee[(1 + 0) mod 4] proposed
    EXPECT_EQ(d.value_hash, net.decisions(0).at(1).value_hash);
    EXPECT_TRUE(
        verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash, net.committee()));
    EXPECT_GE(d.certificate.sigs.size(), 3u);
  }
  EXPECT_TRUE(net.dropped().empty());
}

TEST(EngineNet, ASilentProposerLeadsToNilPrevotesAndTheNextRoundDecides) {
  TestNet net(4);
  net.down[1] = true;  // proposer of (1, 0)
  net.start(kH);
  net.run();
  for (std::size_t i : {0, 2, 3}) EXPECT_EQ(net.engine(i).step_kind(), Step::kPropose);
  EXPECT_EQ(net.fire(Step::kPropose), 3u);  // -> prevote nil (lines 57-60)
  net.run();
  for (std::size_t i : {0, 2, 3}) {
    EXPECT_EQ(net.engine(i).step_kind(), Step::kPrecommit);  // 2f+1 nil prevotes: line 44
    EXPECT_TRUE(net.decisions(i).empty());
  }
  EXPECT_EQ(net.fire(Step::kPrecommit), 3u);  // line 47's timer -> round 1 (lines 65-67)
  net.run();
  for (std::size_t i : {0, 2, 3}) {
    ASSERT_EQ(net.decisions(i).count(1), 1u) << "node " << i;
    const Decision& d = net.decisions(i).at(1);
    EXPECT_EQ(d.round, 1u);
    EXPECT_EQ(d.value, value_for(2, kH, 1));  // committee[(1 + 1) mod 4]
    EXPECT_TRUE(
        verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash, net.committee()));
  }
}

// ---- the propose step ----

TEST_F(Single, StartHeightSchedulesTheProposeTimeoutWithTheDelay) {
  start(700);
  ASSERT_EQ(out.timers.size(), 1u);
  EXPECT_EQ(out.timers[0].timeout, (Timeout{kH, 0, Step::kPropose}));
  EXPECT_EQ(out.timers[0].delay_ms, 1000u + 700u);
  EXPECT_FALSE(out.propose);  // key(2) proposes round 0
}

TEST_F(Single, StartHeightAtALaterRoundBeginsThereWithoutTheRoundZeroDelay) {
  start(700, 2);
  EXPECT_EQ(engine->height(), kH);
  EXPECT_EQ(engine->round(), 2u);
  EXPECT_EQ(engine->step_kind(), Step::kPropose);
  ASSERT_EQ(out.timers.size(), 1u);
  EXPECT_EQ(out.timers[0].timeout, (Timeout{kH, 2, Step::kPropose}));
  EXPECT_EQ(out.timers[0].delay_ms, 1000u + 2 * 250u);
  EXPECT_FALSE(out.propose);  // key(4) proposes round 2
  start(0, 3);                // the engine's own round
  ASSERT_TRUE(out.propose);
  EXPECT_EQ(out.propose->height, kH);
  EXPECT_EQ(out.propose->round, 3u);
}

// A restarted node (node/driver.cpp) resumes the round it voted in and steps its signed votes
// back in: they count as its own, are sent again, and the same vote asked again is a duplicate.
TEST_F(Single, OwnVotesSteppedInAfterAResumeCountAndAreResent) {
  start(0, 2);
  const Vote mine = vote(0, VoteType::kPrevote, 2, hv);
  step(mine);
  EXPECT_FALSE(has_drop(out, DropReason::kDuplicate));
  const auto own = engine->own_messages();
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0], Message(mine));
  step(proposal(3, 2, v));  // the engine asks for the very same prevote again
  ASSERT_TRUE(last_sent(VoteType::kPrevote));
  EXPECT_EQ(*last_sent(VoteType::kPrevote), mine);
  EXPECT_TRUE(has_drop(out, DropReason::kDuplicate));  // counted once
  votes_from_others(VoteType::kPrevote, 2, hv, 2);    // with its own: a quorum for v
  EXPECT_EQ(engine->locked_round(), std::optional<uint32_t>(2));
  ASSERT_TRUE(last_sent(VoteType::kPrecommit));
  EXPECT_EQ(last_sent(VoteType::kPrecommit)->block_hash, hv);
}

TEST_F(Single, TimeoutsGrowByDeltaPerRound) {
  // Move to round 2 with two precommit timeouts (nil precommits from everyone).
  for (uint32_t r = 0; r < 2; ++r) {
    tick(Step::kPropose);
    votes_from_others(VoteType::kPrevote, r, Hash{}, 2);
    votes_from_others(VoteType::kPrecommit, r, Hash{}, 2);
    ASSERT_EQ(out.timers.back().timeout, (Timeout{kH, r, Step::kPrecommit}));
    EXPECT_EQ(out.timers.back().delay_ms, 500u + r * 250u);
    tick(Step::kPrecommit);
  }
  ASSERT_EQ(engine->round(), 2u);
  EXPECT_EQ(out.timers.back().timeout, (Timeout{kH, 2, Step::kPropose}));
  EXPECT_EQ(out.timers.back().delay_ms, 1000u + 2 * 250u);
}

TEST_F(Single, TheProposerAsksForAValueAndProposesItOnce) {
  // Round 3 is the engine's. Get there by f+1 messages of round 3.
  step(vote(1, VoteType::kPrevote, 3, Hash{}));
  step(vote(2, VoteType::kPrevote, 3, Hash{}));
  ASSERT_EQ(engine->round(), 3u);
  ASSERT_TRUE(out.propose);
  EXPECT_EQ(out.propose->height, kH);
  EXPECT_EQ(out.propose->round, 3u);
  const Bytes mine = value_for(0, kH, 3);
  Output o = settle(engine->propose(kH, 3, value_hash(mine), mine));
  ASSERT_FALSE(o.to_sign.empty());
  const auto& p = std::get<Proposal>(o.to_sign[0]);
  EXPECT_EQ(p.round, 3u);
  EXPECT_EQ(p.pol_round, kNoRound);
  EXPECT_EQ(p.value, mine);
  EXPECT_TRUE(p.signature.is_zero());
  // Its own signed proposal, stepped back, made it prevote the value (line 22).
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, value_hash(mine));
  // A second answer, or one for another round, is ignored.
  EXPECT_TRUE(engine->propose(kH, 3, value_hash(mine), mine).to_sign.empty());
  EXPECT_TRUE(engine->propose(kH, 2, value_hash(mine), mine).to_sign.empty());
}

TEST_F(Single, AProposerHoldingAValidValueReproposesItWithItsRound) {
  step(proposal(1, 0, v));
  votes_from_others(VoteType::kPrevote, 0, hv, 2);  // validValue = v, validRound = 0 (l. 42)
  step(vote(1, VoteType::kPrevote, 3, Hash{}));
  Output o = step(vote(2, VoteType::kPrevote, 3, Hash{}));  // f+1 in round 3: the engine's
  ASSERT_EQ(engine->round(), 3u);
  EXPECT_FALSE(o.propose);  // no getValue() (line 18): it has a valid value (lines 15-16)
  ASSERT_FALSE(o.to_sign.empty());
  const auto& p = std::get<Proposal>(o.to_sign[0]);
  EXPECT_EQ(p.round, 3u);
  EXPECT_EQ(p.pol_round, 0u);
  EXPECT_EQ(p.value, v);
  EXPECT_EQ(p.value_hash, hv);
}

TEST_F(Single, TheProposerRotationDoesNotOverflowAtTheLastHeight) {
  const Height last(UINT64_MAX);  // (2^64 - 1) mod 4 = 3
  Output o = engine->start_height(last, committee);
  EXPECT_FALSE(o.propose);  // round 0: committee[3]
  engine->step(signed_vote(keys[1], VoteType::kPrevote, last, 1, Hash{}));
  o = engine->step(signed_vote(keys[2], VoteType::kPrevote, last, 1, Hash{}));
  ASSERT_EQ(engine->round(), 1u);
  ASSERT_TRUE(o.propose);  // round 1: committee[(3 + 1) mod 4] = the engine
  EXPECT_EQ(o.propose->height, last);
}

TEST_F(Single, ANonProposerCannotPropose) {
  EXPECT_TRUE(engine->propose(kH, 0, hv, v).to_sign.empty());
}

TEST_F(Single, OwnMessagesAreTheSignedProposalAndVotesOfTheCurrentRound) {
  EXPECT_TRUE(engine->own_messages().empty());
  step(proposal(1, 0, v));
  auto mine = engine->own_messages();
  ASSERT_EQ(mine.size(), 1u);
  const auto& pv = std::get<Vote>(mine[0]);
  EXPECT_EQ(pv.block_hash, hv);
  EXPECT_TRUE(pv.signature_valid(test::chain_id()));
  votes_from_others(VoteType::kPrevote, 0, hv, 2);
  EXPECT_EQ(engine->own_messages().size(), 2u);  // prevote and precommit
}

// ---- prevote (lines 22-33) and the lock ----

TEST_F(Single, AValidProposalIsPrevoted) {
  step(proposal(1, 0, v));
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, hv);
  EXPECT_TRUE(last_sent(VoteType::kPrevote)->signature_valid(test::chain_id()));
}

TEST_F(Single, AnInvalidProposalIsPrevotedNilReportedAndCheckedOnce) {
  validity = [](const Proposal&) { return Status::error("block does not execute"); };
  Output o = step(proposal(1, 0, v));
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, Hash{});
  ASSERT_TRUE(has_drop(o, DropReason::kInvalidValue));
  EXPECT_EQ(o.dropped[0].detail, "block does not execute");
  EXPECT_EQ(o.dropped[0].sender, keys[1].pubkey());
  // Prevotes for it (line 36) and precommits for it (line 49) ask again: the verdict is kept.
  votes_from_others(VoteType::kPrevote, 0, hv, 3);
  votes_from_others(VoteType::kPrecommit, 0, hv, 3);
  EXPECT_EQ(validity_calls, 1);
  EXPECT_FALSE(engine->decided());  // never decides a value it finds invalid (line 50)
  EXPECT_EQ(engine->locked_round(), std::nullopt);
}

TEST_F(Single, ALockedNodePrevotesNilForAnotherValueWithoutAPol) {
  lock_on_v_in_round_0_then_go_to_round_1();
  step(proposal(2, 1, w));  // key(3) proposes w in round 1, no POL
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->round, 1u);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, Hash{});
  EXPECT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
}

TEST_F(Single, ALockedNodeStillPrevotesItsLockedValue) {
  lock_on_v_in_round_0_then_go_to_round_1();
  step(proposal(2, 1, v));  // v again, no POL: lockedValue = v (line 23)
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, hv);
}

TEST_F(Single, ALockedNodePrevotesAnotherValueGivenAPolAtOrAfterItsLockedRound) {
  lock_on_v_in_round_0_then_go_to_round_1();
  // Round 1 without a proposal here: timeout -> nil prevote; the others prevote w (a POL for
  // w in round 1); nothing else happens, then the engine moves to round 2.
  tick(Step::kPropose);
  votes_from_others(VoteType::kPrevote, 1, hw, 3);
  tick(Step::kPrevote);
  votes_from_others(VoteType::kPrecommit, 1, Hash{}, 2);
  tick(Step::kPrecommit);
  ASSERT_EQ(engine->round(), 2u);
  // key(4) re-proposes w in round 2 with pol_round 1: lockedRound 0 <= 1 (line 29).
  step(proposal(3, 2, w, 1));
  EXPECT_EQ(last_sent(VoteType::kPrevote)->round, 2u);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, hw);
}

TEST_F(Single, APolOlderThanTheLockDoesNotUnlock) {
  // Round 0: the engine sees no proposal, the others prevote w (a POL for w in round 0).
  tick(Step::kPropose);
  votes_from_others(VoteType::kPrevote, 0, hw, 3);
  tick(Step::kPrevote);
  votes_from_others(VoteType::kPrecommit, 0, Hash{}, 2);
  tick(Step::kPrecommit);
  // Round 1: key(3) proposes v, everyone prevotes it: the engine locks on v in round 1.
  step(proposal(2, 1, v));
  votes_from_others(VoteType::kPrevote, 1, hv, 2);
  ASSERT_EQ(engine->locked_round(), std::optional<uint32_t>(1));
  votes_from_others(VoteType::kPrecommit, 1, Hash{}, 2);
  tick(Step::kPrecommit);
  ASSERT_EQ(engine->round(), 2u);
  // Round 2: w with its round-0 POL: lockedRound 1 > 0 and lockedValue != w -> nil (line 32).
  step(proposal(3, 2, w, 0));
  EXPECT_EQ(last_sent(VoteType::kPrevote)->round, 2u);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, Hash{});
}

TEST_F(Single, AProposalWithAPolWaitsForTheQuorumOfThatRound) {
  step(vote(1, VoteType::kPrevote, 2, Hash{}));
  step(vote(2, VoteType::kPrevote, 2, Hash{}));  // f+1 in round 2: skip there
  ASSERT_EQ(engine->round(), 2u);
  step(proposal(3, 2, w, 1));
  EXPECT_EQ(engine->step_kind(), Step::kPropose);  // no POL seen yet (line 28 not met)
  step(vote(1, VoteType::kPrevote, 1, hw));
  step(vote(2, VoteType::kPrevote, 1, hw));
  EXPECT_EQ(engine->step_kind(), Step::kPropose);
  step(vote(3, VoteType::kPrevote, 1, hw));  // 2f+1 for w in round 1
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, hw);
}

// ---- prevote -> precommit (lines 34-46) ----

TEST_F(Single, AQuorumOfPrevotesForTheProposalLocksAndPrecommits) {
  step(proposal(1, 0, v));
  votes_from_others(VoteType::kPrevote, 0, hv, 2);  // with its own: 3 = quorum
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
  EXPECT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
  EXPECT_EQ(last_sent(VoteType::kPrecommit)->block_hash, hv);
}

TEST_F(Single, AQuorumOfNilPrevotesPrecommitsNil) {
  tick(Step::kPropose);
  votes_from_others(VoteType::kPrevote, 0, Hash{}, 2);
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
  EXPECT_EQ(last_sent(VoteType::kPrecommit)->block_hash, Hash{});
  EXPECT_EQ(engine->locked_round(), std::nullopt);
}

TEST_F(Single, AQuorumOfMixedPrevotesStartsThePrevoteTimeoutThatPrecommitsNil) {
  step(proposal(1, 0, v));
  step(vote(1, VoteType::kPrevote, 0, Hash{}));
  step(vote(2, VoteType::kPrevote, 0, hw));
  ASSERT_FALSE(out.timers.empty());
  EXPECT_EQ(out.timers.back().timeout, (Timeout{kH, 0, Step::kPrevote}));  // line 34
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  tick(Step::kPrevote);  // lines 61-64
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
  EXPECT_EQ(last_sent(VoteType::kPrecommit)->block_hash, Hash{});
}

// ---- decide (line 49) ----

TEST_F(Single, AProposalAndAQuorumOfPrecommitsDecideWithACertificate) {
  step(proposal(1, 0, v));
  votes_from_others(VoteType::kPrevote, 0, hv, 2);
  step(vote(3, VoteType::kPrecommit, 0, hv));
  EXPECT_FALSE(engine->decided());
  step(vote(1, VoteType::kPrecommit, 0, hv));
  ASSERT_TRUE(out.decided);
  EXPECT_EQ(out.decided->value, v);
  EXPECT_EQ(out.decided->value_hash, hv);
  const auto& sigs = out.decided->certificate.sigs;
  ASSERT_EQ(sigs.size(), 3u);
  EXPECT_EQ(sigs[0].index, 0);
  EXPECT_EQ(sigs[1].index, 1);
  EXPECT_EQ(sigs[2].index, 3);
  EXPECT_TRUE(verify_certificate(out.decided->certificate, test::chain_id(), kH, hv, committee));
  EXPECT_TRUE(engine->decided());
  // Nothing more at this height: later ticks and messages are no-ops.
  EXPECT_TRUE(engine->tick(Timeout{kH, 0, Step::kPrecommit}).timers.empty());
  EXPECT_FALSE(step(vote(2, VoteType::kPrecommit, 0, hv)).decided);
}

TEST_F(Single, ACertificateHoldsOnlyThePrecommitsForTheDecidedValue) {
  step(proposal(1, 0, v));
  step(vote(3, VoteType::kPrecommit, 0, Hash{}));
  votes_from_others(VoteType::kPrecommit, 0, hv, 2);  // key(2), key(3)
  EXPECT_FALSE(engine->decided());
  votes_from_others(VoteType::kPrevote, 0, hv, 2);  // the engine precommits v: quorum
  ASSERT_TRUE(out.decided);
  for (const auto& s : out.decided->certificate.sigs) EXPECT_NE(s.index, 3);
  EXPECT_TRUE(verify_certificate(out.decided->certificate, test::chain_id(), kH, hv, committee));
}

TEST_F(Single, AnEarlierRoundsProposalAndPrecommitsStillDecide) {
  step(proposal(1, 0, v));
  step(vote(1, VoteType::kPrecommit, 2, Hash{}));
  step(vote(2, VoteType::kPrecommit, 2, Hash{}));  // skip to round 2
  ASSERT_EQ(engine->round(), 2u);
  votes_from_others(VoteType::kPrecommit, 0, hv, 3);  // round 0's precommits arrive late
  ASSERT_TRUE(out.decided);
  EXPECT_EQ(out.decided->round, 0u);
  EXPECT_EQ(out.decided->certificate.round, 0u);
}

// ---- rounds ----

TEST_F(Single, FPlusOneMessagesOfAHigherRoundSkipToIt) {
  step(vote(1, VoteType::kPrevote, 5, Hash{}));
  step(vote(1, VoteType::kPrecommit, 5, Hash{}));  // the same sender twice: still one
  EXPECT_EQ(engine->round(), 0u);
  step(vote(2, VoteType::kPrecommit, 5, hw));  // f + 1 = 2 distinct members (line 55)
  EXPECT_EQ(engine->round(), 5u);
  EXPECT_EQ(engine->step_kind(), Step::kPropose);
  EXPECT_EQ(out.timers.back().timeout, (Timeout{kH, 5, Step::kPropose}));
}

TEST_F(Single, PrecommitTimeoutGoesToTheNextRound) {
  tick(Step::kPropose);
  votes_from_others(VoteType::kPrevote, 0, Hash{}, 2);
  votes_from_others(VoteType::kPrecommit, 0, Hash{}, 2);
  tick(Step::kPrecommit);
  EXPECT_EQ(engine->round(), 1u);
  EXPECT_EQ(engine->step_kind(), Step::kPropose);
}

TEST_F(Single, StaleTicksAreIgnored) {
  const Snapshot before = snap();
  for (const Timeout t : {Timeout{kH, 0, Step::kPrevote}, Timeout{kH, 0, Step::kPrecommit},
                          Timeout{kH, 1, Step::kPropose}, Timeout{Height(2), 0, Step::kPropose},
                          Timeout{Height(0), 0, Step::kPropose}}) {
    const Output o = engine->tick(t);
    EXPECT_TRUE(o.to_sign.empty() && o.timers.empty() && !o.propose && !o.decided);
  }
  EXPECT_EQ(snap(), before);
  tick(Step::kPropose);
  ASSERT_EQ(engine->step_kind(), Step::kPrevote);
  const Snapshot after_prevote = snap();
  const Output again = engine->tick(Timeout{kH, 0, Step::kPropose});  // fired already
  EXPECT_TRUE(again.to_sign.empty());
  EXPECT_EQ(snap(), after_prevote);
}

}  // namespace
}  // namespace swarmchain::consensus
