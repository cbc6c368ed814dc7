// registry/liveness_rules.h: proof age, credits, decommission, recommission, deregistration,
// and the status that explains them. Blocks of 1 s, proofs due every 20 s and stale after 60 s,
// credit 120 blocks at activation, +1/2 block per block active, at most 600, 60 needed to be
// decommissioned rather than deregistered.
#include "registry/liveness_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "registry/uptime_rules.h"
#include "tests/registry/staking_test_util.h"

namespace swarmchain::staking_test {
namespace {

constexpr uint64_t kT0 = 1'700'000'000'000ULL;  // block time of height 0

class Liveness : public StakingRules {
 protected:
  Liveness() {
    p.target_block_ms = 1000;
    p.proof_interval_s = 20;
    p.proof_lifetime_s = 60;
    p.proof_skew_ms = 5000;
    p.dereg_lock_blocks = 80;
    p.unlock_delay_blocks = 40;
    p.credit_initial_blocks = 120;
    p.credit_per_day_s = 43'200;
    p.credit_max_blocks = 600;
    p.credit_min_to_decommission_blocks = 60;
  }
  static uint64_t time_of(uint64_t height) { return kT0 + height * 1000; }

  // One block at the next height: `prove` nodes send a proof, then liveness and end_block.
  std::vector<LivenessChange> run(const std::vector<PubKey>& prove = {},
                                  std::vector<Payout>* payouts = nullptr) {
    const Height h(next_block++);
    const uint64_t t = time_of(h.value);
    RegistryView v(state);
    for (const PubKey& pk : prove) {
      UptimeContact c;
      c.public_ip = 0x0a000001;
      EXPECT_TRUE(apply_uptime_proof(v, p, pk, t, c, h, t).is_ok()) << h.value;
    }
    std::vector<LivenessChange> changes = apply_liveness(v, p, h, t);
    std::vector<Payout> out;
    end_block(v, p, h, block_seed(h.value), out);
    state.apply(v.take_changes());
    if (payouts) *payouts = out;
    for (const LivenessChange& c : changes) events.push_back({h.value, c});
    return changes;
  }
  // Runs blocks until height `h` (inclusive), the given nodes proving every 20 blocks.
  void run_until(uint64_t h, const std::vector<PubKey>& provers = {}) {
    while (next_block <= h) {
      std::vector<PubKey> prove;
      if (next_block % 20 == 0) prove = provers;
      run(prove);
    }
  }
  // Five nodes activated at height 1 (block time kT0 + 1000).
  std::vector<PubKey> five() {
    RegistryView v(state);
    const Height h(next_block++);
    std::vector<PubKey> keys;
    for (uint64_t i = 1; i <= 5; ++i) {
      EXPECT_TRUE(apply_registration(v, p, chain_id, addr(i), solo_reg(i, i, coins(100)),
                                     coins(100), h, static_cast<uint32_t>(i))
                      .is_ok());
      keys.push_back(node_key(i));
    }
    EXPECT_TRUE(apply_liveness(v, p, h, time_of(h.value)).empty());
    std::vector<Payout> out;
    end_block(v, p, h, block_seed(h.value), out);
    state.apply(v.take_changes());
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  const ServiceNode& rec(const PubKey& pk) const { return *state.get(pk); }

  std::vector<std::pair<uint64_t, LivenessChange>> events;
};

TEST_F(Liveness, AFreshActivationGetsTheInitialCreditAndItsBlockTime) {
  const auto nodes = five();
  const ServiceNode& sn = rec(nodes[0]);
  EXPECT_EQ(sn.state, NodeState::kActive);
  EXPECT_EQ(sn.active_since_height, Height(1));
  EXPECT_EQ(sn.active_since_time_ms, time_of(1));
  EXPECT_EQ(sn.recommission_credit, 120u);
  EXPECT_EQ(credit_blocks(sn, p, Height(1)), 120);
  EXPECT_EQ(credit_blocks(sn, p, Height(41)), 140);      // + 40 / 2
  EXPECT_EQ(credit_blocks(sn, p, Height(100'000)), 600);  // capped
}

TEST_F(Liveness, ANodeThatNeverProvesIsDecommissionedOnceTheLifetimeHasPassedSinceActivation) {
  const auto nodes = five();
  run_until(61, {nodes.begin() + 1, nodes.end()});  // T − since = 60 s: not yet failing
  EXPECT_EQ(rec(nodes[0]).state, NodeState::kActive);
  EXPECT_NE(rec(nodes[0]).swarm_id, kUnassignedSwarm);
  const auto changes = run();  // height 62: 61 s
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].pubkey, nodes[0]);
  EXPECT_EQ(changes[0].event, LivenessEvent::kDecommissioned);
  EXPECT_NE(changes[0].reason.find("since it became active 61 s ago"), std::string::npos)
      << changes[0].reason;
  const ServiceNode& sn = rec(nodes[0]);
  EXPECT_EQ(sn.state, NodeState::kDecommissioned);
  EXPECT_EQ(sn.decommission_count, 1u);
  EXPECT_EQ(sn.last_decommission_height, Height(62));
  EXPECT_EQ(sn.recommission_credit, 120u + 61 / 2);
  EXPECT_EQ(sn.swarm_id, kUnassignedSwarm);  // it left its swarm
  for (const auto& [id, members] : state.swarms())
    EXPECT_FALSE(std::binary_search(members.begin(), members.end(), nodes[0]));
  EXPECT_EQ(state.active_count(), 4u);
  // It earns nothing while decommissioned: no payout goes to its operator.
  const PubKey op = sn.operator_address;
  for (int i = 0; i < 10; ++i) {
    std::vector<Payout> out;
    run({}, &out);
    for (const Payout& po : out) EXPECT_NE(po.address, op) << "paid while decommissioned";
  }
}

TEST_F(Liveness, AProofWithinTheLifetimeKeepsANodeActiveForever) {
  const auto nodes = five();
  run_until(400, nodes);
  EXPECT_TRUE(events.empty());
  for (const PubKey& pk : nodes) EXPECT_EQ(rec(pk).state, NodeState::kActive);
}

TEST_F(Liveness, ProvingAgainRecommissionsWithCreditMinusTwiceTheBlocksDownAtTheBackOfTheQueue) {
  const auto nodes = five();
  const std::vector<PubKey> others(nodes.begin() + 1, nodes.end());
  run_until(62, others);  // nodes[0] decommissioned at 62 with credit 150
  ASSERT_EQ(rec(nodes[0]).state, NodeState::kDecommissioned);
  run_until(71, others);
  const auto changes = run({nodes[0]});  // height 72: 10 blocks down
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].event, LivenessEvent::kRecommissioned);
  const ServiceNode& sn = rec(nodes[0]);
  EXPECT_EQ(sn.state, NodeState::kActive);
  EXPECT_EQ(sn.recommission_credit, 150u - 2 * 10);
  EXPECT_EQ(sn.active_since_height, Height(72));
  EXPECT_EQ(sn.active_since_time_ms, time_of(72));
  EXPECT_NE(sn.swarm_id, kUnassignedSwarm);  // assigned again in the same block
  // The back of the reward queue, with this block's winner: every other node is paid first.
  EXPECT_EQ(sn.last_reward_height, Height(72));
  EXPECT_EQ(sn.last_reward_index, UINT32_MAX);
  const PubKey op = sn.operator_address;
  for (int i = 0; i < 3; ++i) {
    std::vector<Payout> out;
    run({}, &out);
    for (const Payout& po : out) EXPECT_NE(po.address, op) << "paid before the others";
  }
}

TEST_F(Liveness, ADecommissionedNodeWhoseCreditRunsOutIsDeregisteredAndItsStakeReturnedLater) {
  const auto nodes = five();
  const std::vector<PubKey> others(nodes.begin() + 1, nodes.end());
  run_until(62, others);  // credit 150 at 62: it may stay decommissioned through height 212
  const PubKey op = rec(nodes[0]).operator_address;
  run_until(212, others);
  EXPECT_EQ(rec(nodes[0]).state, NodeState::kDecommissioned);
  const auto changes = run();  // 213
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].event, LivenessEvent::kDeregistered);
  EXPECT_NE(changes[0].reason.find("credit of 150 blocks ran out"), std::string::npos);
  EXPECT_EQ(rec(nodes[0]).state, NodeState::kDeregistered);
  EXPECT_EQ(rec(nodes[0]).requested_unlock_height, Height(213 + 80));
  // Frozen until then, returned in that block's expiry.
  run_until(292, others);
  ASSERT_NE(state.get(nodes[0]), nullptr);
  std::vector<Payout> out;
  run({}, &out);  // 293
  EXPECT_EQ(state.get(nodes[0]), nullptr);
  EXPECT_NE(std::find(out.begin(), out.end(), Payout{op, coins(100)}), out.end());
}

