// Liveness (design §5.4) on the simulator: real nodes, real consensus, virtual time. A node that
// stops proving is decommissioned by every node at one height (one registry_root), loses its
// swarm and its committee seat, and is recommissioned when it proves again; a long outage ends
// in deregistration with the stake frozen, then returned; and across a seeded random up/down
// schedule every node's registry matches an independent model of the rules at every height,
// while the chain keeps committing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "registry/liveness_rules.h"
#include "tests/sim/liveness_harness.h"
#include "tests/sim/liveness_model.h"

namespace swarmchain::sim {
namespace {

constexpr uint64_t kS = 1000;  // ms

bool contains(const std::vector<PubKey>& v, const PubKey& pk) {
  return std::find(v.begin(), v.end(), pk) != v.end();
}

uint64_t min_height(const LivenessSim& sim, std::size_t nodes) {
  uint64_t h = UINT64_MAX;
  for (std::size_t i = 0; i < nodes; ++i) h = std::min(h, sim.height(i).value);
  return h;
}

// The first height of the epoch after the one holding h.
uint64_t next_epoch_start(uint64_t h, uint64_t epoch_blocks) {
  return (epoch_of(Height(h), epoch_blocks) + 1) * epoch_blocks + 1;
}

std::string debug(LivenessSim& sim, const PubKey& pk) {
  std::string out = "now " + std::to_string(sim.world().now_ms()) + " queue " +
                    std::to_string(sim.world().queue().size()) + " next " +
                    (sim.world().queue().empty() ? std::string("-")
                                                 : std::to_string(sim.world().queue().next_time()));
  for (std::size_t i = 0; i < 4; ++i) {
    out += "\nnode " + std::to_string(i) + " height " + sim.height(i).to_string();
    if (!sim.node(i).up()) continue;
    auto r = sim.record(i, pk);
    if (r)
      out += std::string(" state ") + node_state_name(r->state) + " last proof h " +
             r->last_proof_height.to_string() + " t " + std::to_string(r->last_proof_time_ms) +
             " sent " + std::to_string(r->last_proof_sent_ms) + " proofs sent by it " +
             std::to_string(sim.node(i).driver().stats().uptime_proofs_sent);
    const consensus::Engine& e = sim.node(i).driver().engine();
    out += "\n  engine h " + e.height().to_string() + " r " + std::to_string(e.round()) + " " +
           consensus::step_name(e.step_kind()) + (e.is_member() ? "" : " (not a member)") +
           ", committee of " + std::to_string(e.committee().size());
    for (NodeIndex p = 0; p < 4; ++p)
      for (const auto& [why, count] : sim.node(i).driver().counters(p).dropped)
        out += "\n  from " + std::to_string(p) + " dropped " + why + "=" + std::to_string(count);
  }
  return out;
}

auto in_state(NodeState s) {
  return [s](const std::optional<ServiceNode>& r) { return r && r->state == s; };
}

TEST(LivenessSim, ACrashedNodeIsDecommissionedEverywhereLeavesItsSwarmAndCommitteeThenReturns) {
  LivenessSim sim(4, 11);
  ASSERT_TRUE(sim.start_all());
  const RegistryParams rp = registry_params(sim.params());
  const uint64_t epoch = sim.params().epoch_blocks;
  const PubKey victim = sim.pubkey(3);
  ASSERT_TRUE(sim.run_until(
      [&] {
        auto r = sim.record(0, victim);
        return min_height(sim, 4) >= 6 && r && r->has_proof();
      },
      20 * kS, "four nodes at height 6, node 3 proved"))
      << sim.failure();
  ASSERT_TRUE(contains(sim.committee(0, sim.height(0).next()), victim));

  sim.node(3).crash();
  const uint64_t crashed_at = sim.world().now_ms();
  ASSERT_TRUE(
      sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kDecommissioned)); },
                    sim.params().proof_lifetime_s * kS + 10 * kS, "node 3 decommissioned"))
      << sim.failure();
  // Not before its proof went stale: at least the lifetime after the crash minus an interval.
  EXPECT_GE(sim.world().now_ms() - crashed_at,
            (sim.params().proof_lifetime_s - sim.params().proof_interval_s) * kS);

  const std::vector<Height> decom = sim.event_heights(0, victim, LivenessEvent::kDecommissioned);
  ASSERT_EQ(decom.size(), 1u);
  const Height d = decom[0];
  std::optional<uint64_t> credit_at_d;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sim.event_heights(i, victim, LivenessEvent::kDecommissioned), decom) << "node " << i;
    EXPECT_EQ(sim.registry_root(i, d.value), sim.registry_root(0, d.value)) << "node " << i;
    auto r = sim.record(i, victim);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->swarm_id, kUnassignedSwarm);
    EXPECT_FALSE(sim.in_some_swarm(i, victim)) << "node " << i;
    EXPECT_EQ(r->decommission_count, 1u);
    EXPECT_EQ(r->last_decommission_height, d);
    // Proof age failed in block d and not in block d - 1.
    const uint64_t stale_after = r->last_proof_time_ms + sim.params().proof_lifetime_s * kS;
    ASSERT_TRUE(sim.block_time(d.value) && sim.block_time(d.value - 1));
    EXPECT_GT(*sim.block_time(d.value), stale_after);
    EXPECT_LE(*sim.block_time(d.value - 1), stale_after);
    // Its credit then: 20 s (100 blocks) plus half a block per block active since genesis.
    EXPECT_EQ(r->recommission_credit,
              std::min(rp.credit_max_blocks, rp.credit_initial_blocks + d.value / 2));
    credit_at_d = r->recommission_credit;
  }
  for (const auto& e : sim.events()) {
    if (e.change.pubkey == victim) {
      EXPECT_NE(e.change.reason.find("no uptime proof for"), std::string::npos) << e.change.reason;
    }
  }

  // Out of the committee of the next epoch; the chain goes on with three of four meanwhile.
  const uint64_t next = next_epoch_start(d.value, epoch);
  ASSERT_TRUE(sim.run_until([&] { return sim.height(0).value >= next + epoch; }, 30 * kS,
                            "a full epoch after the decommission"))
      << sim.failure();
  for (uint64_t h = next; h <= next + epoch; ++h)
    EXPECT_FALSE(contains(sim.committee(0, Height(h)), victim)) << "height " << h;
  EXPECT_EQ(sim.committee(0, Height(next)).size(), 3u);
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS) << "the chain stalled while node 3 was down";

  // It comes back: proves (its proof at start may be refused by its own mempool, judged at its
  // stale tip; the next one goes an interval later), is recommissioned, gets a swarm, rejoins
  // a committee.
  ASSERT_TRUE(sim.node(3).start());
  ASSERT_TRUE(sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kActive)); },
                            20 * kS, "node 3 recommissioned on every node"))
      << sim.failure() << debug(sim, victim);
  const std::vector<Height> recom = sim.event_heights(0, victim, LivenessEvent::kRecommissioned);
  ASSERT_EQ(recom.size(), 1u);
  const Height r_h = recom[0];
  ASSERT_TRUE(credit_at_d);
  const int64_t kept =
      static_cast<int64_t>(*credit_at_d) - 2 * static_cast<int64_t>(r_h.value - d.value);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sim.event_heights(i, victim, LivenessEvent::kRecommissioned), recom) << "node " << i;
    EXPECT_EQ(sim.registry_root(i, r_h.value), sim.registry_root(0, r_h.value)) << "node " << i;
    auto r = sim.record(i, victim);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->active_since_height, r_h);
    EXPECT_EQ(r->recommission_credit, static_cast<uint64_t>(std::max<int64_t>(0, kept)));
    EXPECT_EQ(r->last_reward_index, UINT32_MAX) << "recommissioned at the back of the queue";
    EXPECT_NE(r->swarm_id, kUnassignedSwarm);
    EXPECT_TRUE(sim.in_some_swarm(i, victim)) << "node " << i;
  }
  const uint64_t back = next_epoch_start(r_h.value, epoch);
  ASSERT_TRUE(sim.run_until([&] { return sim.height(0).value >= back; }, 20 * kS,
                            "the epoch after the recommission"))
      << sim.failure();
  EXPECT_TRUE(contains(sim.committee(0, Height(back)), victim));
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS);
  // For the record (not a liveness rule): whether the node back in the committee decides
  // blocks itself or keeps following by sync a height or more behind.
  const DriverStats before = sim.node(3).driver().stats();
  const uint64_t from = sim.height(0).value;
  ASSERT_TRUE(
      sim.run_until([&] { return sim.height(0).value >= from + 20; }, 20 * kS, "20 more heights"))
      << sim.failure();
  const DriverStats after = sim.node(3).driver().stats();
  std::cout << "node 3 back in the committee: " << after.blocks_decided - before.blocks_decided
            << " blocks decided, " << after.blocks_synced - before.blocks_synced
            << " synced; heights " << sim.height(0).to_string() << " / "
            << sim.height(3).to_string() << "\n";
}

