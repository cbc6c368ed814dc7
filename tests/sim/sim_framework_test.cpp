// The simulator's own machinery, without the chain: the event queue's order, the network's
// fault model, and that a seed replays exactly.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/sim/faults.h"
#include "tests/sim/invariants.h"
#include "tests/sim/sim_world.h"

namespace swarmchain::sim {
namespace {

TEST(EventQueue, PopsByTimeThenBySchedulingOrder) {
  EventQueue q;
  for (auto [t, label] : std::vector<std::pair<uint64_t, std::string>>{
           {30, "c"}, {10, "a1"}, {20, "b"}, {10, "a2"}, {10, "a3"}}) {
    Event e;
    e.label = label;
    q.push(t, e);
  }
  std::vector<std::string> order;
  while (!q.empty()) order.push_back(q.pop().label);
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "a3", "b", "c"}));
  EXPECT_EQ(q.now_ms(), 30u);
}

TEST(NodeClock, IsSimulatedTimePlusSkew) {
  EventQueue q;
  NodeClock ahead(q, 1'000'000, 250), behind(q, 1'000'000, -250);
  Event e;
  q.push(40, e);
  (void)q.pop();
  EXPECT_EQ(ahead.now_ms(), 1'000'290u);
  EXPECT_EQ(behind.now_ms(), 999'790u);
}

TEST(DeriveSeed, GivesDistinctStreamsPerSeed) {
  EXPECT_NE(derive_seed(1, 0), derive_seed(1, 1));
  EXPECT_NE(derive_seed(1, 0), derive_seed(2, 0));
  EXPECT_EQ(derive_seed(7, 3), derive_seed(7, 3));
}

// A toy node: answers every message with a ping to a random-ish peer, a fixed number of times,
// and arms a timer on each message. Enough traffic to exercise drops, duplicates and timers.
class Pinger : public SimHost {
 public:
  Pinger(SimWorld& w, NodeIndex self, int budget = 50) : w_(w), self_(self), budget_(budget) {}
  void on_message(NodeIndex from, ByteView bytes) override {
    received.push_back(std::to_string(from) + ":" + std::to_string(bytes.size()));
    if (budget_ == 0) return;
    --budget_;
    Bytes reply(bytes.begin(), bytes.end());
    reply.push_back(static_cast<uint8_t>(self_));
    w_.net().endpoint(self_).broadcast(reply);
    DriverTimer t;
    t.height = Height(bytes.size());
    w_.scheduler(self_).schedule(7, t);
  }
  void on_timer(const DriverTimer& t) override { timers.push_back(t.height.value); }
  std::vector<std::string> received;
  std::vector<uint64_t> timers;

 private:
  SimWorld& w_;
  NodeIndex self_;
  int budget_;
};

struct ToyRun {
  Hash trace;
  uint64_t steps = 0;
  NetworkStats stats;
  std::vector<std::vector<std::string>> received;
};

ToyRun run_toy(uint64_t seed, const LinkFaults& faults, bool crash_one = false) {
  SimWorld w(seed, 4);
  w.net().set_faults(faults);
  std::vector<std::unique_ptr<Pinger>> nodes;
  for (NodeIndex i = 0; i < 4; ++i) {
    nodes.push_back(std::make_unique<Pinger>(w, i));
    w.attach(i, nodes.back().get());
  }
  w.at(0, "kick", [&] { w.net().endpoint(0).broadcast(Bytes{1, 2, 3}); });
  if (crash_one) {
    w.at(50, "crash 2", [&] { w.detach(2); });
    w.at(400, "restart 2", [&] { w.attach(2, nodes[2].get()); });
  }
  while (w.step()) {
  }
  ToyRun r{w.trace_hash(), w.steps(), w.net().stats(), {}};
  for (auto& n : nodes) r.received.push_back(n->received);
  return r;
}

TEST(SimWorld, TheSameSeedReplaysTheSameTrace) {
  const LinkFaults lossy{0.2, 0.2, 1, 300};
  ToyRun a = run_toy(42, lossy, true), b = run_toy(42, lossy, true);
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.received, b.received);
  EXPECT_GT(a.steps, 20u);
}

TEST(SimWorld, ADifferentSeedGivesADifferentTrace) {
  const LinkFaults lossy{0.2, 0.2, 1, 300};
  EXPECT_NE(run_toy(42, lossy).trace, run_toy(43, lossy).trace);
}

TEST(SimNetwork, FixedDelayWithoutFaultsDeliversEverythingInOrder) {
  ToyRun r = run_toy(5, LinkFaults{0, 0, 5, 5});
  EXPECT_EQ(r.stats.dropped, 0u);
  EXPECT_EQ(r.stats.duplicated, 0u);
  std::size_t delivered = 0;
  for (auto& v : r.received) delivered += v.size();
  EXPECT_EQ(delivered, r.stats.sent);
}

TEST(SimNetwork, DropsAndDuplicatesFollowTheirProbabilities) {
  ToyRun r = run_toy(9, LinkFaults{0.3, 0.3, 1, 50});
  ASSERT_GT(r.stats.sent, 30u);
  EXPECT_GT(r.stats.dropped, 0u);
  EXPECT_GT(r.stats.duplicated, 0u);
  EXPECT_LT(r.stats.dropped, r.stats.sent);
}

