// The net benchmark's load side: a CommitTracker that learns when each block (and each tx in
// it) appeared on each node, and a LoadGen that funds sender accounts from the dev wallet and
// sends pre-signed transfers over keep-alive HTTP.
//
// CommitTracker: one poller thread per node calls get_height every poll interval and, for each
// new height, get_block; the time a block "appeared" on a node is the time the get_height
// answer that revealed it arrived (an upper bound, at most one poll interval late). Node 0's
// poller fetches every block and keeps its stats (tx count, certificate signatures); the other
// nodes' pollers fetch blocks only while recording (the latency phases) and otherwise follow
// the height alone, every 100 ms, to disturb the nodes little.
//
// LoadGen: senders are fresh keys funded from the dev account. A run pre-signs a bounded number
// of transfers (on every core, before it starts timing), splits the senders over client
// threads (thread t sends to node t mod nodes, each sender's txs in nonce order on one
// connection), and sends them either as fast as a backlog bound allows (closed loop) or at a
// fixed rate (open loop). A sender whose tx is refused for a reason other than a retryable
// nonce race is dropped from the run and from later runs.
//
// Thread-safety: CommitTracker's public methods may be called from any thread. LoadGen belongs
// to one thread (its run() starts and joins its own client threads).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/amount.h"
#include "common/bytes.h"
#include "common/crypto.h"

namespace swarmchain::bench {

using Clock = std::chrono::steady_clock;

struct BlockStat {
  uint64_t height = 0;
  uint64_t tx_count = 0;
  uint64_t cert_sigs = 0;  // signatures in the block's commit certificate
  Clock::time_point seen;  // when node 0's poller learned of it
};

class CommitTracker {
 public:
  CommitTracker(std::vector<uint16_t> rpc_ports, std::chrono::milliseconds poll_interval);
  ~CommitTracker();  // stop()s
  CommitTracker(const CommitTracker&) = delete;
  CommitTracker& operator=(const CommitTracker&) = delete;

  void start();
  void stop();
  // While on, every node's poller fetches every new block and records its txids.
  void set_recording(bool on) { recording_.store(on); }

  uint64_t committed_txs() const { return committed_txs_.load(); }  // node 0, since start
  uint64_t height(std::size_t node) const { return heights_.at(node).load(); }
  std::vector<BlockStat> blocks() const;  // node 0's, in height order
  // When the tx appeared on the last of the nodes (nullopt if some node has not shown it).
  std::optional<Clock::time_point> seen_everywhere(const std::string& txid) const;
  // Per node: get_height/get_block failures so far.
  std::vector<uint64_t> errors() const;

 private:
  void poll(std::size_t node);

  std::vector<uint16_t> ports_;
  std::chrono::milliseconds interval_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> recording_{false};
  std::atomic<uint64_t> committed_txs_{0};
  std::vector<std::atomic<uint64_t>> heights_;
  std::vector<std::atomic<uint64_t>> errors_;
  mutable std::mutex mu_;
  std::vector<BlockStat> blocks_;                                            // guarded by mu_
  std::vector<std::unordered_map<std::string, Clock::time_point>> seen_;    // guarded by mu_
  std::vector<std::thread> threads_;
};

struct RunSpec {
  std::size_t threads = 4;
  double rate = 0;                        // total tx/s; 0 = as fast as the backlog allows
  int64_t max_backlog = 0;                // 0 = no bound; else wait while backlog() >= it
  std::function<int64_t()> backlog;       // accepted but not yet committed (needed with a bound)
  std::chrono::milliseconds duration{10'000};
  std::function<bool()> done;             // optional: stop early when it returns true
  std::size_t max_txs = 10'000;           // pre-signed txs: a hard bound on what is sent
  std::size_t batch = 1;                  // txs per call (> 1: send_raw_transactions)
  bool record_send_times = false;
};

struct SentTx {
  std::string txid;
  Clock::time_point sent;  // just before the HTTP request
};

struct RunResult {
  uint64_t accepted = 0;
  uint64_t refused = 0;           // refused by the node (sender dropped)
  uint64_t transport_errors = 0;
  uint64_t retries = 0;           // nonce races retried
  std::map<std::string, uint64_t> refusals;  // reason -> count
  std::vector<std::string> first_errors;     // a few messages, for the report
  Clock::time_point start, end;              // of the sending
  double waiting_s = 0;    // summed over threads: time blocked on the backlog bound or pacing
  double rpc_s = 0;        // summed over threads: time inside send_raw_transaction calls
  double presign_s = 0;
  bool ran_out = false;    // every pre-signed tx was sent before the time was up
  std::vector<SentTx> sent;  // with record_send_times
  double seconds() const { return std::chrono::duration<double>(end - start).count(); }
};

class LoadGen {
 public:
  LoadGen(Hash chain_id, std::vector<uint16_t> rpc_ports, Amount fee);

  // Sends `count` transfers of `each` from `dev` to new sender keys through node 0, then waits
  // (up to `timeout`) until the last one is confirmed. Throws BenchError.
  void fund(const KeyPair& dev, std::size_t count, Amount each, std::chrono::milliseconds timeout);

  RunResult run(const RunSpec& spec);

  std::size_t live_senders() const;
  uint64_t accepted_ever() const { return accepted_ever_.load(); }

 private:
  struct Sender {
    KeyPair key;
    uint64_t next_nonce = 0;
    bool dropped = false;
  };
  struct PreTx {
    std::string hex;
    std::string txid;
    uint32_t sender = 0;
  };
  std::vector<std::vector<PreTx>> presign(std::size_t threads, std::size_t max_txs);

  Hash chain_id_;
  std::vector<uint16_t> ports_;
  Amount fee_;
  std::vector<Sender> senders_;
  std::atomic<uint64_t> accepted_ever_{0};  // read by backlog() callbacks on client threads
};

}  // namespace swarmchain::bench
