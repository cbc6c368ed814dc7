// Driver::Impl, the driver's state and its parts (private to node/driver*.cpp): the consensus
// loop in driver.cpp, block sync in driver_sync.cpp, txs, uptime proofs, evidence and
// reachability in driver_txs.cpp. Everything runs on the driver's strand (node/driver.h).
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "node/driver.h"
#include "node/wire.h"

namespace swarmchain {

struct Driver::Impl {
  using Kind = DriverTimer::Kind;
  // A Blocks message stops growing past this many encoded bytes (at least one block is sent).
  static constexpr std::size_t kMaxBlocksBytes = 16u << 20;
  // Blocks checked during the current height, kept for commit; more are checked, not kept.
  static constexpr std::size_t kMaxCheckedBlocks = 16;
  // Equivocations already reported; forgotten wholesale past this size.
  static constexpr std::size_t kMaxReportedEvidence = 4096;

  static consensus::TimeoutConfig timeouts_for(const ChainParams& p) {
    return consensus::TimeoutConfig{p.timeout_propose_ms, p.timeout_prevote_ms,
                                    p.timeout_precommit_ms, p.timeout_delta_ms};
  }
  static bool signature_valid(const consensus::Message& m, const Hash& chain_id) {
    return std::visit([&](const auto& x) { return x.signature_valid(chain_id); }, m);
  }

  Impl(Driver& d, Blockchain& c, Mempool& mp, Signer& s, const KeyPair& k, const Clock& cl,
       Network& n, Scheduler& sc, DriverConfig cfg)
      : self(d),
        chain(c),
        mempool(mp),
        signer(s),
        key(k),
        clock(cl),
        net(n),
        sched(sc),
        config(std::move(cfg)),
        engine(c.chain_id(), s.pubkey(), timeouts_for(c.params()),
               [this](const consensus::Proposal& p) { return check_proposal(p); }) {}

  struct Checked {
    Block block;
    ExecutedBlock executed;
  };
  // A peer seen behind us: its height, when first seen there, when last served.
  struct Behind {
    Height height;
    uint64_t first_seen_ms = 0;
    uint64_t served_ms = 0;
    bool served = false;
  };
  // A peer seen at our height + 1 (it decided a block we have not): since when.
  struct Ahead {
    PeerId peer = 0;
    uint64_t since_ms = 0;
  };

  Driver& self;
  Blockchain& chain;
  Mempool& mempool;
  Signer& signer;
  KeyPair key;
  const Clock& clock;
  Network& net;
  Scheduler& sched;
  DriverConfig config;
  consensus::Engine engine;

  DriverStats stats;
  std::map<PeerId, PeerCounters> peers;
  std::unordered_map<BlockHash, Checked> checked;    // this height's blocks, by hash
  uint64_t propose_delay_ms = 0;                     // the pause of the current height
  std::optional<consensus::ProposeRequest> waiting;  // a proposal waiting out the pause
  std::map<PeerId, Behind> behind;
  std::optional<Ahead> ahead;
  BlockSync sync{config.sync};
  std::set<std::tuple<PubKey, uint64_t, uint32_t, uint8_t>> reported;
  ReachTester reach{key, chain.chain_id()};

  bool stopped() const { return self.failure_.has_value(); }
  void fail(std::string why, DriverFailure kind = DriverFailure::kOther) {
    if (!self.failure_) self.failure_ = Status::error(kind, std::move(why));
  }
  void drop(PeerId p, const std::string& reason) {
    ++peers[p].dropped[reason];
    net.penalize(p, reason);
  }
  void broadcast(const wire::WireMessage& m) { net.broadcast(wire::encode(m)); }
  void send(PeerId to, const wire::WireMessage& m) { net.send(to, wire::encode(m)); }

  // --- consensus --------------------------------------------------------------------------
  consensus::Output start_height(uint32_t round = 0);

