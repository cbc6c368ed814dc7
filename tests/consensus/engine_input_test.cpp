// consensus::Engine and what it is given: bad input (dropped with its reason, state unchanged),
// floods, equivocation, messages of the next height, observers.
#include <gtest/gtest.h>

#include "consensus/engine.h"
#include "consensus/vote_set.h"
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

// ---- bad input: dropped, state unchanged ----

TEST_F(Single, BadMessagesAreDroppedWithTheirReasonAndChangeNothing) {
  step(proposal(1, 0, v));  // some state: prevote step, one own message
  Vote forged = vote(1, VoteType::kPrevote, 0, hv);
  forged.signature.data[0] ^= 1;
  Proposal forged_proposal = proposal(2, 1, w);
  forged_proposal.value_hash = hv;  // no longer what was signed
  const KeyPair outsider = key(99);
  const struct {
    const char* name;
    Message m;
    DropReason reason;
  } cases[] = {
      {"bad vote signature", forged, DropReason::kBadSignature},
      {"bad proposal signature", forged_proposal, DropReason::kBadSignature},
      {"non-member", signed_vote(outsider, VoteType::kPrevote, kH, 0, hv), DropReason::kNotMember},
      {"stale height", vote(1, VoteType::kPrevote, 0, hv, Height(0)), DropReason::kStaleHeight},
      {"far future", vote(1, VoteType::kPrevote, 0, hv, Height(3)), DropReason::kFutureHeight},
      {"round too far", vote(1, VoteType::kPrevote, Engine::kMaxRoundAhead + 1, hv),
       DropReason::kRoundTooFar},
      {"not proposer", proposal(2, 0, w), DropReason::kNotProposer},
      {"duplicate", proposal(1, 0, v), DropReason::kDuplicate},
      {"second proposal", proposal(1, 0, w), DropReason::kDuplicate},
      {"pol not below round", proposal(2, 1, w, 1), DropReason::kInvalidValue},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Snapshot before = snap();
    const Output o = engine->step(c.m);
    ASSERT_EQ(o.dropped.size(), 1u);
    EXPECT_EQ(o.dropped[0].reason, c.reason);
    EXPECT_EQ(o.dropped[0].sender, signer_of(c.m));
    EXPECT_TRUE(o.to_sign.empty() && o.timers.empty() && !o.decided);
    EXPECT_EQ(snap(), before);
  }
  // None of them counted: two real prevotes for v are still needed (not one).
  step(vote(1, VoteType::kPrevote, 0, hv));
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  step(vote(2, VoteType::kPrevote, 0, hv));
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
}

TEST_F(Single, ARoundExactlyMaxAheadIsAccepted) {
  Output o = step(vote(1, VoteType::kPrevote, Engine::kMaxRoundAhead, Hash{}));
  EXPECT_TRUE(o.dropped.empty());
}

TEST_F(Single, AMemberFloodingRoundsIsKeptToOneVoteOfEachTypePerRoundWithinReach) {
  std::size_t kept = 0, too_far = 0, duplicate = 0;
  for (uint32_t r = 0; r < 1000; ++r)
    for (int copy = 0; copy < 2; ++copy) {
      const Output o = engine->step(vote(1, VoteType::kPrecommit, r, Hash{}));
      kept += o.dropped.empty();
      too_far += has_drop(o, DropReason::kRoundTooFar);
      duplicate += has_drop(o, DropReason::kDuplicate);
    }
  EXPECT_EQ(kept, Engine::kMaxRoundAhead + 1);  // rounds 0..64, one each
  EXPECT_EQ(duplicate, Engine::kMaxRoundAhead + 1);
  EXPECT_EQ(too_far, 2 * (1000 - Engine::kMaxRoundAhead - 1));
  EXPECT_EQ(engine->round(), 0u);  // one member is not f + 1
}

// ---- equivocation: reported once, counted for each value it signed (vote_set.h) ----