TEST(LivenessSim, ALongOutageDeregistersTheNodeFreezesItsStakeThenReturnsIt) {
  LivenessSim sim(4, 12);
  const PubKey victim = sim.pubkey(3);
  const PubKey op = sim.operator_address(3);
  std::map<uint64_t, Amount> op_balance;   // node 0's view, per height
  std::map<uint64_t, bool> record_exists;  // node 0's view, per height
  sim.on_commit([&](NodeIndex n, const Block& b, const ChainState& s) {
    if (n != 0) return;
    auto a = s.accounts.get(op);
    op_balance[b.header.height.value] = a ? a->balance : Amount();
    record_exists[b.header.height.value] = s.registry.get(victim) != nullptr;
  });
  ASSERT_TRUE(sim.start_all());
  ASSERT_TRUE(sim.run_until([&] { return min_height(sim, 4) >= 4; }, 20 * kS, "height 4"))
      << sim.failure();
  sim.node(3).crash();
  ASSERT_TRUE(
      sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kDeregistered)); },
                    120 * kS, "node 3 deregistered"))
      << sim.failure();
  const auto decom = sim.event_heights(0, victim, LivenessEvent::kDecommissioned);
  const auto dereg = sim.event_heights(0, victim, LivenessEvent::kDeregistered);
  ASSERT_EQ(decom.size(), 1u);
  ASSERT_EQ(dereg.size(), 1u);
  const Height x = dereg[0];
  auto r = sim.record(0, victim);
  ASSERT_TRUE(r);
  // Decommissioned at d with credit c, it drained a block per block: out at d + c + 1.
  EXPECT_EQ(x.value, decom[0].value + r->recommission_credit + 1);
  const Height unlock = x + sim.params().dereg_lock_blocks;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sim.event_heights(i, victim, LivenessEvent::kDeregistered), dereg);
    EXPECT_EQ(sim.registry_root(i, x.value), sim.registry_root(0, x.value)) << "node " << i;
    auto ri = sim.record(i, victim);
    ASSERT_TRUE(ri);
    EXPECT_EQ(ri->requested_unlock_height, unlock);
    EXPECT_EQ(ri->swarm_id, kUnassignedSwarm);
    EXPECT_FALSE(sim.in_some_swarm(i, victim));
  }
  for (const auto& e : sim.events()) {
    if (e.change.pubkey == victim && e.change.event == LivenessEvent::kDeregistered) {
      EXPECT_NE(e.change.reason.find("ran out"), std::string::npos) << e.change.reason;
    }
  }
  const Amount stake = r->contributors.at(0).amount;
  EXPECT_EQ(stake, sim.params().staking_requirement);

  ASSERT_TRUE(
      sim.run_until([&] { return sim.height(0) >= unlock.next(); }, 20 * kS, "the unlock height"))
      << sim.failure();
  // Frozen from x to unlock - 1 (no reward, nothing back), returned whole at unlock.
  for (uint64_t h = x.value; h < unlock.value; ++h) {
    ASSERT_TRUE(op_balance.contains(h)) << h;
    EXPECT_EQ(op_balance[h], op_balance[x.value]) << "height " << h;
    EXPECT_TRUE(record_exists[h]) << "height " << h;
  }
  EXPECT_FALSE(record_exists[unlock.value]);
  EXPECT_EQ(op_balance[unlock.value], op_balance[unlock.value - 1].checked_add(stake).value());
  EXPECT_FALSE(sim.record(0, victim));
  for (std::size_t i = 1; i < 3; ++i)
    EXPECT_EQ(sim.registry_root(i, unlock.value), sim.registry_root(0, unlock.value));
  EXPECT_LT(sim.longest_commit_gap_ms(), 3 * kS) << "the chain stalled";
}