TEST_F(Liveness, AFailingNodeWithTooLittleCreditIsDeregisteredAtOnce) {
  const auto nodes = five();
  const std::vector<PubKey> others(nodes.begin() + 1, nodes.end());
  run_until(62, others);     // decommissioned with 150
  run_until(131, others);    // proving at 132: 70 blocks down, keeps max(0, 150 − 140) = 10
  run({nodes[0]});           // 132
  ASSERT_EQ(rec(nodes[0]).recommission_credit, 10u);
  run_until(192, others);    // 60 s since its proof at 132: not yet
  EXPECT_EQ(rec(nodes[0]).state, NodeState::kActive);
  const auto changes = run();  // 193: fails with credit 10 + 61/2 = 40 < 60
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].event, LivenessEvent::kDeregistered);
  EXPECT_NE(changes[0].reason.find("below the 60 blocks"), std::string::npos) << changes[0].reason;
}

TEST_F(Liveness, ANodeWhoseUnlockCompletesIsLeftToTheExpiry) {
  const auto nodes = five();
  const std::vector<PubKey> others(nodes.begin() + 1, nodes.end());
  block([&](RegistryView& v, Height h) {  // height 2; end_block only, like the other helpers
    ASSERT_TRUE(apply_request_unlock(v, p, rec(nodes[0]).operator_address, nodes[0], h).is_ok());
  });
  run_until(41, others);
  std::vector<Payout> out;
  const auto changes = run({}, &out);  // 42: unlock completes; proof age would fail at 62 only
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(state.get(nodes[0]), nullptr);
}

