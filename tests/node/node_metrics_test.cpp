// NodeMetrics: what committed blocks feed (rounds per height, block interval, proofs included),
// state-change kinds, registry counts, and the p2p drop families, in the rendered text.
#include "node/node_metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "chain/tx.h"
#include "tests/chain/test_util.h"

namespace swarmchain::test {
namespace {

Block block_at(uint64_t height, uint64_t time_ms, std::size_t proofs, std::size_t transfers) {
  Block b;
  b.header.height = Height(height);
  b.header.time_ms = time_ms;
  for (std::size_t i = 0; i < proofs; ++i)
    b.txs.push_back(make_uptime_proof(test_key(uint8_t(i + 1)), Hash{}, time_ms, {}));
  b.txs.resize(b.txs.size() + transfers);  // default Tx: a transfer
  return b;
}

CommitCertificate cert_at(uint64_t height, uint32_t round) {
  CommitCertificate c;
  c.height = Height(height);
  c.round = round;
  return c;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(NodeMetrics, CommittedBlocksFeedRoundsIntervalsAndIncludedProofs) {
  NodeMetrics m;
  m.seed_tip(Height(5), 10'000);
  m.on_block_committed(block_at(6, 10'500, 2, 1), cert_at(6, 0));
  m.on_block_committed(block_at(7, 12'500, 1, 0), cert_at(7, 2));
  EXPECT_EQ(m.proofs_included(), 3u);
  const std::string t = m.render(NodeReadings{});
  EXPECT_TRUE(has_line(t, "swarmchain_consensus_rounds_per_height_bucket{le=\"1\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_consensus_rounds_per_height_bucket{le=\"2\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_consensus_rounds_per_height_bucket{le=\"3\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_consensus_rounds_per_height_sum 4")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_consensus_rounds_per_height_count 2")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_bucket{le=\"0.25\"} 0")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_bucket{le=\"0.5\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_bucket{le=\"2\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_sum 2.5")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_uptime_proofs_included_total 3")) << t;
}

TEST(NodeMetrics, BlockOneHasNoIntervalFromTheGenesisTime) {
  NodeMetrics m;
  m.seed_tip(Height(0), 1'000);
  m.on_block_committed(block_at(1, 900'000'000, 0, 0), cert_at(1, 0));
  m.on_block_committed(block_at(2, 900'001'000, 0, 0), cert_at(2, 0));
  const std::string t = m.render(NodeReadings{});
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_count 1")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_block_interval_seconds_sum 1")) << t;
}

TEST(NodeMetrics, StateChangesOfUnknownKindCountAsOther) {
  NodeMetrics m;
  m.count_state_change("activated");
  m.count_state_change("activated");
  m.count_state_change("exploded");
  EXPECT_EQ(m.state_changes("activated"), 2u);
  EXPECT_EQ(m.state_changes("other"), 1u);
  const std::string t = m.render(NodeReadings{});
  EXPECT_TRUE(has_line(t, "swarmchain_registry_state_changes_total{kind=\"activated\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_registry_state_changes_total{kind=\"expired\"} 0")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_registry_state_changes_total{kind=\"other\"} 1")) << t;
  EXPECT_EQ(t.find("exploded"), std::string::npos);
}

TEST(NodeMetrics, RegistryIsCountedByStateWithItsSwarms) {
  RegistryState reg;
  RegistryChanges changes;
  auto add = [&](uint8_t key, NodeState state, SwarmId swarm) {
    ServiceNode sn;
    sn.pubkey = test_key(key).pubkey();
    sn.state = state;
    sn.swarm_id = swarm;
    changes[sn.pubkey] = sn;
  };
  add(1, NodeState::kAwaiting, kUnassignedSwarm);
  add(2, NodeState::kActive, 7);
  add(3, NodeState::kActive, 7);
  add(4, NodeState::kActive, 900);
  add(5, NodeState::kDecommissioned, kUnassignedSwarm);
  reg.apply(changes);
  const RegistryCounts c = count_registry(reg);
  EXPECT_EQ(c.awaiting, 1u);
  EXPECT_EQ(c.active, 3u);
  EXPECT_EQ(c.decommissioned, 1u);
  EXPECT_EQ(c.deregistered, 0u);
  EXPECT_EQ(c.swarms, 2u);
}

TEST(NodeMetrics, P2pDropsSplitIntoPayloadAndConnectionFamilies) {
  NodeMetrics m;
  NodeReadings r;
  r.p2p_enabled = true;
  r.peers = 3;
  r.p2p_drops = {{"bad_auth", 1}, {"duplicate", 40}, {"queue_full", 2}};
  r.loop.stats.uptime_proofs_received = 5;
  m.count_proofs_from_rpc(2);
  const std::string t = m.render(r);
  EXPECT_TRUE(has_line(t, "swarmchain_peers 3")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_p2p_payloads_dropped_total{reason=\"duplicate\"} 40")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_p2p_payloads_dropped_total{reason=\"queue_full\"} 2")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_p2p_connections_dropped_total{reason=\"bad_auth\"} 1")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_uptime_proofs_received_total{source=\"peer\"} 5")) << t;
  EXPECT_TRUE(has_line(t, "swarmchain_uptime_proofs_received_total{source=\"rpc\"} 2")) << t;
}

}  // namespace
}  // namespace swarmchain::test