TEST_F(Single, EquivocationIsReportedOnceAndTheSecondVoteCountsForItsValue) {
  step(proposal(1, 0, w));  // the engine prevotes w
  const Vote first = vote(1, VoteType::kPrevote, 0, hv);
  const Vote second = vote(1, VoteType::kPrevote, 0, hw);
  step(first);
  Output o = step(second);
  ASSERT_EQ(o.evidence.size(), 1u);
  EXPECT_EQ(o.evidence[0].first, first);
  EXPECT_EQ(o.evidence[0].second, second);
  EXPECT_TRUE(votes_conflict(o.evidence[0].first, o.evidence[0].second));
  EXPECT_TRUE(o.dropped.empty());
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);  // w: own + key(2) = 2 of 3
  // A third value of key(2) is kept too, without new evidence; the same value again is a
  // duplicate.
  Output third = step(vote(1, VoteType::kPrevote, 0, Hash{}));
  EXPECT_TRUE(third.evidence.empty());
  EXPECT_TRUE(third.dropped.empty());
  Output again = step(vote(1, VoteType::kPrevote, 0, hw));
  EXPECT_TRUE(again.evidence.empty());
  EXPECT_TRUE(has_drop(again, DropReason::kDuplicate));
  // key(3)'s prevote for w is the third member that signed w: the engine locks on w.
  step(vote(2, VoteType::kPrevote, 0, hw));
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
  EXPECT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
}

// The simulator's stall (docs/simulator.md, "Open failures" 2): the engine saw the equivocator's
// nil prevote of round 0 first; the POL of the round-1 re-proposal is two honest prevotes plus
// the equivocator's prevote for the value, and it must be accepted (line 28).
TEST_F(Single, APolCompletedByAnEquivocatorsSecondVoteIsAccepted) {
  tick(Step::kPropose);  // round 0's proposal never arrives: the engine prevotes nil
  step(vote(1, VoteType::kPrevote, 0, Hash{}));  // key(2): nil here, v elsewhere
  step(vote(2, VoteType::kPrevote, 0, hv));
  step(vote(3, VoteType::kPrevote, 0, hv));
  // Round 1: key(3) re-proposes v with its POL of round 0; key(4) is there too (f + 1).
  step(proposal(2, 1, v, 0));
  step(vote(3, VoteType::kPrevote, 1, hv));
  ASSERT_EQ(engine->round(), 1u);
  EXPECT_EQ(engine->step_kind(), Step::kPropose);  // the POL is one vote short: 2 of 3
  EXPECT_EQ(last_sent(VoteType::kPrevote)->round, 0u);
  // A peer relays key(2)'s prevote for v (own_messages of a locked node).
  Output o = step(vote(1, VoteType::kPrevote, 0, hv));
  EXPECT_EQ(o.evidence.size(), 1u);
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  ASSERT_EQ(last_sent(VoteType::kPrevote)->round, 1u);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, hv);
}

TEST_F(Single, ADecisionsCertificateMayHoldTheEquivocatorsPrecommitForTheValue) {
  step(proposal(1, 0, v));
  votes_from_others(VoteType::kPrevote, 0, hv, 2);  // the engine locks and precommits v
  ASSERT_EQ(engine->step_kind(), Step::kPrecommit);
  step(vote(1, VoteType::kPrecommit, 0, Hash{}));  // key(2): nil first, then v
  step(vote(3, VoteType::kPrecommit, 0, Hash{}));  // key(4): nil
  EXPECT_FALSE(engine->decided());
  Output o = step(vote(1, VoteType::kPrecommit, 0, hv));  // own + key(2) = 2
  EXPECT_FALSE(engine->decided());
  o = step(vote(2, VoteType::kPrecommit, 0, hv));  // + key(3) = 3
  ASSERT_TRUE(o.decided);
  const CommitCertificate& cert = o.decided->certificate;
  ASSERT_EQ(cert.sigs.size(), 3u);
  EXPECT_EQ(cert.sigs[0].index, 0u);
  EXPECT_EQ(cert.sigs[1].index, 1u);
  EXPECT_EQ(cert.sigs[1].signature, vote(1, VoteType::kPrecommit, 0, hv).signature);
  EXPECT_EQ(cert.sigs[2].index, 2u);
  EXPECT_TRUE(verify_certificate(cert, test::chain_id(), kH, hv, committee).is_ok());
}