TEST(LivenessSim, ANodeBackWithLittleCreditIsDeregisteredAtOnceWhenItFailsAgain) {
  LivenessSim sim(4, 13);
  const RegistryParams rp = registry_params(sim.params());
  const PubKey victim = sim.pubkey(3);
  ASSERT_TRUE(sim.start_all());
  ASSERT_TRUE(sim.run_until([&] { return min_height(sim, 4) >= 4; }, 20 * kS, "height 4"))
      << sim.failure();
  sim.node(3).crash();
  ASSERT_TRUE(
      sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kDecommissioned)); },
                    20 * kS, "node 3 decommissioned"))
      << sim.failure();
  const auto r = sim.record(0, victim);
  ASSERT_TRUE(r);
  // Down long enough that 2 · blocks_down eats all but ~6 blocks of its credit: back with less
  // than the 40 blocks needed to be decommissioned again.
  const uint64_t back_at = r->last_decommission_height.value + (r->recommission_credit - 6) / 2;
  ASSERT_TRUE(sim.run_until([&] { return sim.height(0).value >= back_at; }, 60 * kS, "back_at"))
      << sim.failure();
  ASSERT_TRUE(sim.node(3).start());
  ASSERT_TRUE(sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kActive)); },
                            20 * kS, "node 3 recommissioned"))
      << sim.failure();
  auto back = sim.record(0, victim);
  ASSERT_TRUE(back);
  ASSERT_LT(credit_blocks(*back, rp, sim.height(0)),
            static_cast<int64_t>(rp.credit_min_to_decommission_blocks));
  sim.node(3).crash();
  ASSERT_TRUE(
      sim.run_until([&] { return sim.all_up_see(victim, in_state(NodeState::kDeregistered)); },
                    20 * kS, "node 3 deregistered"))
      << sim.failure();
  EXPECT_EQ(sim.event_heights(0, victim, LivenessEvent::kDecommissioned).size(), 1u)
      << "it must not be decommissioned a second time";
  bool said_why = false;
  for (const auto& e : sim.events())
    if (e.observer == 0 && e.change.pubkey == victim &&
        e.change.event == LivenessEvent::kDeregistered)
      said_why = e.change.reason.find("needed to be decommissioned") != std::string::npos;
  EXPECT_TRUE(said_why);
}

