// ReachTester alone (node/reach_tester.h) on a MemChain: the genesis committee (dev: 4 seats)
// is test_key(200), 210, 211, 212, every quorum is those four with a threshold of 3, and every
// active node is a target. 200, 210 and 211 prove (so have contact data); 212 never does.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "chain/tx_check.h"
#include "node/reach_tester.h"
#include "tests/chain/chain_sim.h"

namespace swarmchain {
namespace {

using test::genesis_with_nodes;
using test::key_of;
using test::MemChain;
using test::test_key;
using Verdict = ReachTester::Verdict;

UptimeContact contact_of(uint8_t k) {
  return UptimeContact{0x0a000000u + k, 22020, 22021, static_cast<uint16_t>(30000 + k), {1, 0, 0}};
}

class ReachTesterTest : public ::testing::Test {
 protected:
  ReachTesterTest() : chain(genesis_with_nodes({210, 211, 212})) {
    chain.run_to(2);
    std::vector<Tx> proofs;
    for (uint8_t k : {200, 210, 211})
      proofs.push_back(make_uptime_proof(test_key(k), chain_id(), chain.next_time(), contact_of(k)));
    chain.next(proofs);
  }

  const Hash& chain_id() const { return chain.ex.chain_id(); }
  uint64_t epoch() const { return chain.ex.params().epoch_blocks; }
  Height tip() const { return chain.tip.height; }
  ReachQuorum quorum(Height h) const {
    return reach_quorum(*chain.state.committee(h.next(), epoch()), h,
                        chain.state.recent_hashes.at(h));
  }
  std::vector<ReachProbe> commit(ReachTester& t, bool probing = true) {
    return t.on_committed(chain.state, epoch(), now, probing);
  }
  // `signer`'s vote at h against `target`, under its own member index unless `index` is given.
  wire::ReachVote vote(Height h, const PubKey& target, const KeyPair& signer,
                       std::optional<uint16_t> index = std::nullopt,
                       uint32_t checks = kReachCheckP2p, uint8_t state = kStateChangeDecommission) {
    wire::ReachVote v;
    v.height = h;
    v.target = target;
    v.new_state = state;
    v.failed_checks = checks;
    v.index = index ? *index : static_cast<uint16_t>(quorum(h).index_of(signer.pubkey()));
    v.signature = signer.sign(reach_vote_hash(chain_id(), h, target, state, checks));
    return v;
  }
  static std::set<PubKey> targets_of(const std::vector<ReachProbe>& probes) {
    std::set<PubKey> out;
    for (const ReachProbe& p : probes) out.insert(p.target);
    return out;
  }