// An independent model of design §5.4, block by block, against random up/down schedules.
TEST_F(Liveness, CreditsAndStatesFollowTheFormulaAcrossRandomOutages) {
  const auto nodes = five();
  struct Model {
    NodeState state = NodeState::kActive;
    int64_t base = 120;        // credit at (re)activation, or at decommission
    uint64_t since_h = 1;      // activation height
    uint64_t since_t = 0;      // last proof or activation time
    uint64_t dec_h = 0;
  };
  std::map<PubKey, Model> model;
  for (const PubKey& pk : nodes) model[pk].since_t = time_of(1);
  std::mt19937_64 rng(20261128);
  std::map<PubKey, bool> up;
  for (const PubKey& pk : nodes) up[pk] = true;
  for (uint64_t step = 0; step < 3000; ++step) {
    const uint64_t h = next_block;
    const uint64_t t = time_of(h);
    if (h % 50 == 0)
      for (const PubKey& pk : nodes) up[pk] = (rng() % 4) != 0;  // down a quarter of the time
    std::vector<PubKey> prove;
    for (const PubKey& pk : nodes) {
      const ServiceNode* sn = state.get(pk);
      if (sn && !sn->is_deregistered() && up[pk] && (h % 20 == 0)) prove.push_back(pk);
    }
    run(prove);
    for (const PubKey& pk : nodes) {
      Model& m = model[pk];
      if (m.state == NodeState::kDeregistered) continue;
      const bool proved = std::find(prove.begin(), prove.end(), pk) != prove.end();
      if (m.state == NodeState::kDecommissioned && proved) {
        m.base = std::max<int64_t>(0, m.base - 2 * static_cast<int64_t>(h - m.dec_h));
        m.state = NodeState::kActive;
        m.since_h = h;
        m.since_t = t;
      } else if (m.state == NodeState::kActive) {
        if (proved) m.since_t = t;
        if (m.since_t + 60'000 < t) {
          const int64_t credit =
              std::min<int64_t>(600, m.base + static_cast<int64_t>((h - m.since_h) / 2));
          if (credit >= 60) {
            m.state = NodeState::kDecommissioned;
            m.base = credit;
            m.dec_h = h;
          } else {
            m.state = NodeState::kDeregistered;
          }
        }
      } else if (m.state == NodeState::kDecommissioned &&
                 h > m.dec_h + static_cast<uint64_t>(m.base)) {
        m.state = NodeState::kDeregistered;
      }
      const ServiceNode* sn = state.get(pk);
      if (!sn) continue;  // expired after deregistration
      ASSERT_EQ(sn->state, m.state) << "height " << h;
      if (m.state == NodeState::kActive) {
        EXPECT_EQ(credit_blocks(*sn, p, Height(h)),
                  std::min<int64_t>(600, m.base + static_cast<int64_t>((h - m.since_h) / 2)));
        EXPECT_NE(sn->swarm_id, kUnassignedSwarm);
      } else {
        EXPECT_EQ(sn->swarm_id, kUnassignedSwarm);
      }
      if (m.state == NodeState::kDecommissioned) {
        EXPECT_EQ(credit_blocks(*sn, p, Height(h)), m.base - static_cast<int64_t>(h - m.dec_h));
      }
    }
  }
  std::size_t decommissions = 0, recommissions = 0;
  for (const auto& [h, c] : events) {
    decommissions += c.event == LivenessEvent::kDecommissioned;
    recommissions += c.event == LivenessEvent::kRecommissioned;
  }
  EXPECT_GT(decommissions, 5u);  // the schedule did exercise the rules
  EXPECT_GT(recommissions, 3u);
}