TEST_F(Single, AnyValueAndTheRoundSkipCountAnEquivocatorOnce) {
  step(proposal(1, 0, v));  // the engine prevotes v
  // key(2) prevotes nil and w: 2 members of any value (own + key(2)), not 3.
  Output o = step(vote(1, VoteType::kPrevote, 0, Hash{}));
  o.merge(step(vote(1, VoteType::kPrevote, 0, hw)));
  EXPECT_TRUE(o.timers.empty());  // no prevote timer (line 34)
  // key(3)'s nil makes 3 members: the timer starts; nil has key(2) and key(3) only (2 of 3).
  o = step(vote(2, VoteType::kPrevote, 0, Hash{}));
  ASSERT_EQ(o.timers.size(), 1u);
  EXPECT_EQ(o.timers[0].timeout.step, Step::kPrevote);
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  // Round 5: key(2)'s two conflicting votes are one member, not f + 1 = 2.
  step(vote(1, VoteType::kPrecommit, 5, Hash{}));
  step(vote(1, VoteType::kPrecommit, 5, hw));
  EXPECT_EQ(engine->round(), 0u);
  step(vote(2, VoteType::kPrecommit, 5, Hash{}));
  EXPECT_EQ(engine->round(), 5u);
}

TEST_F(Single, AnEquivocatorFloodingValuesIsKeptToTheBoundAndReportedOnce) {
  constexpr std::size_t kValues = 200;
  std::size_t kept = 0, duplicate = 0, evidence = 0, bad_signature = 0;
  for (std::size_t i = 0; i < kValues; ++i) {
    const Hash value = value_hash(value_for(10 + i, kH, 0));
    for (int copy = 0; copy < 2; ++copy) {
      const Output o = engine->step(vote(1, VoteType::kPrecommit, 0, value));
      kept += o.dropped.empty();
      duplicate += has_drop(o, DropReason::kDuplicate);
      bad_signature += has_drop(o, DropReason::kBadSignature);
      evidence += o.evidence.size();
    }
  }
  EXPECT_EQ(kept, VoteSet::kMaxValuesPerMember);
  EXPECT_EQ(duplicate, 2 * kValues - VoteSet::kMaxValuesPerMember);
  EXPECT_EQ(bad_signature, 0u);
  EXPECT_EQ(evidence, 1u);
  // What is kept is what is relayed once the engine leaves the round: the bound, no more.
  step(vote(2, VoteType::kPrecommit, 0, Hash{}));
  step(vote(3, VoteType::kPrecommit, 0, Hash{}));
  tick(Step::kPrecommit);
  ASSERT_EQ(engine->round(), 1u);
  std::size_t relayed = 0;
  for (const Message& m : engine->own_messages())
    if (const auto* x = std::get_if<Vote>(&m); x && x->validator == keys[1].pubkey()) ++relayed;
  EXPECT_EQ(relayed, VoteSet::kMaxValuesPerMember);
}

// ---- height + 1 ----

TEST_F(Single, NextHeightMessagesAreKeptAndReplayedByStartHeight) {
  const Height h2(2);
  const Bytes v2 = value_for(2, h2, 0);
  // proposer(2, 0) = committee[2] = key(3).
  const Output o1 = engine->step(signed_proposal(keys[2], h2, 0, v2));
  const Output o2 = engine->step(signed_vote(keys[1], VoteType::kPrevote, h2, 0, value_hash(v2)));
  EXPECT_TRUE(o1.dropped.empty() && o2.dropped.empty());
  EXPECT_EQ(engine->height(), kH);
  settle(engine->start_height(h2, committee));
  EXPECT_EQ(engine->height(), h2);
  // The replayed proposal was prevoted, and key(2)'s replayed prevote counted with it: one
  // more (key(4)) makes the quorum.
  EXPECT_EQ(last_sent(VoteType::kPrevote)->height, h2);
  EXPECT_EQ(last_sent(VoteType::kPrevote)->block_hash, value_hash(v2));
  settle(engine->step(signed_vote(keys[3], VoteType::kPrevote, h2, 0, value_hash(v2))));
  EXPECT_EQ(engine->step_kind(), Step::kPrecommit);
  EXPECT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
}