// Each node alternates proving and silent spans (its proof sender stops; the node keeps voting)
// drawn from the seed; every node's registry is compared with the model at every height.
struct RandomRun {
  uint64_t heights = 0, checks = 0, decommissions = 0, recommissions = 0, deregistrations = 0,
           short_credit = 0, expiries = 0, longest_gap_ms = 0;
};

RandomRun random_schedule(uint64_t seed, std::size_t nodes, uint64_t run_ms) {
  LivenessSim sim(nodes, seed);
  const RegistryParams rp = registry_params(sim.params());
  std::vector<PubKey> keys;
  for (std::size_t i = 0; i < nodes; ++i) keys.push_back(sim.pubkey(i));
  LivenessModel model(sim.params(), keys, sim.genesis().genesis_time_ms);
  std::map<uint64_t, std::map<PubKey, std::optional<LivenessModel::Expected>>> expected;
  RandomRun out;
  sim.on_commit([&](NodeIndex n, const Block& b, const ChainState& s) {
    const uint64_t h = b.header.height.value;
    if (h == model.height().value + 1) {
      model.apply(b);
      for (const PubKey& pk : keys) expected[h][pk] = model.expected(pk);
    }
    if (!expected.contains(h)) return sim.fail("model: height " + std::to_string(h) + " skipped");
    for (const PubKey& pk : keys) {
      const auto& want = expected[h][pk];
      const ServiceNode* got = s.registry.get(pk);
      const std::string where = "node " + std::to_string(n) + " at height " + std::to_string(h) +
                                ", model " + model.describe(pk) + ": ";
      ++out.checks;
      if (!want) {
        if (got) sim.fail(where + "the record should be gone");
        continue;
      }
      if (!got) return sim.fail(where + "the record is missing");
      const int64_t credit = credit_blocks(*got, rp, b.header.height);
      if (got->state != want->state || credit != want->credit_blocks)
        return sim.fail(where + "registry says " + node_state_name(got->state) + " with credit " +
                        std::to_string(credit) + ", model " + node_state_name(want->state) +
                        " with " + std::to_string(want->credit_blocks));
      if (got->is_active() != (got->swarm_id != kUnassignedSwarm))
        return sim.fail(where + "swarm " + std::to_string(got->swarm_id) + " for state " +
                        node_state_name(got->state));
      if (got->is_deregistered() && got->requested_unlock_height != want->unlock_height)
        return sim.fail(where + "unlock height " + got->requested_unlock_height.to_string());
    }
  });
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < nodes; ++i) {
    uint64_t t = std::uniform_int_distribution<uint64_t>(2 * kS, 20 * kS)(rng);
    while (t < run_ms) {
      const uint64_t down = std::uniform_int_distribution<uint64_t>(1 * kS, 30 * kS)(rng);
      sim.world().at(t, "mute " + std::to_string(i), [&sim, i] { sim.node(i).set_proofs(false); });
      sim.world().at(t + down, "unmute " + std::to_string(i),
                     [&sim, i] { sim.node(i).set_proofs(true); });
      t += down + std::uniform_int_distribution<uint64_t>(1 * kS, 25 * kS)(rng);
    }
  }
  EXPECT_TRUE(sim.start_all());
  const bool ran = sim.run_until([&] { return sim.world().now_ms() >= run_ms; }, run_ms + kS,
                                 "the end of the schedule");
  EXPECT_TRUE(ran) << "seed " << seed << ": " << sim.failure();
  out.heights = sim.best_height();
  out.decommissions = model.decommissions;
  out.recommissions = model.recommissions;
  out.deregistrations = model.deregistrations;
  out.short_credit = model.short_credit;
  out.expiries = model.expiries;
  out.longest_gap_ms = sim.longest_commit_gap_ms();
  return out;
}

