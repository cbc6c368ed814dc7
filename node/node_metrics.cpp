#include "node/node_metrics.h"

#include <variant>

namespace swarmchain {
namespace {

// p2p::Host's payload drop reasons (p2p/host.h); every other reason is a dropped connection.
bool is_payload_drop(std::string_view reason) {
  return reason == "duplicate" || reason == "gossip_rate_limited" || reason == "queue_full";
}

}  // namespace

RegistryCounts count_registry(const RegistryState& registry) {
  RegistryCounts c;
  registry.for_each([&c](const ServiceNode& sn) {
    switch (sn.state) {
      case NodeState::kAwaiting: ++c.awaiting; break;
      case NodeState::kActive: ++c.active; break;
      case NodeState::kDecommissioned: ++c.decommissioned; break;
      case NodeState::kDeregistered: ++c.deregistered; break;
    }
  });
  c.swarms = registry.swarms().size();
  return c;
}

NodeMetrics::NodeMetrics()
    : rounds_per_height_({1, 2, 3, 4, 6, 10}),
      block_interval_({0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300}) {}

void NodeMetrics::seed_tip(Height height, uint64_t time_ms) {
  last_height_ = height.value;
  last_time_ms_ = time_ms;
  have_last_ = true;
}

void NodeMetrics::on_block_committed(const Block& block, const CommitCertificate& cert) {
  rounds_per_height_.observe(double(cert.round) + 1);
  const uint64_t h = block.header.height.value;
  const uint64_t t = block.header.time_ms;
  // Block times increase (a rule of the chain); the check keeps a surprise from underflowing.
  // The genesis time is set when the chain is made, not by a proposer: block 1 has no interval.
  if (have_last_ && last_height_ >= 1 && h == last_height_ + 1 && t >= last_time_ms_)
    block_interval_.observe(double(t - last_time_ms_) / 1000.0);
  last_height_ = h;
  last_time_ms_ = t;
  have_last_ = true;
  uint64_t proofs = 0;
  for (const Tx& tx : block.txs)
    if (std::holds_alternative<UptimeProofPayload>(tx.payload)) ++proofs;
  if (proofs > 0) proofs_included_.fetch_add(proofs, std::memory_order_relaxed);
}

void NodeMetrics::count_proofs_from_rpc(uint64_t n) {
  proofs_from_rpc_.fetch_add(n, std::memory_order_relaxed);
}

std::size_t NodeMetrics::kind_index(std::string_view kind) {
  for (std::size_t i = 0; i < kStateChangeKinds.size(); ++i)
    if (kStateChangeKinds[i] == kind) return i;
  return kStateChangeKinds.size();
}

void NodeMetrics::count_state_change(std::string_view kind) {
  state_changes_[kind_index(kind)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t NodeMetrics::state_changes(std::string_view kind) const {
  return state_changes_[kind_index(kind)].load(std::memory_order_relaxed);
}

void NodeMetrics::count_loop_timeout() { loop_timeouts_.fetch_add(1, std::memory_order_relaxed); }

std::string NodeMetrics::render(const NodeReadings& r) const {
  prom::TextWriter w;
  render(w, r);
  return w.text();
}

void NodeMetrics::render(prom::TextWriter& w, const NodeReadings& r) const {
  constexpr auto relaxed = std::memory_order_relaxed;
  // Chain and consensus.
  w.gauge("swarmchain_height", "Height of the last committed block.", double(r.height));
  w.gauge("swarmchain_finalized_height",
          "Height of the last final block. BFT: a committed block is final, so this equals "
          "swarmchain_height.",
          double(r.height));
  w.gauge("swarmchain_consensus_height", "The height consensus is deciding now.",
          double(r.loop.consensus_height));
  w.gauge("swarmchain_consensus_round",
          "The consensus round at the height being decided (0: the first round).",
          double(r.loop.consensus_round));
  w.histogram("swarmchain_consensus_rounds_per_height",
              "Rounds each committed block took (1: decided in its first round), from its "
              "commit certificate.",
              rounds_per_height_.snapshot());
  w.histogram("swarmchain_block_interval_seconds",
              "Time between consecutive committed blocks, from their header times.",
              block_interval_.snapshot());
  static constexpr std::string_view kCommitted =
      "Blocks this node committed, by source: consensus (decided with its committee) or sync "
      "(fetched from a peer with their certificate).";
  w.counter("swarmchain_blocks_committed", kCommitted, r.loop.stats.blocks_decided,
            {{"source", "consensus"}});
  w.counter("swarmchain_blocks_committed", kCommitted, r.loop.stats.blocks_synced,
            {{"source", "sync"}});
  w.counter("swarmchain_proposals_built", "Blocks this node built and proposed.",
            r.loop.stats.proposals_built);
  w.counter("swarmchain_sign_refusals",
            "Votes or proposals the sign-state guard refused to sign (it would have signed twice "
            "at one height and round).",
            r.loop.stats.sign_refusals);
  w.counter("swarmchain_evidence_sent", "Evidence txs (double signing) this node sent.",
            r.loop.stats.evidence_sent);
  w.counter("swarmchain_reach_probes_started",
            "Reachability probes this node ran as a quorum member (issue 10).",
            r.loop.reach.probes_started);
  w.counter("swarmchain_reach_probes_failed",
            "Of those, the probes the target failed (no connection, or not its node key).",
            r.loop.reach.probes_failed);
  w.counter("swarmchain_reach_votes", "Reachability failure votes: this node's and peers' valid ones.",
            r.loop.reach.votes_sent, {{"source", "own"}});
  w.counter("swarmchain_reach_votes", "Reachability failure votes: this node's and peers' valid ones.",
            r.loop.reach.votes_accepted, {{"source", "peers"}});
  w.counter("swarmchain_state_changes_sent",
            "state_change txs (a quorum's verdict) this node built from matching votes and sent.",
            r.loop.stats.state_changes_sent);
  w.gauge("swarmchain_failed",
          "1 when consensus stopped on this node's side (/health \"failed\"); restart it.",
          r.failed ? 1 : 0);
  w.gauge("swarmchain_stalled",
          "1 when no block was committed during the last stall check (/health \"stalled\").",
          r.stalled ? 1 : 0);

  // Sync and p2p.
  w.gauge("swarmchain_syncing", "1 while a peer is more than one block ahead and this node syncs.",
          r.loop.syncing ? 1 : 0);
  w.gauge("swarmchain_sync_target_height",
          "The highest height known: what a peer claims, or this node's own height when no peer "
          "is ahead.",
          double(r.loop.sync_target));
  w.gauge("swarmchain_peers", "Connected p2p peers (0 with p2p off).", double(r.peers));
  for (const auto& [reason, n] : r.p2p_drops) {
    if (is_payload_drop(reason)) {
      w.counter("swarmchain_p2p_payloads_dropped",
                "p2p payloads dropped by the transport, by reason (docs/p2p.md).", n,
                {{"reason", reason}});
    } else {
      w.counter("swarmchain_p2p_connections_dropped",
                "p2p connections dropped or refused, by reason (docs/p2p.md).", n,
                {{"reason", reason}});
    }
  }

  // Mempool.
  w.gauge("swarmchain_mempool_txs", "Transactions waiting in the mempool.", double(r.mempool_txs));
  w.gauge("swarmchain_mempool_bytes", "Encoded bytes of the transactions in the mempool.",
          double(r.mempool_bytes));

  // Registry.
  static constexpr std::string_view kNodes = "Service nodes in the registry, by state.";
  w.gauge("swarmchain_service_nodes", kNodes, double(r.registry.awaiting), {{"state", "awaiting"}});
  w.gauge("swarmchain_service_nodes", kNodes, double(r.registry.active), {{"state", "active"}});
  w.gauge("swarmchain_service_nodes", kNodes, double(r.registry.decommissioned),
          {{"state", "decommissioned"}});
  w.gauge("swarmchain_service_nodes", kNodes, double(r.registry.deregistered),
          {{"state", "deregistered"}});
  w.gauge("swarmchain_swarms", "Swarms (groups of active nodes storing the same users).",
          double(r.registry.swarms));
  static constexpr std::string_view kReceived =
      "Uptime proofs admitted into this node's mempool, by source: peer (gossip), rpc "
      "(send_raw_transaction[s]) or self (this node's own).";
  w.counter("swarmchain_uptime_proofs_received", kReceived, r.loop.stats.uptime_proofs_received,
            {{"source", "peer"}});
  w.counter("swarmchain_uptime_proofs_received", kReceived, proofs_from_rpc_.load(relaxed),
            {{"source", "rpc"}});
  w.counter("swarmchain_uptime_proofs_received", kReceived, r.loop.stats.uptime_proofs_sent,
            {{"source", "self"}});
  w.counter("swarmchain_uptime_proofs_included",
            "Uptime proofs in the blocks this node committed.", proofs_included_.load(relaxed));
  static constexpr std::string_view kChanges =
      "Registry state changes applied at the end of blocks, by kind.";
  for (std::size_t i = 0; i < kStateChangeKinds.size(); ++i)
    w.counter("swarmchain_registry_state_changes", kChanges, state_changes_[i].load(relaxed),
              {{"kind", kStateChangeKinds[i]}});
  if (uint64_t other = state_changes_.back().load(relaxed); other > 0)
    w.counter("swarmchain_registry_state_changes", kChanges, other, {{"kind", "other"}});

  w.counter("swarmchain_metrics_loop_timeouts",
            "Scrapes that showed the previous consensus readings because the chain strand was "
            "busy longer than the wait.",
            loop_timeouts_.load(relaxed));
}

}  // namespace swarmchain