TEST_F(Single, TheNextHeightBufferIsBoundedPerSenderAndForOutsiders) {
  const Height h2(2);
  std::size_t kept = 0, full = 0;
  for (uint32_t r = 0; r < 100; ++r) {
    const Output o = engine->step(signed_vote(keys[1], VoteType::kPrevote, h2, r, Hash{}));
    kept += o.dropped.empty();
    full += has_drop(o, DropReason::kBufferFull);
  }
  EXPECT_EQ(kept, Engine::kMaxBufferedPerSender);
  EXPECT_EQ(full, 100 - Engine::kMaxBufferedPerSender);
  // Fresh keys (maybe next epoch's members) share committee.size() sender slots.
  kept = 0;
  for (uint8_t k = 100; k < 120; ++k) {
    const Output o = engine->step(signed_vote(key(k), VoteType::kPrevote, h2, 0, Hash{}));
    kept += o.dropped.empty();
  }
  EXPECT_EQ(kept, committee.size());
  // A forged one is not kept at all; the same one twice is a duplicate.
  Vote forged = signed_vote(keys[2], VoteType::kPrevote, h2, 0, Hash{});
  forged.signature.data[5] ^= 1;
  EXPECT_TRUE(has_drop(engine->step(forged), DropReason::kBadSignature));
  const Vote once = signed_vote(keys[2], VoteType::kPrevote, h2, 0, Hash{});
  EXPECT_TRUE(engine->step(once).dropped.empty());
  EXPECT_TRUE(has_drop(engine->step(once), DropReason::kDuplicate));
  // The replay checks them again against the new height's committee: outsiders are dropped.
  const Output started = engine->start_height(h2, committee);
  std::size_t not_member = 0;
  for (const auto& d : started.dropped) not_member += d.reason == DropReason::kNotMember;
  EXPECT_EQ(not_member, committee.size());
}

// ---- observers ----

TEST(EngineObserver, DecidesFromAProposalAndAQuorumOfPrecommitsWithoutSigning) {
  const std::vector<KeyPair> keys{key(1), key(2), key(3), key(4)};
  std::vector<PubKey> committee;
  for (const auto& k : keys) committee.push_back(k.pubkey());
  Engine e(test::chain_id(), key(50).pubkey(), TimeoutConfig{}, hash_matches);
  Output all = e.start_height(kH, committee);
  EXPECT_FALSE(e.is_member());
  const Bytes v = value_for(1, kH, 0);
  all.merge(e.step(signed_proposal(keys[1], kH, 0, v)));
  all.merge(e.tick(Timeout{kH, 0, Step::kPropose}));  // fired already: nothing either way
  for (std::size_t k : {0, 1, 2})
    all.merge(e.step(signed_vote(keys[k], VoteType::kPrevote, kH, 0, value_hash(v))));
  for (std::size_t k : {0, 2}) {
    all.merge(e.step(signed_vote(keys[k], VoteType::kPrecommit, kH, 0, value_hash(v))));
    EXPECT_FALSE(e.decided());
  }
  all.merge(e.step(signed_vote(keys[3], VoteType::kPrecommit, kH, 0, value_hash(v))));
  ASSERT_TRUE(all.decided);
  EXPECT_EQ(all.decided->value, v);
  EXPECT_TRUE(
      verify_certificate(all.decided->certificate, test::chain_id(), kH, value_hash(v), committee));
  EXPECT_TRUE(all.to_sign.empty());
  EXPECT_FALSE(all.propose);
  EXPECT_TRUE(e.own_messages().empty());
}

TEST(EngineObserver, FollowsRoundsByTimeoutsWithoutSigning) {
  std::vector<PubKey> committee{key(1).pubkey(), key(2).pubkey(), key(3).pubkey()};
  Engine e(test::chain_id(), key(50).pubkey(), TimeoutConfig{}, hash_matches);
  Output all = e.start_height(kH, committee);
  for (uint32_t r = 0; r < 5; ++r) {
    for (Step s : {Step::kPropose, Step::kPrevote, Step::kPrecommit})
      all.merge(e.tick(Timeout{kH, r, s}));
    for (std::size_t k = 0; k < 3; ++k)
      all.merge(e.step(
          signed_vote(key(static_cast<uint8_t>(k + 1)), VoteType::kPrecommit, kH, r, Hash{})));
    all.merge(e.tick(Timeout{kH, r, Step::kPrecommit}));
  }
  EXPECT_EQ(e.round(), 5u);
  EXPECT_TRUE(all.to_sign.empty());
  EXPECT_FALSE(all.propose);
}

TEST(EngineNames, EveryStepAndDropReasonHasAName) {
  EXPECT_STREQ(step_name(Step::kPrevote), "prevote");
  EXPECT_STREQ(drop_reason_name(DropReason::kRoundTooFar), "round_too_far");
  EXPECT_STREQ(drop_reason_name(DropReason::kInvalidValue), "invalid_value");
}

}  // namespace
}  // namespace swarmchain::consensus
