// Node: the composition root. Wires the chain (store + state), the mempool, the signer, the
// consensus Driver, p2p (PeerNetwork over p2p::Host) and the RPC server. The Driver runs on one EventLoop thread, the chain
// strand: it is the only writer of the chain (design §6.3). The dev node is the same engine
// with a committee of one and, unless --p2p-bind is given, no network.
//
// If the driver fails on this node's side (the store could not commit a decided block), the
// node logs it once, /health answers 503 with the reason, and nothing more is produced; when
// its disk failed it also calls NodeConfig::on_fatal (swarmchaind exits).
//
// Thread-safety: open()/start()/stop() from the main thread. The event-loop thread owns the
// Driver and writes the chain; RPC worker threads read the chain, add to the mempool and post
// to the loop. A /metrics scrape (RPC thread) reads the driver by posting to the loop and
// waiting a bounded time (read_loop()).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "chain/blockchain.h"
#include "chain/mempool.h"
#include "common/clock.h"
#include "node/activity_log.h"
#include "node/driver.h"
#include "node/event_loop.h"
#include "node/node_metrics.h"
#include "node/peer_network.h"
#include "node/sign_state.h"
#include "node/sync_preverifier.h"
#include "node/signer.h"
#include "rpc/http_server.h"
#include "rpc/json_rpc.h"
#include "rpc/rpc_metrics.h"

namespace swarmchain {

struct NodeConfig {
  std::filesystem::path datadir;
  std::filesystem::path genesis_path;  // empty: <datadir>/genesis.json
  std::string rpc_host = "127.0.0.1";
  uint16_t rpc_port = 22023;
  std::size_t rpc_threads = 2;
  // --rpc-public: served to other machines; admin methods stay local (docs/rpc.md "Access").
  bool rpc_public = false;
  std::vector<std::string> rpc_allow_hosts;  // Host names served besides IP literals, localhost
  double rpc_rate_per_s = 200;               // per client address, loopback exempt; 0: off
  // The shared verify pool's workers (mempool admission, block validation) run this many nice
  // levels below the node's other threads (common/parallel.h). 0 (the default): the same
  // priority. Measured on the 4-node loopback bench (issue 9) it did not lower the commit
  // latency, and a helper that is preempted while holding a chunk makes its caller (the chain
  // strand, an RPC thread) wait: a priority inversion. Sync's own pool is always lowered (see
  // kSyncVerifyNice in node.cpp).
  int verify_nice = 0;
  // p2p (design §7). The one-node dev net runs without it unless --p2p-bind is given.
  bool p2p_enabled = false;
  std::string p2p_host = "0.0.0.0";
  uint16_t p2p_port = 22022;  // 0: an ephemeral port (tests)
  std::vector<std::string> peers;  // "host:port" seeds
  // What this node's uptime proofs announce (public IP, storage ports); the quorumnet port is
  // the p2p port it listens on.
  ContactInfo contact;
  // Called once, on the loop thread, when the node cannot go on because its disk failed (the
  // store or the sign state could not be written, e.g. a full disk; DriverFailure::kStorage).
  // swarmchaind stops and exits 1 (docs/operator.md "A full disk"). Unset: /health says 503.
  std::function<void(const std::string& why)> on_fatal;
  // The node stops (as on_fatal) rather than write a block while the disk of the datadir has
  // less free space than this: RocksDB's write cut short by ENOSPC can abort the process (seen
  // with Debian 12's librocksdb: an assertion in WritableFileWriter). 0: no check.
  uint64_t min_free_disk_bytes = 64u << 20;
};

class Node final : public ChainListener {
 public:
  // Loads the genesis, the node key, the chain and the sign state; refuses a foreign or
  // damaged datadir, and a store that is behind what this node already committed.
  static Expected<std::unique_ptr<Node>> open(const NodeConfig& config);
  ~Node() override;

  Status start();
  // Stops accepting RPC, lets the event in flight (a block being committed) finish, saves the
  // pending txs (<datadir>/mempool.dat, node/mempool_file.h), then returns; the chain (RocksDB)
  // closes when the Node is destroyed. Safe to call more than once.
  void stop();

  uint16_t rpc_port() const { return rpc_ ? rpc_->port() : 0; }
  // Every JSON-RPC method the node serves (after start()), ascending; docs/rpc.md documents
  // each (tests/node/rpc_doc_test.cpp).
  std::vector<std::string> rpc_methods() const { return dispatcher_.method_names(); }
  uint16_t p2p_port() const;
  const Blockchain& chain() const { return *chain_; }

  void on_block_committed(const Block& block, const CommitCertificate& cert) override;
  void on_liveness_changes(Height h, const std::vector<LivenessChange>& changes) override;

  // The node's metrics (GET /metrics): count_state_change() from anywhere.
  NodeMetrics& metrics() { return metrics_; }
  // The text GET /metrics serves (RPC threads): the node's metrics, then the RPC's.
  std::string metrics_text();