TEST(SimNetwork, APartitionStopsMessagesAcrossSidesUntilHealed) {
  SimWorld w(1, 4);
  std::vector<std::unique_ptr<Pinger>> nodes;
  for (NodeIndex i = 0; i < 4; ++i) {
    nodes.push_back(std::make_unique<Pinger>(w, i));
    w.attach(i, nodes.back().get());
  }
  w.net().set_partition({0, 0, 1, 1});
  EXPECT_TRUE(w.net().connected(0, 1));
  EXPECT_FALSE(w.net().connected(1, 2));
  w.net().send(0, 2, Bytes{9});
  w.net().send(0, 1, Bytes{9});
  EXPECT_EQ(w.net().stats().dropped, 1u);
  w.net().heal();
  EXPECT_TRUE(w.net().connected(1, 2));
}

TEST(SimWorld, ACrashedNodeLosesItsTimersAndItsMessages) {
  SimWorld w(1, 2);
  Pinger a(w, 0), b(w, 1);
  w.attach(0, &a);
  w.attach(1, &b);
  DriverTimer t;
  t.height = Height(77);
  w.scheduler(1).schedule(10, t);
  w.net().send(0, 1, Bytes{1});
  w.detach(1);
  w.at(20, "restart", [&] { w.attach(1, &b); });
  while (w.step()) {
  }
  EXPECT_TRUE(b.timers.empty());
  EXPECT_TRUE(b.received.empty());
  EXPECT_EQ(w.lost_to_crash(), 1u);
}

TEST(SimNetwork, AFilterReplacesWhatANodeSends) {
  SimWorld w(1, 3);
  Pinger a(w, 0, 0), b(w, 1, 0), c(w, 2, 0);
  w.attach(0, &a);
  w.attach(1, &b);
  w.attach(2, &c);
  w.net().set_filter(0, [](NodeIndex to, ByteView) {
    return to == 1 ? std::vector<Bytes>{Bytes{1}, Bytes{1, 1}} : std::vector<Bytes>{};
  });
  w.net().endpoint(0).broadcast(Bytes{5, 5, 5});
  while (w.step()) {
  }
  EXPECT_EQ(b.received, (std::vector<std::string>{"0:1", "0:2"}));
  EXPECT_TRUE(c.received.empty());
}

TEST(FaultPlan, IsAFunctionOfTheSeedAndKeepsByzantineNodesBelowAThird) {
  FaultOptions opt;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    for (std::size_t n : {1u, 4u, 7u, 10u}) {
      FaultPlan p = make_fault_plan(seed, n, opt);
      EXPECT_EQ(p.describe(), make_fault_plan(seed, n, opt).describe());
      EXPECT_LE(3 * p.byzantine_count(), n - 1) << p.describe();
      for (int64_t s : p.skew_ms) EXPECT_LE(2 * (s < 0 ? -s : s), int64_t(opt.max_drift_ms));
      for (const CrashPlan& c : p.crashes) {
        EXPECT_TRUE(p.honest(c.node));
        EXPECT_LE(c.at_ms + c.down_ms, opt.fault_phase_ms);
      }
      for (const PartitionPlan& q : p.partitions) EXPECT_LE(q.heal_ms, opt.fault_phase_ms);
    }
  }
}

TEST(FaultPlan, WithoutFaultsIsCalmAndHonest) {
  FaultOptions opt;
  opt.faults = false;
  FaultPlan p = make_fault_plan(3, 4, opt);
  EXPECT_EQ(p.byzantine_count(), 0u);
  EXPECT_TRUE(p.crashes.empty());
  EXPECT_TRUE(p.partitions.empty());
  EXPECT_EQ(p.chaos.drop, 0.0);
}

TEST(InvariantChecker, FlagsTwoHashesCertifiedAtOneHeight) {
  InvariantChecker c;
  Hash a, b;
  b.data[0] = 1;
  c.on_certificate(0, Height(3), a, "committed");
  c.on_certificate(1, Height(3), a, "committed");
  EXPECT_TRUE(c.ok());
  c.on_certificate(2, Height(3), b, "last_commit");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.failure()->find("height 3"), std::string::npos);
}

TEST(InvariantChecker, FlagsDifferentRootsAtOneHeight) {
  InvariantChecker c;
  Roots r1, r2;
  r2.registry_root.data[5] = 9;
  c.on_state(0, Height(2), r1);
  c.on_state(1, Height(2), r1);
  c.on_state(1, Height(3), r2);
  EXPECT_TRUE(c.ok());
  c.on_state(2, Height(2), r2);
  EXPECT_FALSE(c.ok());
}

TEST(InvariantChecker, FlagsANodeWithoutProofsInACommittee) {
  InvariantChecker c;
  PubKey ghost;
  ghost.data[0] = 7;
  c.on_committee(0, Height(5), {PubKey{}}, {ghost});
  EXPECT_TRUE(c.ok());
  c.on_committee(0, Height(6), {PubKey{}, ghost}, {ghost});
  EXPECT_FALSE(c.ok());
}

}  // namespace
}  // namespace swarmchain::sim
