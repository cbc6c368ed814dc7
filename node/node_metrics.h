// NodeMetrics: the node's own Prometheus metrics for GET /metrics (docs/operator.md lists every
// one): chain height, consensus round and rounds per height, block interval, peers, mempool,
// registry nodes by state and swarms, uptime proofs received and included, registry state
// changes by kind, sync, p2p drops, and driver counters.
//
// Two kinds of values:
//   * counters and histograms kept here, fed as things happen: on_block_committed (rounds per
//     height, block interval, proofs included) on the chain strand; count_proofs_from_rpc,
//     count_state_change and count_loop_timeout from any thread;
//   * readings taken per scrape (NodeReadings): the node fills them from the chain, mempool,
//     registry, p2p host and, on the chain strand, the driver (node/node.cpp: it posts a read
//     to the event loop and waits a bounded time, falling back to the last reading).
//
// Thread-safety: on_block_committed and seed_tip on the chain strand only (seed_tip before the
// loop runs); everything else from any thread. Counters are relaxed atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chain/block.h"
#include "common/commit.h"
#include "common/prometheus.h"
#include "node/driver.h"
#include "registry/registry_state.h"

namespace swarmchain {

// Registry records by state, and the swarm count.
struct RegistryCounts {
  uint64_t awaiting = 0;
  uint64_t active = 0;
  uint64_t decommissioned = 0;
  uint64_t deregistered = 0;
  uint64_t swarms = 0;
};
// One scan of every record (O(n); fine once per scrape).
RegistryCounts count_registry(const RegistryState& registry);

// What only the chain strand may read (the Driver's state).
struct LoopReadings {
  uint64_t consensus_height = 0;  // the height being decided
  uint32_t consensus_round = 0;
  bool syncing = false;
  uint64_t sync_target = 0;  // max(the highest height a peer claims, the tip)
  DriverStats stats;
  ReachTester::Stats reach;
};

struct NodeReadings {
  uint64_t height = 0;
  uint64_t mempool_txs = 0;
  uint64_t mempool_bytes = 0;
  bool p2p_enabled = false;
  uint64_t peers = 0;
  std::vector<std::pair<std::string, uint64_t>> p2p_drops;  // p2p::Host::drop_counts()
  RegistryCounts registry;
  LoopReadings loop;
  bool failed = false;   // the driver stopped (/health "failed")
  bool stalled = false;  // no block in the last stall check (/health "stalled")
};

class NodeMetrics {
 public:
  // The kinds count_state_change knows; any other is counted as "other".
  static constexpr std::array<std::string_view, 5> kStateChangeKinds = {
      "activated", "decommissioned", "recommissioned", "deregistered", "expired"};

  NodeMetrics();

  // Chain strand. The tip the node starts from, so the first commit has an interval.
  void seed_tip(Height height, uint64_t time_ms);
  // Chain strand, for every block committed (decided or synced): the round it was decided in,
  // the interval since its parent (header times), the uptime proofs it includes.
  void on_block_committed(const Block& block, const CommitCertificate& cert);

  // Any thread. Uptime proofs admitted into the mempool through this node's RPC.
  void count_proofs_from_rpc(uint64_t n);
  // Any thread. A registry state change of kind (one of kStateChangeKinds, else "other").
  void count_state_change(std::string_view kind);
  // Any thread. A scrape that used the previous loop readings: the loop did not answer in time.
  void count_loop_timeout();

  void render(prom::TextWriter& w, const NodeReadings& r) const;
  std::string render(const NodeReadings& r) const;

  // For tests.
  uint64_t proofs_included() const { return proofs_included_.load(std::memory_order_relaxed); }
  uint64_t state_changes(std::string_view kind) const;

 private:
  static std::size_t kind_index(std::string_view kind);  // kStateChangeKinds.size(): "other"

  prom::Histogram rounds_per_height_;
  prom::Histogram block_interval_;
  std::atomic<uint64_t> proofs_included_{0};
  std::atomic<uint64_t> proofs_from_rpc_{0};
  std::atomic<uint64_t> loop_timeouts_{0};
  std::array<std::atomic<uint64_t>, kStateChangeKinds.size() + 1> state_changes_{};
  // Chain strand only.
  uint64_t last_height_ = 0;
  uint64_t last_time_ms_ = 0;
  bool have_last_ = false;
};

}  // namespace swarmchain