 private:
  class LoopScheduler;
  // Runs fn(driver) on the chain strand, then reports a driver failure if there is one.
  void on_strand(std::function<void(Driver&)> fn);
  Status start_p2p();
  // <datadir>/mempool.dat (node/mempool_file.h): re-admitted at start, written at a clean stop.
  void reload_saved_mempool();
  // DriverConfig::check_disk: an error when the datadir's disk has less than
  // config_.min_free_disk_bytes free.
  Status check_free_disk(Height h) const;
  void save_mempool();
  // RPC threads queue the txs they admitted; the first into an empty queue posts one flush to
  // the chain strand, which sends all queued by then as batches (a loaded node sends few large
  // gossip messages, not one per tx).
  void queue_local_txs(std::span<const Tx> txs);
  void flush_local_txs(Driver& d);
  // Every kPeerTickMs on the loop: tells the driver its peers' heights (from their pings), keeps
  // `syncing_` current and logs sync progress (height, target, blocks/s, ETA).
  void peer_tick();
  static constexpr uint64_t kPeerTickMs = 1'000;
  void log_sync_progress(const SyncProgress& sp);
  // Every kActivityTickMs on the loop: round changes, sign refusals and the periodic summary
  // (node/activity_log.h).
  void activity_tick();
  static constexpr uint64_t kActivityTickMs = 1'000;
  ActivityLog activity_;  // loop thread
  explicit Node(NodeConfig c, KeyPair key) : config_(std::move(c)), key_(std::move(key)) {}
  // On the loop thread, after every call into the driver: reports a failure once.
  void check_failure();
  // Every kStallCheckMs on the loop: if no block was committed since the last check, say why in
  // one log line and on /health ("stalled"): a committee of several members whose quorum is
  // not connected (no peers, or p2p off) must not wait silently at height 0.
  void check_stall();
  std::string stall_cause(std::size_t committee) const;
  static constexpr uint64_t kStallCheckMs = 10'000;
  std::optional<std::string> failure() const;
  // The driver's readings for a scrape: read on the chain strand, waited for at most
  // kMetricsLoopWaitMs; the previous readings if the strand is busy longer (or stopped).
  LoopReadings read_loop();
  LoopReadings loop_readings_now() const;  // chain strand
  static constexpr uint64_t kMetricsLoopWaitMs = 500;

  NodeConfig config_;
  KeyPair key_;
  SystemClock clock_;
  std::unique_ptr<Blockchain> chain_;
  std::unique_ptr<Mempool> mempool_;
  std::unique_ptr<FileSignStateStore> sign_store_;  // <datadir>/sign_state; outlives signer_
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Network> net_;
  PeerNetwork* p2p_ = nullptr;  // net_ when p2p is enabled
  std::unique_ptr<Scheduler> sched_;
  std::unique_ptr<Driver> driver_;  // used on the loop thread only
  // Sync's signature pass, on its own pool (one worker per core, below the chain strand's
  // priority); reads chain_ and posts to loop_ (declared after them and after its pool:
  // destroyed, so stopped, first).
  std::unique_ptr<ThreadPool> sync_pool_;
  std::unique_ptr<SyncPreverifier> preverifier_;
  rpc::Dispatcher dispatcher_;
  NodeMetrics metrics_;
  // The last liveness change of each node seen since start (get_service_node_status
  // "last_change"); at most kMaxLastChanges entries.
  static constexpr std::size_t kMaxLastChanges = 20'000;
  mutable std::mutex last_changes_mu_;
  std::map<PubKey, std::pair<Height, LivenessChange>> last_changes_;
  std::unique_ptr<rpc::RpcMetrics> rpc_metrics_;  // made in start(), once methods are registered
  std::unique_ptr<rpc::HttpServer> rpc_;
  std::mutex loop_readings_mu_;
  LoopReadings last_loop_readings_;  // guarded by loop_readings_mu_
  std::thread loop_thread_;
  bool failure_reported_ = false;  // loop thread
  bool mempool_reloaded_ = false;  // main thread: start() read the saved pool; stop() saves it
  mutable std::mutex failure_mu_;
  std::optional<std::string> failure_;  // guarded by failure_mu_: read by /health
  std::optional<std::string> stalled_;  // guarded by failure_mu_: read by /health
  uint64_t last_checked_height_ = 0;    // loop thread
  std::atomic<bool> syncing_{false};     // read by get_info
  std::mutex outbox_mu_;
  std::vector<Tx> outbox_;               // guarded by outbox_mu_: local txs not yet sent
  uint64_t sync_log_ms_ = 0;             // loop thread: when progress was last logged
  uint64_t sync_log_height_ = 0;         // loop thread: the height then
  uint64_t sync_log_synced_ = 0;         // loop thread: blocks_synced at the last tick
  uint64_t sync_start_synced_ = 0;       // loop thread: blocks_synced when this sync began
  uint64_t sync_start_ms_ = 0;           // loop thread: when it began
  uint64_t sync_tick_ms_ = 0;            // loop thread: when log_sync_progress last ran
};

}  // namespace swarmchain
