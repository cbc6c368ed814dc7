// Reachability quorums (design §5.4; registry/reach_quorum.h, node/reach_tester.h) on the
// simulator: real nodes probe each other through SimProber. A stopped node is decommissioned
// by a state_change (its quorum's votes) long before its proof would go stale, leaves its swarm
// and the next epoch's committee, and comes back when it restarts and proves; a byzantine
// member voting against a healthy node at every height (and forging votes) changes nothing,
// and honest nodes score its forgeries. The dev-sized net: 4 nodes, committee 4, threshold 3.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <variant>

#include "registry/liveness_rules.h"
#include "registry/reach_quorum.h"
#include "tests/sim/liveness_harness.h"
#include "tests/sim/reach_byzantine.h"
#include "tests/sim/sim_genesis.h"

namespace swarmchain::sim {
namespace {

constexpr uint64_t kS = 1000;  // ms

// Fast liveness, but a proof lifetime long enough that proof age cannot be what decommissions
// a stopped node within these runs' windows.
void long_proofs(ChainParams& p) {
  fast_liveness(p);
  p.proof_lifetime_s = 40;
}

bool contains(const std::vector<PubKey>& v, const PubKey& pk) {
  return std::find(v.begin(), v.end(), pk) != v.end();
}

auto in_state(NodeState s) {
  return [s](const std::optional<ServiceNode>& r) { return r && r->state == s; };
}

uint64_t next_epoch_start(uint64_t h, uint64_t epoch_blocks) {
  return (epoch_of(Height(h), epoch_blocks) + 1) * epoch_blocks + 1;
}

struct IncludedChange {
  Height block;
  StateChangePayload change;
};

// Every state_change included in a block node `observer` committed.
void record_state_changes(LivenessSim& sim, NodeIndex observer,
                          std::vector<IncludedChange>& out) {
  sim.on_commit([&out, observer](NodeIndex n, const Block& b, const ChainState&) {
    if (n != observer) return;
    for (const Tx& tx : b.txs)
      if (const auto* c = std::get_if<StateChangePayload>(&tx.payload))
        out.push_back({b.header.height, *c});
  });
}

// Starts 4 probing nodes, waits until every node holds node 3's contact, stops node 3 and waits
// until every up node sees it decommissioned. Returns the stop time.
uint64_t stop_node_3_until_decommissioned(LivenessSim& sim) {
  const PubKey victim = sim.pubkey(3);
  sim.enable_reach_probes();
  EXPECT_TRUE(sim.start_all());
  EXPECT_TRUE(sim.run_until(
      [&] {
        return sim.all_up_see(victim, [](const std::optional<ServiceNode>& r) {
          return r && r->has_proof() && r->contact.public_ip != 0;
        }) && sim.height(0).value >= 6;
      },
      20 * kS, "every node holds node 3's contact"))
      << sim.failure();
  sim.node(3).crash();
  const uint64_t stopped_at = sim.world().now_ms();
  EXPECT_TRUE(
      sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kDecommissioned)); },
                    30 * kS, "node 3 decommissioned"))
      << sim.failure();
  return stopped_at;
}