TEST(LivenessSim, CreditsFollowTheFormulaOnEveryNodeAcrossARandomUpDownSchedule) {
  RandomRun total;
  for (uint64_t seed : {101u, 102u, 103u}) {
    const RandomRun r = random_schedule(seed, 5, 150 * kS);
    std::cout << "seed " << seed << ": " << r.heights << " heights, " << r.checks
              << " record checks, " << r.decommissions << " decommissions, " << r.recommissions
              << " recommissions, " << r.deregistrations << " deregistrations (" << r.short_credit
              << " on short credit), " << r.expiries << " stakes returned, longest gap "
              << r.longest_gap_ms << " ms\n";
    EXPECT_GT(r.heights, 300u) << "seed " << seed;
    EXPECT_GE(r.checks, r.heights * 5 * 5) << "seed " << seed << ": every node, every height";
    EXPECT_LT(r.longest_gap_ms, 3 * kS) << "seed " << seed << ": the chain stalled";
    total.decommissions += r.decommissions;
    total.recommissions += r.recommissions;
    total.deregistrations += r.deregistrations;
    total.short_credit += r.short_credit;
    total.expiries += r.expiries;
  }
  // The schedules exercise every rule.
  EXPECT_GT(total.decommissions, 5u);
  EXPECT_GT(total.recommissions, 3u);
  EXPECT_GT(total.deregistrations, 0u);
  EXPECT_GT(total.expiries, 0u);
}

}  // namespace
}  // namespace swarmchain::sim