  // At start: if this node signed at the height after the tip before it stopped (a crash
  // mid-height), resume the round it signed in last and send its signed votes of that round
  // again; its engine counts them as its own, so it does not ask for other votes there (the
  // guard would refuse them: counted in sign_refusals) and the peers get them even if they
  // were lost with the crash. Otherwise start the height at round 0.
  void resume();

  // Does what the engine asks, until nothing is left. Drops are counted against `from`, the
  // peer whose message produced `first`.
  void run(consensus::Output first, std::optional<PeerId> from = std::nullopt);
  std::optional<consensus::Output> on_propose_request(const consensus::ProposeRequest& r);
  consensus::Output build_and_propose(const consensus::ProposeRequest& r);
  void wake_proposer();

  // The engine's validity callback. Each refusal says why (the engine reports it in dropped).
  Status check_proposal(const consensus::Proposal& p);

  // Commits a decision; any failure stops the driver: the committee decided a block that this
  // node cannot commit (its store failed, or its chain differs from a quorum's).
  bool commit_decided(consensus::Decision d);

  // Commits through Blockchain::commit (which checks the tip and the certificate itself) and
  // tells the signer and the mempool. A refusal that is the block's fault (fault_of: kInvalid)
  // is returned to the caller; any other failure is this node's own (the store): it stops.
  // With note_signer false (sync applying a run of blocks) the block's store write is not
  // fsynced and the caller, at the end of the run, syncs the store once and then tells the
  // signer (in that order: the sign state never names a height the disk may not hold).
  Status commit_block(const Block& block, const CommitCertificate& cert, ExecutedBlock executed,
                      bool note_signer = true);

  // --- reachability (ReachTester) ---------------------------------------------------------
  void on_probe_result(const ReachProbe& p, const Status& result);

  // Relays the early votes that became valid and sends the verdicts that reached threshold.
  void after_votes();
  void on_reach_vote(PeerId from, const wire::ReachVote& v, ByteView bytes);
  bool note_committed(Height h);
  void on_consensus(PeerId from, const consensus::Message& m, ByteView bytes);

  // --- sync (BlockSync) --------------------------------------------------------------------

  // A peer sent a message for a height we committed: once it is still there a rebroadcast
  // period later (not just a late vote), send it the blocks it is missing.
  void peer_behind(PeerId p, Height peer_height);

  // The peer has blocks up to `height`: ask for them (BlockSync spreads the ranges).
  void request_blocks(PeerId p, Height height);
  void pump_sync();
  void send_blocks(PeerId p, Height from, uint32_t count);
  void on_blocks(PeerId p, wire::Blocks msg);
  void on_preverified(uint64_t batch);

  // Applies the buffered blocks that follow the tip, checking each certificate against the
  // committee this node computes itself; a block that fails is its sender's fault.
  void apply_synced();

  // --- txs --------------------------------------------------------------------------------
  Expected<TxId> add_tx(const Tx& tx);
  void broadcast_txs(std::span<const Tx> txs);

  // A peer's txs (one wire message) are admitted under one hold of the chain's lock, and those
  // admitted are relayed as one batch: a peer that has them already refuses them as duplicates.
  void on_txs(PeerId p, std::span<const Tx> txs);

  // Adds a tx of this node's own (uptime proof, evidence) and sends it to the peers.
  bool submit_own_tx(const Tx& tx);

  // Equivocation becomes an evidence tx (design §6.5): fee 0, nonce 0, sent by this node.
  void report_evidence(const consensus::Evidence& e);

  // Sends a proof and schedules the next: an interval later, or soon when this node's own
  // mempool refused it (a restarted node judges it against its stale tip: too soon after its
  // last proof, or too far from that tip's time) so that a node back from an outage proves,
  // and is recommissioned, once it has caught up rather than an interval later.
  void send_uptime_proof();
  static constexpr uint64_t kProofRetryMs = 5'000;

  // --- timers -----------------------------------------------------------------------------
  void on_timer(const DriverTimer& t);
};

}  // namespace swarmchain