  MemChain chain;
  uint64_t now = 1'000'000;
  const KeyPair me = test_key(200);
  const KeyPair k210 = test_key(210);
  const KeyPair k211 = test_key(211);
  const KeyPair k212 = test_key(212);
  const KeyPair outsider = test_key(3);
};

TEST_F(ReachTesterTest, AMemberProbesTheTargetsWithContactButNotItself) {
  const ReachQuorum q = quorum(tip());
  ASSERT_EQ(q.members.size(), 4u);
  ASSERT_EQ(q.threshold, 3u);
  ASSERT_LT(q.index_of(me.pubkey()), q.members.size());
  ReachTester t(me, chain_id());
  const std::vector<ReachProbe> probes = commit(t);
  EXPECT_EQ(targets_of(probes), (std::set<PubKey>{k210.pubkey(), k211.pubkey()}));
  for (const ReachProbe& p : probes) {
    EXPECT_EQ(p.height, tip());
    const uint8_t k = p.target == k210.pubkey() ? 210 : 211;
    EXPECT_EQ(p.host_port, "10.0.0." + std::to_string(k) + ":" + std::to_string(30000 + k));
  }
  EXPECT_EQ(t.stats().probes_started, 2u);
  EXPECT_EQ(t.rounds(), 1u);
}

TEST_F(ReachTesterTest, ANonMemberOrANodeNotProbingOnlyKeepsTheQuorum) {
  ReachTester outside(outsider, chain_id());
  EXPECT_TRUE(commit(outside).empty());
  EXPECT_EQ(outside.rounds(), 1u) << "it still checks votes of this height";
  ReachTester quiet(me, chain_id());
  EXPECT_TRUE(commit(quiet, false).empty());
  EXPECT_EQ(quiet.stats().probes_started, 0u);
  // It still accepts and counts a member's vote.
  EXPECT_EQ(quiet.on_vote(vote(tip(), k211.pubkey(), k210)), Verdict::kAccepted);
}

TEST_F(ReachTesterTest, InFlightAndRecentlyOkTargetsAreNotProbedAgain) {
  ReachTester t(me, chain_id());
  const std::vector<ReachProbe> first = commit(t);
  ASSERT_EQ(first.size(), 2u);
  chain.next();
  EXPECT_TRUE(commit(t).empty()) << "both still in flight";
  for (const ReachProbe& p : first) EXPECT_FALSE(t.on_probe_result(p, Status::ok(), now));
  chain.next();
  now += ReachTester::kRetestAfterOkMs - 1;
  EXPECT_TRUE(commit(t).empty()) << "answered less than kRetestAfterOkMs ago";
  chain.next();
  now += 1;
  EXPECT_EQ(commit(t).size(), 2u);
}

TEST_F(ReachTesterTest, AFailedProbeIsAVoteThatVerifiesAndAnotherMemberAccepts) {
  ReachTester t(me, chain_id());
  const std::vector<ReachProbe> probes = commit(t);
  ASSERT_FALSE(probes.empty());
  const ReachProbe p = probes.front();
  const std::optional<wire::ReachVote> v = t.on_probe_result(p, Status::error("refused"), now);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->height, tip());
  EXPECT_EQ(v->target, p.target);
  EXPECT_EQ(v->new_state, kStateChangeDecommission);
  EXPECT_EQ(v->failed_checks, kReachCheckP2p);
  EXPECT_EQ(v->index, quorum(tip()).index_of(me.pubkey()));
  EXPECT_TRUE(verify(me.pubkey(),
                     reach_vote_hash(chain_id(), v->height, v->target, v->new_state,
                                     v->failed_checks),
                     v->signature));
  EXPECT_EQ(t.stats().probes_failed, 1u);
  EXPECT_EQ(t.stats().votes_sent, 1u);
  EXPECT_EQ(t.on_vote(*v), Verdict::kKnown) << "its own vote is already in its pool";
  ReachTester peer(k212, chain_id());
  commit(peer, false);
  EXPECT_EQ(peer.on_vote(*v), Verdict::kAccepted);
  EXPECT_EQ(peer.on_vote(*v), Verdict::kKnown);
  EXPECT_EQ(peer.stats().votes_accepted, 1u);
  // A failed probe whose height was forgotten gives no vote.
  for (uint64_t i = 0; i < kReachVoteLifetimeBlocks; ++i) {
    chain.next();
    commit(t, false);
  }
  EXPECT_FALSE(t.on_probe_result(probes.back(), Status::error("refused"), now));
}

TEST_F(ReachTesterTest, AThresholdOfMatchingVotesBuildsExactlyOneStateChangeThatApplies) {
  ReachTester t(me, chain_id());
  const Height h = tip();
  std::optional<ReachProbe> of211;
  for (const ReachProbe& p : commit(t))
    if (p.target == k211.pubkey()) of211 = p;
  ASSERT_TRUE(of211);
  ASSERT_TRUE(t.on_probe_result(*of211, Status::error("refused"), now));
  EXPECT_EQ(t.on_vote(vote(h, k211.pubkey(), k210)), Verdict::kAccepted);
  EXPECT_TRUE(t.take_ready().empty()) << "2 of 3";
  // A vote against another target does not count toward this one.
  EXPECT_EQ(t.on_vote(vote(h, k210.pubkey(), k212)), Verdict::kAccepted);
  EXPECT_TRUE(t.take_ready().empty());
  EXPECT_EQ(t.on_vote(vote(h, k211.pubkey(), k212)), Verdict::kAccepted);
  std::vector<Tx> ready = t.take_ready();
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_EQ(t.stats().state_changes_built, 1u);
  EXPECT_EQ(t.on_vote(vote(h, k211.pubkey(), k212)), Verdict::kKnown);
  EXPECT_TRUE(t.take_ready().empty()) << "built once";

  const Tx& tx = ready[0];
  EXPECT_EQ(tx.sender, me.pubkey());
  const auto* c = std::get_if<StateChangePayload>(&tx.payload);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->sn_pubkey, k211.pubkey());
  EXPECT_EQ(c->height, h);
  EXPECT_EQ(c->reason_bits, kReachCheckP2p);
  EXPECT_EQ(c->votes.size(), 3u);
  ASSERT_TRUE(check_tx_stateless(tx, chain_id()));
  ASSERT_EQ(chain.state.registry.get(k211.pubkey())->state, NodeState::kActive);
  const Block b = chain.next({tx});
  const ServiceNode* sn = chain.state.registry.get(k211.pubkey());
  EXPECT_EQ(sn->state, NodeState::kDecommissioned);
  EXPECT_EQ(sn->last_decommission_height, b.header.height);
  EXPECT_EQ(sn->swarm_id, kUnassignedSwarm);
  // The second tester's copy of the same verdict would no longer apply: it is not active.
  EXPECT_FALSE(chain.build({tx}).skipped.empty());
}