TEST(ReachSim, AStoppedNodeIsDecommissionedByAStateChangeLongBeforeProofAgeThenComesBack) {
  LivenessSim sim(4, 21, long_proofs);
  std::vector<IncludedChange> included;
  record_state_changes(sim, 0, included);
  const PubKey victim = sim.pubkey(3);
  const uint64_t stopped_at = stop_node_3_until_decommissioned(sim);
  ASSERT_TRUE(sim.all_up_see(victim, in_state(NodeState::kDecommissioned))) << sim.failure();
  const uint64_t took = sim.world().now_ms() - stopped_at;
  // Probes are skipped for 10 s after an answer (kRetestAfterOkMs), then a few blocks: far
  // below the 40 s proof lifetime.
  EXPECT_LT(took, (ReachTester::kRetestAfterOkMs + 5 * kS));
  EXPECT_LT(took, sim.params().proof_lifetime_s * kS / 2);

  // Exactly one state_change made it into the chain (the other honest nodes' copies of the
  // verdict no longer apply), and it is what decommissioned node 3.
  ASSERT_EQ(included.size(), 1u);
  const IncludedChange& ic = included[0];
  EXPECT_EQ(ic.change.sn_pubkey, victim);
  EXPECT_EQ(ic.change.new_state, kStateChangeDecommission);
  EXPECT_EQ(ic.change.reason_bits, kReachCheckP2p);
  EXPECT_GE(ic.change.votes.size(), 3u);
  EXPECT_LT(ic.change.height, ic.block);
  EXPECT_LE(ic.block.value - ic.change.height.value, kReachVoteLifetimeBlocks);
  const std::vector<Height> decom = sim.event_heights(0, victim, LivenessEvent::kDecommissioned);
  ASSERT_EQ(decom.size(), 1u);
  EXPECT_EQ(decom[0], ic.block);
  for (const auto& e : sim.events())
    if (e.change.pubkey == victim && e.change.event == LivenessEvent::kDecommissioned) {
      EXPECT_NE(e.change.reason.find("p2p port unreachable"), std::string::npos)
          << e.change.reason;
      EXPECT_NE(e.change.reason.find("quorum votes at height " + ic.change.height.to_string()),
                std::string::npos)
          << e.change.reason;
    }
  uint64_t built = 0, sent = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sim.event_heights(i, victim, LivenessEvent::kDecommissioned), decom) << i;
    EXPECT_EQ(sim.registry_root(i, ic.block.value), sim.registry_root(0, ic.block.value)) << i;
    auto r = sim.record(i, victim);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->last_decommission_height, ic.block);
    EXPECT_EQ(r->decommission_count, 1u);
    // Its last proof is still fresh: proof age did not do this.
    EXPECT_LT(sim.world().now_ms() + sim.genesis().genesis_time_ms,
              r->last_proof_time_ms + sim.params().proof_lifetime_s * kS);
    built += sim.node(i).driver().reach_stats().state_changes_built;
    sent += sim.node(i).driver().stats().state_changes_sent;
    EXPECT_GT(sim.node(i).driver().reach_stats().probes_failed, 0u) << i;
  }
  EXPECT_GE(built, 1u);
  EXPECT_GE(sent, 1u);
  ASSERT_NE(sim.prober(), nullptr);
  EXPECT_GT(sim.prober()->stats().refused, 0u);
  EXPECT_EQ(sim.prober()->stats().bad_target, 0u);

  // Back: it restarts, proves, is recommissioned everywhere, and its quorum finds it reachable
  // again: no second decommission over the next 20 s.
  ASSERT_TRUE(sim.node(3).start());
  ASSERT_TRUE(sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kActive)); },
                            20 * kS, "node 3 recommissioned"))
      << sim.failure();
  const std::vector<Height> recom = sim.event_heights(0, victim, LivenessEvent::kRecommissioned);
  ASSERT_EQ(recom.size(), 1u);
  EXPECT_GT(recom[0], ic.block);
  const uint64_t until = sim.world().now_ms() + 20 * kS;
  ASSERT_TRUE(sim.run_until([&] { return sim.world().now_ms() >= until; }, 21 * kS,
                            "20 s with node 3 back"))
      << sim.failure();
  EXPECT_TRUE(sim.all_up_see(victim, in_state(NodeState::kActive)));
  EXPECT_EQ(sim.event_heights(0, victim, LivenessEvent::kDecommissioned).size(), 1u);
  EXPECT_EQ(included.size(), 1u);
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS) << "the chain stalled";
}

TEST(ReachSim, ADecommissionedNodeLeavesItsSwarmAndTheNextEpochsCommittee) {
  LivenessSim sim(4, 22, long_proofs);
  std::vector<IncludedChange> included;
  record_state_changes(sim, 0, included);
  const PubKey victim = sim.pubkey(3);
  const uint64_t epoch = sim.params().epoch_blocks;
  stop_node_3_until_decommissioned(sim);
  ASSERT_TRUE(sim.all_up_see(victim, in_state(NodeState::kDecommissioned))) << sim.failure();
  ASSERT_EQ(included.size(), 1u);
  const Height d = included[0].block;
  ASSERT_TRUE(contains(sim.committee(0, d), victim)) << "a member until the epoch ends";
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = sim.record(i, victim);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->swarm_id, kUnassignedSwarm) << i;
    EXPECT_FALSE(sim.in_some_swarm(i, victim)) << i;
  }
  const uint64_t next = next_epoch_start(d.value, epoch);
  ASSERT_TRUE(sim.run_until([&] { return sim.height(0).value >= next + epoch; }, 30 * kS,
                            "a full epoch after the decommission"))
      << sim.failure();
  for (std::size_t i = 0; i < 3; ++i)
    for (uint64_t h = next; h <= next + epoch; ++h) {
      const std::vector<PubKey> c = sim.committee(i, Height(h));
      EXPECT_FALSE(contains(c, victim)) << "node " << i << " height " << h;
      EXPECT_EQ(c.size(), 3u) << "node " << i << " height " << h;
    }
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS) << "the chain stalled";
  // Nobody else was voted out.
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_TRUE(sim.all_up_see(sim.pubkey(k), in_state(NodeState::kActive))) << k;
  EXPECT_EQ(included.size(), 1u);
}