TEST_F(Liveness, TheStatusSaysWhatTheNextBlocksWillDoAndWhy) {
  const auto nodes = five();
  const std::vector<PubKey> others(nodes.begin() + 1, nodes.end());
  run_until(40, nodes);  // all proved at 20 and 40
  LivenessStatus st = liveness_status(rec(nodes[0]), p, Height(40), time_of(40));
  EXPECT_EQ(st.state, NodeState::kActive);
  EXPECT_EQ(st.proof_age_ms, 0u);
  EXPECT_FALSE(st.would_fail_now);
  EXPECT_EQ(st.ms_before_decommission, 60'000u);
  // Failing at 100 with credit 120 + 99/2 = 169: decommissioned, then deregistered 170 blocks
  // later (when the credit would go below 0).
  EXPECT_EQ(st.ms_before_deregistration, 60'000u + 170'000u);
  EXPECT_NE(st.explanation.find("decommissioned in about 60 s"), std::string::npos)
      << st.explanation;
  run_until(101, others);
  st = liveness_status(rec(nodes[0]), p, Height(101), time_of(101));
  EXPECT_EQ(st.state, NodeState::kDecommissioned);
  EXPECT_TRUE(st.would_fail_now);
  EXPECT_NE(st.explanation.find("An uptime proof recommissions it"), std::string::npos);
  EXPECT_EQ(st.ms_before_deregistration,
            (static_cast<uint64_t>(credit_blocks(rec(nodes[0]), p, Height(101))) + 1) * 1000);
}

}  // namespace
}  // namespace swarmchain::staking_test
