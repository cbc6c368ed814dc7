// Driver: the event-driven shell around consensus::Engine (design §6.3). It owns every write
// to the chain: it feeds the engine messages and timer expiries, signs what the engine asks
// through the Signer, builds proposals from the mempool, checks proposed blocks (the engine's
// validity callback: the block executes on the tip, and its time is after the parent's and at
// most max_clock_drift_ms ahead of this node's clock, as CometBFT's PBTS), commits decided
// blocks with the ExecutedBlock computed while voting (executed once), sends this node's
// uptime proofs, tests its peers' reachability when it sits in a quorum and sends the verdicts
// (node/reach_tester.h), turns equivocation into evidence txs, and serves/asks for committed blocks
// when a peer is behind or ahead (sync, node/block_sync.h).
//
// It does no I/O of its own: messages leave through Network, time comes from Clock, timers
// from Scheduler. The real node runs it on one event-loop thread; the simulator runs many in
// one thread over a simulated clock and network. Everything here is called on that one
// thread (the "chain strand"); nothing else writes the chain.
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/clock.h"
#include "consensus/engine.h"
#include "node/block_sync.h"
#include "node/reach_tester.h"
#include "node/signer.h"
#include "node/wire.h"

namespace swarmchain {

// Where the driver's messages go: implemented by the simulator and by p2p (node/peer_network.h).
// Messages are bytes in the wire encoding of node/wire.h.
class Network {
 public:
  virtual ~Network() = default;
  virtual void broadcast(ByteView message) = 0;
  virtual void send(PeerId to, ByteView message) = 0;
  // A message of the peer's was dropped for `reason` (a PeerCounters reason). The transport
  // decides which reasons are the sender's fault and scores them (p2p bans at a threshold);
  // the simulator ignores it.
  virtual void penalize(PeerId /*peer*/, const std::string& /*reason*/) {}
};

// A timer of the driver's.
struct DriverTimer {
  enum class Kind : uint8_t {
    kConsensus,    // consensus::Timeout
    kStartHeight,  // the pause after a commit is over: start the next height
    kPropose,      // the proposer's pause is over: build and propose
    kRebroadcast,  // resend this node's own messages of the current round
    kUptimeProof,  // time to send this node's uptime proof
  };
  Kind kind = Kind::kConsensus;
  consensus::Timeout timeout;  // kConsensus only
  Height height;               // kStartHeight / kPropose: the height it is for
};

// Starts timers on the driver's strand: after delay_ms, the owner calls on_timer(t).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual void schedule(uint64_t delay_ms, const DriverTimer& t) = 0;
};

// The contact data this node puts in its uptime proofs (design §7.4).
struct ContactInfo {
  uint32_t public_ip = 0;  // IPv4, host order
  uint16_t storage_port = 0;
  uint16_t storage_lmq_port = 0;
  uint16_t quorumnet_port = 0;               // the p2p port
  std::array<uint16_t, 3> version{0, 1, 0};  // this node's software version
};

// Verifies the signatures of synced blocks ahead of time (on a worker pool, into the chain's
// signature cache), then calls ready() on the driver's strand; applying them afterwards costs
// no signature verifies. Without it, synced blocks are applied as they arrive.
// The batch is in the shape Blockchain::preverify reads (certs[i] certifies blocks[i]).
struct SyncBatch {
  std::vector<Block> blocks;
  std::vector<CommitCertificate> certs;
};
using Preverifier =
    std::function<void(std::shared_ptr<const SyncBatch> batch, std::function<void()> ready)>;

// Probes a node's advertised p2p address for the reachability quorums (node/reach_tester.h):
// p2p::Host::probe in the node, a model in the simulator. `done` must run ON THE DRIVER'S
// STRAND, once, with ok or why the node did not answer as itself.
using Prober = std::function<void(const std::string& host_port, const PubKey& key,
                                  std::function<void(Status)> done)>;

struct DriverConfig {
  bool send_uptime_proofs = true;
  // Empty: this node tests nobody (it still checks, relays and counts peers' votes).
  Prober probe;
  ContactInfo contact;
  uint64_t rebroadcast_ms = 1000;
  // Relay the consensus messages this node accepted from a peer to its other peers (p2p
  // gossip: nodes that are not connected to every validator still hear them). The simulator's
  // network is a full mesh and leaves it off.
  bool relay_consensus = false;
  Preverifier preverify;
  BlockSyncConfig sync;
  // Asked before every block is written: an error (the disk is nearly full) stops the driver as
  // DriverFailure::kStorage before the store's write could fail half-way. Empty: no check.
  std::function<Status(Height)> check_disk;
};

// What the driver did, for metrics and tests (monotonic counters).
struct DriverStats {
  uint64_t sign_refusals = 0;    // the Signer refused a message the engine asked to sign
  uint64_t proposals_built = 0;  // blocks this node built and proposed
  uint64_t blocks_decided = 0;   // blocks committed from a consensus decision
  uint64_t blocks_synced = 0;    // blocks committed from a peer's Blocks (sync)
  uint64_t evidence_sent = 0;    // evidence txs added to the mempool and broadcast
  uint64_t uptime_proofs_sent = 0;      // this node's own, admitted into its mempool
  uint64_t uptime_proofs_received = 0;  // peers' proofs admitted into the mempool (on_txs)
  uint64_t state_changes_sent = 0;      // reachability verdicts this node built and sent
};

// Per-sender counters of messages dropped, and why (p2p scores peers from these).
struct PeerCounters {
  std::map<std::string, uint64_t> dropped;  // reason -> count
  uint64_t accepted = 0;
};

// Why the driver stopped (the code of failure()). kStorage: this node's disk failed (the store
// or the sign state could not be written, e.g. the disk is full); the node then exits
// (node/node.h). kOther: anything else (a decided block this chain cannot apply).
enum class DriverFailure { kOk = 0, kOther, kStorage };

class Driver {
 public:
  Driver(Blockchain& chain, Mempool& mempool, Signer& signer, const KeyPair& node_key,
         const Clock& clock, Network& net, Scheduler& sched, DriverConfig config);
  ~Driver();

  // Starts consensus at the height after the tip (and the uptime-proof timer); after a restart
  // in the middle of that height, at the round the signer signed in last, with its votes.
  void start();
  void on_message(PeerId from, ByteView bytes);
  void on_timer(const DriverTimer& t);
  // A tx entered the mempool (from RPC or a peer): a waiting proposer may propose now.
  void on_new_tx();
  // A peer's txs, already decoded (and their signatures prechecked into the chain's cache by
  // the transport): as on_message with a tx batch, without decoding it again.
  void on_txs(PeerId from, std::span<const Tx> txs);
  // Txs this node's RPC admitted to the mempool: sent to the peers in batches, and as
  // on_new_tx().
  void on_local_txs(std::span<const Tx> txs);
  // The transport says the peer has committed blocks up to `height` (its Hello or pings).
  void on_peer_height(PeerId peer, Height height);
  void on_peer_gone(PeerId peer);
  SyncProgress sync_progress() const;

  // Set when this node failed on its own side (the store could not commit a decided block):
  // the node must stop or report it on /health; the driver does nothing more. Its code is a
  // DriverFailure.
  const std::optional<Status>& failure() const { return failure_; }
  const PeerCounters& counters(PeerId p) const;
  const consensus::Engine& engine() const;
  const DriverStats& stats() const;
  const ReachTester::Stats& reach_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::optional<Status> failure_;
};

}  // namespace swarmchain