TEST_F(ReachTesterTest, ForgedInvalidAndDuplicateVotesAreToldApart) {
  ReachTester t(me, chain_id());
  commit(t, false);
  const Height h = tip();
  const ReachQuorum q = quorum(h);
  const PubKey target = k211.pubkey();
  const uint16_t i210 = static_cast<uint16_t>(q.index_of(k210.pubkey()));
  const uint16_t i211 = static_cast<uint16_t>(q.index_of(target));
  // Forged: another member's index under the sender's key, or a non-member's key.
  EXPECT_EQ(t.on_vote(vote(h, target, k212, i210)), Verdict::kForged);
  EXPECT_EQ(t.on_vote(vote(h, target, outsider, i210)), Verdict::kForged);
  // Invalid: no such member, the target voting on itself, not a target, unknown bits or state.
  EXPECT_EQ(t.on_vote(vote(h, target, k210, static_cast<uint16_t>(q.members.size()))),
            Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, target, k211, i211)), Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, outsider.pubkey(), k210)), Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, target, k210, std::nullopt, 1u << 1)), Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, target, k210, std::nullopt, kReachCheckP2p | (1u << 5))),
            Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, target, k210, std::nullopt, 0)), Verdict::kInvalid);
  EXPECT_EQ(t.on_vote(vote(h, target, k210, std::nullopt, kReachCheckP2p, 2)), Verdict::kInvalid);
  EXPECT_EQ(t.stats().votes_accepted, 0u);
  // The forgeries did not take 210's place: its real vote is accepted, then known.
  const wire::ReachVote real = vote(h, target, k210);
  EXPECT_EQ(t.on_vote(real), Verdict::kAccepted);
  EXPECT_EQ(t.on_vote(real), Verdict::kKnown);
  EXPECT_EQ(t.stats().votes_accepted, 1u);
  // A forgery under an index that already voted is still a forgery, not a duplicate.
  EXPECT_EQ(t.on_vote(vote(h, target, k212, i210)), Verdict::kForged);
  EXPECT_TRUE(t.take_ready().empty());
  // Older than kReachVoteLifetimeBlocks: forgotten, ignored (no fault).
  for (uint64_t i = 0; i < kReachVoteLifetimeBlocks; ++i) {
    chain.next();
    commit(t, false);
  }
  EXPECT_EQ(t.on_vote(vote(h, target, k212)), Verdict::kIgnored);
  EXPECT_EQ(t.on_vote(vote(h, target, k212, i210)), Verdict::kIgnored);
}

