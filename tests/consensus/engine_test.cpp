// consensus::Engine, one behaviour per test. Two harnesses:
//   - Single: one engine under test (node 0 = key(1)) of a committee of four; the other three
//     members are played by the test with hand-made signed messages, so each rule of
//     Algorithm 1 is reached on purpose;
//   - TestNet (test_net.h): every member is an engine, messages go through a FIFO pool.
// Heights start at 1, so proposer(1, r) = committee[(1 + r) mod 4]: key(2) in round 0,
// key(3) in round 1, key(4) in round 2, key(1) (the engine) in round 3.
#include <gtest/gtest.h>

#include <algorithm>

#include "consensus/engine.h"
#include "tests/consensus/test_net.h"

namespace swarmchain::consensus {
namespace {

using test::hash_matches;
using test::key;
using test::signed_proposal;
using test::signed_vote;
using test::TestNet;
using test::value_for;
using test::value_hash;

const Height kH(1);

// What "the state did not change" compares.
struct Snapshot {
  Height height;
  uint32_t round;
  Step step;
  std::optional<uint32_t> locked;
  bool decided;
  std::size_t own;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class Single : public ::testing::Test {
 protected:
  Single() : keys{key(1), key(2), key(3), key(4)} {
    for (const auto& k : keys) committee.push_back(k.pubkey());
  }

  void SetUp() override { start(); }

  void start(uint64_t propose_delay_ms = 0) {
    engine.emplace(test::chain_id(), keys[0].pubkey(), TimeoutConfig{}, [this](const Proposal& p) {
      ++validity_calls;
      return validity ? validity(p) : hash_matches(p);
    });
    out = settle(engine->start_height(kH, committee, propose_delay_ms));
  }

  // Signs the engine's requests with its key, steps them back in (and so on); returns every
  // output merged, and keeps the signed messages in `sent`.
  Output settle(Output o) {
    Output all;
    std::vector<SignRequest> reqs = o.to_sign;
    all.merge(std::move(o));
    for (auto& r : reqs) {
      std::visit([&](auto& x) { x.sign(keys[0], test::chain_id()); }, r);
      sent.push_back(r);
      all.merge(settle(engine->step(r)));
    }
    return all;
  }
  Output step(const Message& m) { return out = settle(engine->step(m)); }
  Output tick(Step s) { return out = settle(engine->tick(Timeout{kH, engine->round(), s})); }

  Snapshot snap() const {
    return {engine->height(),       engine->round(),    engine->step_kind(),
            engine->locked_round(), engine->decided(), engine->own_messages().size()};
  }

  // The engine's last signed vote of `type`.
  std::optional<Vote> last_sent(VoteType type) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (const auto* x = std::get_if<Vote>(&*it); x && x->type == type) return *x;
    return std::nullopt;
  }

  Vote vote(std::size_t k, VoteType t, uint32_t r, const Hash& value, Height h = kH) {
    return signed_vote(keys[k], t, h, r, value);
  }
  Proposal proposal(std::size_t k, uint32_t r, const Bytes& value, uint32_t pol = kNoRound,
                    Height h = kH) {
    return signed_proposal(keys[k], h, r, value, pol);
  }
  // Prevotes (or precommits) for v from members 1..3 in round r.
  void votes_from_others(VoteType t, uint32_t r, const Hash& value, std::size_t count = 3) {
    for (std::size_t k = 1; k <= count; ++k) step(vote(k, t, r, value));
  }

  // Round 0: key(2) proposes v, everyone prevotes it: the engine locks on v in round 0. Then
  // the others precommit nil, the precommit timeout moves the engine to round 1.
  void lock_on_v_in_round_0_then_go_to_round_1() {
    step(proposal(1, 0, v));
    votes_from_others(VoteType::kPrevote, 0, hv, 2);
    ASSERT_EQ(engine->locked_round(), std::optional<uint32_t>(0));
    votes_from_others(VoteType::kPrecommit, 0, Hash{}, 2);
    tick(Step::kPrecommit);
    ASSERT_EQ(engine->round(), 1u);
  }

  std::vector<KeyPair> keys;
  std::vector<PubKey> committee;
  std::optional<Engine> engine;
  std::function<Status(const Proposal&)> validity;
  int validity_calls = 0;
  std::vector<Message> sent;
  Output out;
  const Bytes v = value_for(1, kH, 0);
  const Hash hv = value_hash(v);
  const Bytes w = value_for(2, kH, 1);
  const Hash hw = value_hash(w);
};

bool has_drop(const Output& o, DropReason r) {
  return std::any_of(o.dropped.begin(), o.dropped.end(),
                     [&](const Dropped& d) { return d.reason == r; });
}

// ---- whole committees ----

TEST(EngineSolo, ACommitteeOfOneDecidesWithNoExternalMessage) {
  TestNet net(1);
  net.start(kH);
  ASSERT_EQ(net.decisions(0).count(1), 1u);
  const Decision& d = net.decisions(0).at(1);
  EXPECT_EQ(d.round, 0u);
  EXPECT_EQ(d.value, value_for(0, kH, 0));
  EXPECT_TRUE(verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash,
                                 net.committee()));
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
    EXPECT_TRUE(verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash,
                                   net.committee()));
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
    EXPECT_TRUE(verify_certificate(d.certificate, test::chain_id(), kH, d.value_hash,
                                   net.committee()));
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

TEST_F(Single, EquivocationIsReportedAndTheSecondVoteIsNotCounted) {
  step(proposal(1, 0, w));  // the engine prevotes w
  const Vote first = vote(1, VoteType::kPrevote, 0, hv);
  const Vote second = vote(1, VoteType::kPrevote, 0, hw);
  step(first);
  Output o = step(second);
  ASSERT_EQ(o.evidence.size(), 1u);
  EXPECT_EQ(o.evidence[0].first, first);
  EXPECT_EQ(o.evidence[0].second, second);
  EXPECT_TRUE(votes_conflict(o.evidence[0].first, o.evidence[0].second));
  step(vote(2, VoteType::kPrevote, 0, hw));  // w: own + key(3) = 2; key(2)'s w not counted
  EXPECT_EQ(engine->step_kind(), Step::kPrevote);
  EXPECT_EQ(engine->locked_round(), std::nullopt);
  // A third vote of key(2) is a duplicate, reported once.
  Output again = step(vote(1, VoteType::kPrevote, 0, Hash{}));
  EXPECT_TRUE(again.evidence.empty());
  EXPECT_TRUE(has_drop(again, DropReason::kDuplicate));
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
  EXPECT_TRUE(verify_certificate(all.decided->certificate, test::chain_id(), kH, value_hash(v),
                                 committee));
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
      all.merge(e.step(signed_vote(key(static_cast<uint8_t>(k + 1)), VoteType::kPrecommit, kH, r,
                                   Hash{})));
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