TEST(ReachSim, AByzantineMemberVotingAgainstAHealthyNodeEveryHeightCannotDecommissionIt) {
  LivenessSim sim(4, 23, long_proofs);
  const NodeIndex byz_index = 0;
  const PubKey victim = sim.pubkey(2);
  std::optional<ReachByzantine> byz;
  uint64_t included = 0, checks = 0;
  sim.on_commit([&](NodeIndex n, const Block& b, const ChainState& s) {
    for (const Tx& tx : b.txs)
      if (std::holds_alternative<StateChangePayload>(tx.payload)) ++included;
    const ServiceNode* sn = s.registry.get(victim);
    ++checks;
    if (sn == nullptr || !sn->is_active())
      sim.fail("node " + std::to_string(n) + " sees the victim out at height " +
               b.header.height.to_string());
    if (n == byz_index && byz) byz->on_committed(s);
  });
  sim.enable_reach_probes();
  ASSERT_TRUE(sim.start_all());
  byz.emplace(sim.world().net().endpoint(byz_index), node_key(byz_index), user_key(),
              sim.node(0).chain().chain_id(), victim, sim.params().epoch_blocks);
  const uint64_t run_ms = 60 * kS;
  ASSERT_TRUE(sim.run_until([&] { return sim.world().now_ms() >= run_ms; }, run_ms + kS,
                            "the end of the run"))
      << sim.failure();

  const ReachByzantineStats& bs = byz->stats();
  std::cout << "byzantine: in quorum at " << bs.heights_in_quorum << " heights, " << bs.votes
            << " votes, " << bs.forged_foreign << " + " << bs.forged_index << " forged, "
            << bs.self_votes << " self votes; " << checks << " victim checks, best height "
            << sim.best_height() << "\n";
  EXPECT_GT(sim.best_height(), 200u);
  EXPECT_GT(bs.heights_in_quorum, 200u) << "the committee is all four nodes";
  EXPECT_EQ(bs.votes, bs.heights_in_quorum);
  EXPECT_EQ(bs.forged_foreign, bs.heights_in_quorum);
  EXPECT_EQ(bs.forged_index, bs.heights_in_quorum);
  EXPECT_EQ(bs.self_votes, bs.heights_in_quorum);
  EXPECT_GE(checks, 4 * 200u);
  EXPECT_EQ(included, 0u) << "a state_change was included";
  EXPECT_TRUE(sim.all_up_see(victim, in_state(NodeState::kActive)));
  EXPECT_TRUE(sim.event_heights(0, victim, LivenessEvent::kDecommissioned).empty());
  for (NodeIndex i = 1; i < 4; ++i) {
    const Driver& d = sim.node(i).driver();
    const PeerCounters& from_byz = d.counters(byz_index);
    const auto count = [&](const char* why) {
      auto it = from_byz.dropped.find(why);
      return it == from_byz.dropped.end() ? uint64_t{0} : it->second;
    };
    std::cout << "node " << i << ": from the byzantine node " << count("reach_vote_forged")
              << " forged, " << count("reach_vote_invalid") << " invalid; "
              << d.reach_stats().votes_accepted << " votes accepted, "
              << d.reach_stats().probes_started << " probes\n";
    // Forgeries that arrive before the receiver committed their height wait as early votes
    // and are refused later without a sender to score: most, not all, are counted.
    EXPECT_GT(count("reach_vote_forged"), bs.heights_in_quorum) << i;
    EXPECT_LE(count("reach_vote_forged"), bs.forged_foreign + bs.forged_index) << i;
    EXPECT_GT(count("reach_vote_invalid"), bs.heights_in_quorum / 2) << i;
    EXPECT_LE(count("reach_vote_invalid"), bs.self_votes) << i;
    // Its real votes are valid: accepted, but one is never a threshold.
    EXPECT_GT(d.reach_stats().votes_accepted, bs.heights_in_quorum / 2) << i;
    EXPECT_EQ(d.reach_stats().state_changes_built, 0u) << i;
    EXPECT_EQ(d.stats().state_changes_sent, 0u) << i;
    EXPECT_EQ(d.reach_stats().probes_failed, 0u) << i;
    EXPECT_GT(d.reach_stats().probes_started, 0u) << i;
  }
  ASSERT_NE(sim.prober(), nullptr);
  EXPECT_GT(sim.prober()->stats().ok, 0u);
  EXPECT_EQ(sim.prober()->stats().ok, sim.prober()->stats().probes);
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS) << "the chain stalled";
}

}  // namespace
}  // namespace swarmchain::sim