TEST_F(ReachTesterTest, EarlyVotesWaitForTheirHeightThenAreAcceptedAndRelayed) {
  ReachTester t(me, chain_id());
  commit(t, false);
  // The chain moves on three blocks before this tester hears of them (the states it will be
  // given are kept).
  chain.next();
  const Height h1 = tip();
  const ChainState at_h1 = chain.state;
  const wire::ReachVote early = vote(h1, k211.pubkey(), k210);
  chain.next();
  const ChainState at_h2 = chain.state;
  chain.next();
  const Height h3 = tip();
  const wire::ReachVote too_early = vote(h3, k211.pubkey(), k210);
  EXPECT_EQ(t.on_vote(early), Verdict::kIgnored);
  EXPECT_EQ(t.on_vote(too_early), Verdict::kIgnored);
  EXPECT_TRUE(t.take_relay().empty());
  EXPECT_EQ(t.stats().votes_accepted, 0u);

  t.on_committed(at_h1, epoch(), now, false);
  const std::vector<wire::ReachVote> relay = t.take_relay();
  ASSERT_EQ(relay.size(), 1u);
  EXPECT_EQ(relay[0], early);
  EXPECT_EQ(t.stats().votes_accepted, 1u);
  EXPECT_EQ(t.on_vote(early), Verdict::kKnown);
  EXPECT_TRUE(t.take_relay().empty()) << "relayed once";
  // h3 was more than kEarlyHeights ahead: never kept, so never relayed, but valid once h3 is
  // committed.
  t.on_committed(at_h2, epoch(), now, false);
  commit(t, false);
  EXPECT_TRUE(t.take_relay().empty());
  EXPECT_EQ(t.on_vote(too_early), Verdict::kAccepted);
}

TEST_F(ReachTesterTest, EarlyForgedOrInvalidVotesAreScoredAgainstTheirSenderOnceChecked) {
  ReachTester t(me, chain_id());
  commit(t, false);
  chain.next();
  const Height h1 = tip();
  const ChainState at_h1 = chain.state;
  const ReachQuorum q = quorum(h1);
  const uint16_t i210 = static_cast<uint16_t>(q.index_of(k210.pubkey()));
  EXPECT_EQ(t.on_vote(vote(h1, k211.pubkey(), k212, i210), 7), Verdict::kIgnored);
  EXPECT_EQ(t.on_vote(vote(h1, outsider.pubkey(), k210), 8), Verdict::kIgnored);
  EXPECT_EQ(t.on_vote(vote(h1, k211.pubkey(), k210), 9), Verdict::kIgnored);
  EXPECT_TRUE(t.take_faults().empty()) << "not judged before the height is committed";
  t.on_committed(at_h1, epoch(), now, false);
  const auto faults = t.take_faults();
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[0], (std::pair<uint64_t, Verdict>{7, Verdict::kForged}));
  EXPECT_EQ(faults[1], (std::pair<uint64_t, Verdict>{8, Verdict::kInvalid}));
  EXPECT_EQ(t.take_relay().size(), 1u) << "the valid one is relayed";
}

TEST_F(ReachTesterTest, RoundsAndEarlyVotesStayBounded) {
  ReachTester t(me, chain_id());
  for (int i = 0; i < 3 * static_cast<int>(kReachVoteLifetimeBlocks); ++i) {
    chain.next();
    commit(t);
    EXPECT_LE(t.rounds(), kReachVoteLifetimeBlocks);
  }
  EXPECT_EQ(t.rounds(), kReachVoteLifetimeBlocks);

  // kMaxEarlyVotes early votes fill the buffer; the next one, valid, is not kept.
  chain.next();
  const Height h = tip();
  for (std::size_t i = 0; i < ReachTester::kMaxEarlyVotes; ++i)
    EXPECT_EQ(t.on_vote(vote(h, k211.pubkey(), k210, std::nullopt, 1u << 1)), Verdict::kIgnored);
  ASSERT_LT(quorum(h).index_of(k210.pubkey()), quorum(h).members.size());
  // (212 never proved: past the first epochs it sits in no committee; 210 does.)
  const wire::ReachVote valid = vote(h, k211.pubkey(), k210);
  EXPECT_EQ(t.on_vote(valid), Verdict::kIgnored);
  commit(t, false);
  EXPECT_TRUE(t.take_relay().empty()) << "the buffer was full";
  EXPECT_EQ(t.stats().votes_accepted, 0u);
  EXPECT_EQ(t.on_vote(valid), Verdict::kAccepted) << "it was dropped, not absorbed";
}

}  // namespace
}  // namespace swarmchain
